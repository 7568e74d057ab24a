"""Reminders of what is due on agreements, sent by the scheduled job `liaison
send-reminders`: one in-app notification and one e-mail per person per thing due, never
twice. And the person's own act of marking their notifications read."""

from __future__ import annotations

import datetime
import logging
import smtplib
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from liaison.core.choices import Role
from liaison.core.models import User

from .. import conf
from ..choices import ReminderKind
from ..models import Agreement, Reminder
from ..selectors import Due, due_items

logger = logging.getLogger(__name__)

# Who answers for each kind of deadline: the requesting institution writes applications and
# reports; the International Cooperation Office reviews and watches expiries.
REQUESTER_KINDS = {ReminderKind.APPLICATION, ReminderKind.RESULT_REPORT, ReminderKind.ANNUAL_REPORT}


@dataclass
class ReminderRun:
    """What one run of the job did."""

    due: int = 0  # things due that were looked at
    created: int = 0  # notifications created (each with its e-mail, if the person has one)
    emailed: int = 0
    failed: int = 0  # e-mails that could not be sent; they are tried again on the next run


def reminders_due(*, today: datetime.date) -> list[Due]:
    """What deserves a reminder today: deadlines within the lead time (or passed, for
    reports), and expiries within the warning window."""
    lead = conf.reminder_lead_days()
    until = today + datetime.timedelta(days=lead)
    agreements = Agreement.objects.select_related("institution", "counterpart")
    items = []
    for item in due_items(agreements, today=today, horizon_days=lead):
        if item.kind == ReminderKind.APPLICATION and item.overdue:
            # Closed: only an exception can help now, and the application page says so.
            continue
        if item.kind != ReminderKind.EXPIRY and item.due_on > until:
            continue
        items.append(item)
    return items


def recipients(item: Due) -> list:
    users = get_user_model().objects.filter(is_active=True)
    if item.kind in REQUESTER_KINDS:
        users = users.filter(role=Role.REQUESTER, institution_id=item.agreement.institution_id)
    else:
        users = users.filter(role=Role.ICO_OFFICER)
    return list(users.order_by("pk"))


def _message(item: Due, recipient) -> tuple[str, str]:
    """Subject and body in the recipient's language."""
    a = item.agreement
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        what = {
            ReminderKind.APPLICATION: _("The application must be submitted by %(due)s."),
            ReminderKind.REVIEW: _(
                "The review is still pending; the signing is planned for %(due)s."
            ),
            ReminderKind.RESULT_REPORT: _("The result report is due on %(due)s."),
            ReminderKind.ANNUAL_REPORT: _("The annual report for %(year)s is due on %(due)s."),
            ReminderKind.EXPIRY: _("The agreement expires on %(due)s."),
        }[ReminderKind(item.kind)] % {"due": item.due_on.isoformat(), "year": item.due_on.year - 1}
        if item.overdue:
            what += " " + _("This is overdue.")
        subject = _("[Liaison] %(kind)s: %(title)s") % {
            "kind": ReminderKind(item.kind).label,
            "title": a.title,
        }
        link = conf.base_url() + reverse("agreements:detail", args=[a.pk])
        body = "\n\n".join(
            [
                f"{a.reference} · {a.title}",
                f"{a.counterpart} · {a.institution}",
                what,
                link,
            ]
        )
    return subject[:300], body


def _remind(item: Due, recipient, now: datetime.datetime) -> tuple[bool, bool]:
    """(created, emailed). The row and the e-mail go together: the row is inserted first,
    in a transaction that a failed e-mail rolls back, so that the next run tries again."""
    subject, body = _message(item, recipient)
    with transaction.atomic():
        # On PostgreSQL a concurrent run's insert of the same row waits for this
        # transaction, then finds the row and sends nothing; SQLite queues whole writers.
        _, created = Reminder.objects.get_or_create(
            agreement=item.agreement,
            kind=item.kind,
            due_on=item.due_on,
            recipient=recipient,
            defaults={"subject": subject, "body": body, "sent_at": now},
        )
        if not created or not recipient.email:
            return created, False
        send_mail(subject, body, None, [recipient.email])
    return True, True


def reminders_send(*, today: datetime.date | None = None) -> ReminderRun:
    """Reminds every responsible person of everything due; safe to run any number of
    times a day, and by two schedulers at once."""
    now = timezone.now()
    today = today or timezone.localdate(now)
    run = ReminderRun()
    for item in reminders_due(today=today):
        run.due += 1
        for recipient in recipients(item):
            try:
                created, emailed = _remind(item, recipient, now)
            except (OSError, smtplib.SMTPException):
                logger.exception(
                    "reminder e-mail failed",
                    extra={"agreement": item.agreement.pk, "kind": item.kind},
                )
                run.failed += 1
                continue
            run.created += created
            run.emailed += emailed
    return run


@transaction.atomic
def notifications_mark_read(*, actor: User, reminder_id: int | None = None) -> int:
    """Marks the actor's unread notifications read (one, or all); someone else's are
    never touched. Returns how many were marked."""
    unread = Reminder.objects.filter(recipient=actor, read_at__isnull=True)
    if reminder_id is not None:
        unread = unread.filter(pk=reminder_id)
    return unread.update(read_at=timezone.now())
