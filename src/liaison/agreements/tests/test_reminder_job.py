"""The daily reminder job: everything due reminds the responsible people once, in the
application and by e-mail, however often the job runs."""

import datetime

import pytest
from django.core.management import call_command
from django.db import IntegrityError
from django.utils import timezone

from liaison.agreements import services
from liaison.agreements.choices import AgreementStatus, ReminderKind
from liaison.agreements.models import Agreement, Reminder
from liaison.agreements.rules import submission_deadline

pytestmark = pytest.mark.django_db


@pytest.fixture
def today():
    return timezone.localdate()


def _due_kinds():
    return sorted(Reminder.objects.values_list("kind", flat=True).distinct())


def test_a_result_report_due_soon_reminds_the_institutions_requesters_once(
    walk, draft, personas, mailoutbox, today
):
    signed = walk.to(draft, "signed")
    Agreement.objects.filter(pk=signed.pk).update(result_report_due=today + datetime.timedelta(5))

    call_command("send_reminders")
    call_command("send_reminders")

    reminder = Reminder.objects.get()
    assert reminder.kind == ReminderKind.RESULT_REPORT
    assert reminder.recipient == personas.requester
    assert reminder.read_at is None
    assert [m.to for m in mailoutbox] == [[personas.requester.email]]
    assert signed.title in mailoutbox[0].subject
    assert f"/agreements/{signed.pk}/" in mailoutbox[0].body


def test_running_the_job_twice_sends_each_email_once(walk, draft, personas, mailoutbox, today):
    active = walk.to(draft, "active")
    january = datetime.date(today.year, 1, 20)
    Agreement.objects.filter(pk=active.pk).update(
        signed_on=today.replace(year=today.year - 3), expires_on=january + datetime.timedelta(30)
    )

    first = services.reminders_send(today=january)
    sent = len(mailoutbox)
    second = services.reminders_send(today=january)

    # The annual report (to the requester) and the expiry (to each ICO officer).
    assert first.created == sent == 2
    assert second.created == second.emailed == 0
    assert len(mailoutbox) == sent
    assert _due_kinds() == [ReminderKind.ANNUAL_REPORT, ReminderKind.EXPIRY]
    assert {m.to[0] for m in mailoutbox} == {personas.requester.email, personas.ico.email}


def test_a_review_pending_before_the_signing_reminds_the_office(walk, draft, personas, mailoutbox):
    submitted = walk.to(draft, "submitted")

    services.reminders_send(today=submitted.planned_signing_on - datetime.timedelta(10))

    reminder = Reminder.objects.get()
    assert (reminder.kind, reminder.recipient) == (ReminderKind.REVIEW, personas.ico)
    assert reminder.due_on == submitted.planned_signing_on


def test_an_application_closing_soon_reminds_the_requester_but_a_closed_one_does_not(
    draft, personas, mailoutbox
):
    deadline = submission_deadline(draft.planned_signing_on)

    services.reminders_send(today=deadline + datetime.timedelta(1))
    assert not Reminder.objects.exists()

    services.reminders_send(today=deadline - datetime.timedelta(3))
    reminder = Reminder.objects.get()
    assert (reminder.kind, reminder.recipient) == (ReminderKind.APPLICATION, personas.requester)
    assert deadline.isoformat() in mailoutbox[0].body


def test_nothing_is_sent_for_terminated_agreements(walk, draft, mailoutbox, today):
    active = walk.to(draft, "active")
    Agreement.objects.filter(pk=active.pk).update(
        status=AgreementStatus.TERMINATED,
        signed_on=today.replace(year=today.year - 3),
        expires_on=datetime.date(today.year, 2, 1),
        result_report_due=datetime.date(today.year, 1, 20),
    )

    run = services.reminders_send(today=datetime.date(today.year, 1, 20))

    assert run.due == 0
    assert not Reminder.objects.exists()
    assert mailoutbox == []


def test_a_person_without_an_email_address_still_gets_the_notification(
    walk, draft, personas, mailoutbox, today
):
    personas.requester.email = ""
    personas.requester.save()
    signed = walk.to(draft, "signed")

    run = services.reminders_send(today=signed.result_report_due - datetime.timedelta(1))

    assert (run.created, run.emailed) == (1, 0)
    assert Reminder.objects.filter(recipient=personas.requester).exists()
    assert mailoutbox == []


def test_a_failed_email_leaves_no_notification_so_the_next_run_tries_again(
    walk, draft, settings, mailoutbox
):
    signed = walk.to(draft, "signed")
    day = signed.result_report_due
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there

    assert services.reminders_send(today=day).failed == 1
    assert not Reminder.objects.exists()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert services.reminders_send(today=day).emailed == 1


def test_the_database_refuses_a_second_reminder_for_the_same_thing(walk, draft, personas):
    signed = walk.to(draft, "signed")
    fields = {
        "agreement": signed,
        "kind": ReminderKind.RESULT_REPORT,
        "due_on": signed.result_report_due,
        "recipient": personas.requester,
        "subject": "s",
        "body": "b",
        "sent_at": timezone.now(),
    }
    Reminder.objects.create(**fields)
    with pytest.raises(IntegrityError):
        Reminder.objects.create(**fields)
