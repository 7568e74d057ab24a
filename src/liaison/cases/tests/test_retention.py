"""Retention of the cases' records (core.retention, cases/retention.py): a case closed
longer than its period loses its people's personal data, its narratives and its files while
the dashboard's figures stay the same; a legal hold keeps it whole; each destruction is one
audit entry that names the record and the rule, never the person; a dry run changes
nothing; intake submissions left unprocessed are purged after their own period."""

import datetime
import json

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from liaison.agreements.tests.factories import PDF_BYTES
from liaison.cases import dashboard, figures, workflow
from liaison.cases.choices import CaseStatus, EntryKind, IdentifierKind, Outcome, VictimStatus
from liaison.cases.models import (
    Case,
    CaseMonthCount,
    CasePlaceCount,
    Identifier,
    IntakeSubmission,
    Report,
    Suspect,
    TimelineEntry,
    Victim,
)
from liaison.cases.services import intake, people, search, timeline
from liaison.core import jobs, retention
from liaison.core.choices import AuditAction, DisposalOutcome, JobState
from liaison.core.models import AuditEvent, Disposal, LegalHold
from liaison.core.retention_jobs import KIND

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
# Everything personal the case below holds: none may survive it, nor reach an audit entry
# written by retention.
PERSONAL = [
    "KIM Minjun",
    "김민준",
    "Kim Young-hee",
    "+82 10-1234-5678",
    "M12345678",
    "Telegram",
    "Golden Lion",
    "LEE Jiwoo",
    "+855 99 888 777",
    "ZHANG Wei",
    "@zhangwei_kh",
    "Sihanoukville scam ring",
    "Called the mother back",
    "Confinement in Sihanoukville",
]


@pytest.fixture(autouse=True)
def _no_kept_figures():
    cache.clear()
    yield
    cache.clear()


def close(case, personas, *, days_ago: float) -> Case:
    case = workflow.case_transition(
        actor=personas.overseas, case=case, to_status=CaseStatus.CLOSED, outcome=Outcome.VICTIM_SAFE
    )
    Case.objects.filter(pk=case.pk).update(closed_at=timezone.now() - DAY * days_ago)
    return Case.objects.get(pk=case.pk)


@pytest.fixture
def worked_case(personas, open_case):
    """The open case with a victim, a suspect with a phone, a call note and a document."""
    actor = personas.overseas
    people.victim_add(
        actor=actor,
        case=open_case,
        data={
            "name_latin": "LEE Jiwoo",
            "phone": "+855 99 888 777",
            "passport_number": "M98765432",
            "family_contact": "father, +82 10-9999-0000",
            "status": VictimStatus.RESCUED,
        },
    )
    suspect = people.suspect_add(
        actor=actor, case=open_case, data={"name_latin": "ZHANG Wei", "aliases": "Boss Zhang"}
    )
    people.identifier_add(
        actor=actor, suspect=suspect, kind=IdentifierKind.TELEGRAM, value="@zhangwei_kh"
    )
    timeline.entry_add(
        actor=actor,
        case=open_case,
        kind=EntryKind.CALL,
        body="Called the mother back",
        counterpart="Kim Young-hee",
    )
    timeline.entry_add(
        actor=actor,
        case=open_case,
        kind=EntryKind.DOCUMENT,
        upload=SimpleUploadedFile("statement.pdf", PDF_BYTES, "application/pdf"),
    )
    Case.objects.filter(pk=open_case.pk).update(summary="Sihanoukville scam ring")
    return Case.objects.get(pk=open_case.pk)


def expired(case, personas) -> Case:
    return close(case, personas, days_ago=retention.RULES["cases.closed_case"].days + 1)


NOW = timezone.now()


def figures_seen(personas) -> tuple:
    """What the dashboard shows the office (as of one moment), and the counts it keeps."""
    cache.clear()
    board = dashboard.dashboard(personas.ico, year=None, now=NOW, fresh=True)
    shown = json.dumps({k: v for k, v in board.items() if k != "computed_at"}, default=str)
    kept = (
        sorted(CaseMonthCount.objects.values_list("month", "country", "category", "cases")),
        sorted(
            CasePlaceCount.objects.values_list("month", "latitude", "longitude", "closed", "cases")
        ),
    )
    return shown, kept


def retention_entries():
    return AuditEvent.objects.filter(actor_label=retention.ACTOR_LABEL)


def test_a_case_closed_longer_than_its_period_loses_its_personal_data_and_files(
    personas, worked_case
):
    case = expired(worked_case, personas)
    document = TimelineEntry.objects.get(case=case, kind=EntryKind.DOCUMENT)
    stored = document.file.name
    assert default_storage.exists(stored)

    done = retention.run()

    assert done.destroyed == {"cases.closed_case": 1}
    case.refresh_from_db()
    assert (case.title, case.summary, case.place) == ("", "", "")
    for victim in Victim.objects.filter(case=case):
        assert (victim.name_ko, victim.name_latin, victim.phone, victim.family_contact) == (
            ("", "", "", "")
        )
        assert (victim.passport_ciphertext, victim.passport_hash, victim.passport_masked) == (
            ("", "", "")
        )
    suspect = Suspect.objects.get(case=case)
    assert (suspect.name_latin, suspect.aliases) == ("", "")
    assert not Identifier.objects.filter(suspect__case=case).exists()
    report = Report.objects.get(case=case)
    assert (report.reporter_name, report.narrative, report.person_name_latin) == ("", "", "")
    assert report.passport_ciphertext == ""
    assert not IntakeSubmission.objects.filter(report__case=case).exists()
    assert not TimelineEntry.objects.filter(case=case).exclude(body="").exists()
    assert not default_storage.exists(stored)
    # Nobody finds it by a name any more.
    assert not Case.objects.filter(search.matching("LEE Jiwoo")).exists()
    assert not Case.objects.filter(search.matching("KIM Minjun")).exists()
    assert Disposal.objects.get(object_type="cases.case").outcome == DisposalOutcome.ANONYMISED


def test_the_facts_and_the_dashboard_figures_stay_the_same(personas, worked_case):
    case = expired(worked_case, personas)
    before = figures_seen(personas)
    facts = Case.objects.values(
        "reference", "status", "outcome", "categories", "country", "first_reported_at", "closed_at"
    ).get(pk=case.pk)
    victims = list(Victim.objects.filter(case=case).values_list("status", "sex"))

    retention.run()

    assert figures_seen(personas) == before
    assert Case.objects.values(*facts).get(pk=case.pk) == facts
    assert list(Victim.objects.filter(case=case).values_list("status", "sex")) == victims
    # A recount from the anonymised cases gives the very same counts.
    figures.rebuild()
    assert figures_seen(personas) == before


def test_each_destruction_is_one_audit_entry_without_the_personal_data(personas, worked_case):
    case = expired(worked_case, personas)
    before = AuditEvent.objects.count()

    retention.run()

    entry = retention_entries().get()
    assert AuditEvent.objects.count() == before + 1  # earlier entries all kept
    assert entry.action == AuditAction.DELETE
    assert (entry.object_type, entry.object_id, entry.object_repr) == (
        "cases.case",
        str(case.pk),
        case.reference,
    )
    assert entry.reason == "retention: cases.closed_case"
    kept = entry.changes["retention"]
    assert kept["rule"] == "cases.closed_case" and kept["counted_from"] == "closed_at"
    assert kept["files_deleted"] == 1
    written = json.dumps([entry.object_repr, entry.reason, entry.changes], ensure_ascii=False)
    for value in PERSONAL:
        assert value not in written


def test_a_second_run_destroys_nothing_again(personas, worked_case):
    expired(worked_case, personas)
    retention.run()
    entries = retention_entries().count()

    again = retention.run()

    assert again.total == 0
    assert retention_entries().count() == entries
    assert Disposal.objects.count() == 1


def another_case(personas, posts, country, title: str) -> Case:
    report = intake.report_receive(
        actor=personas.overseas,
        data={
            "channel": "family",
            "country": country,
            "narrative": "Another family called.",
            "categories": ["confinement"],
            "post": posts.task_force,
        },
    )
    return intake.case_open(actor=personas.overseas, reports=[report], title=title)


def test_a_run_cut_off_is_finished_by_the_next(personas, worked_case, cambodia_police, posts):
    first = expired(worked_case, personas)
    second = expired(another_case(personas, posts, cambodia_police.country, "Second"), personas)
    # The first run destroyed one record and stopped there.
    retention.destroy_one(retention.RULES["cases.closed_case"], first.pk)

    done = retention.run()

    assert done.destroyed == {"cases.closed_case": 1}
    assert [item.object_id for item in done.items] == [str(second.pk)]
    assert Disposal.objects.filter(object_type="cases.case").count() == 2


def test_a_case_closed_within_its_period_or_still_open_is_kept(personas, worked_case):
    recent = close(worked_case, personas, days_ago=retention.RULES["cases.closed_case"].days - 1)

    assert retention.run().total == 0
    recent.refresh_from_db()
    assert recent.title == "Confinement in Sihanoukville"
    assert Victim.objects.filter(case=recent, name_latin="LEE Jiwoo").exists()


def test_a_case_on_legal_hold_is_kept_whole_with_its_reports_and_submissions(personas, worked_case):
    case = expired(worked_case, personas)
    # The form its report came from, past its own (shorter) period too.
    sent = IntakeSubmission.objects.create(
        submitted_by=personas.overseas, payload={}, report=case.reports.get()
    )
    IntakeSubmission.objects.filter(pk=sent.pk).update(submitted_at=timezone.now() - 400 * DAY)
    hold = retention.hold_place(
        actor=personas.ico, obj=case, reason="Proceedings at the Seoul Central District Court"
    )

    assert retention.run().total == 0

    case.refresh_from_db()
    assert case.title == "Confinement in Sihanoukville"
    assert Victim.objects.filter(case=case, name_latin="LEE Jiwoo").exists()
    assert IntakeSubmission.objects.filter(report__case=case).exists()
    placed = AuditEvent.objects.get(object_type="core.legalhold", action=AuditAction.CREATE)
    assert placed.actor == personas.ico and placed.reason.startswith("Proceedings")

    retention.hold_lift(actor=personas.ico, obj=case, reason="Judgment final")
    lifted = LegalHold.objects.get(pk=hold.pk)
    assert lifted.lifted_by == personas.ico and lifted.lift_reason == "Judgment final"
    assert AuditEvent.objects.filter(
        object_type="core.legalhold", action=AuditAction.UPDATE
    ).exists()
    # The submission goes with its case (the case's rule deletes it), once.
    assert retention.run().destroyed == {"cases.closed_case": 1}
    assert not IntakeSubmission.objects.filter(report__case=case).exists()
    assert not Victim.objects.filter(case=case).exclude(name_latin="").exists()


def test_a_hold_needs_a_reason_and_the_right_and_is_placed_once(personas, worked_case):
    with pytest.raises(ValidationError, match="Say why"):
        retention.hold_place(actor=personas.ico, obj=worked_case, reason="  ")
    with pytest.raises(Exception, match="does not allow"):
        retention.hold_place(actor=personas.overseas, obj=worked_case, reason="Court")
    retention.hold_place(actor=personas.ico, obj=worked_case, reason="Court")
    with pytest.raises(ValidationError, match="already on legal hold"):
        retention.hold_place(actor=personas.admin, obj=worked_case, reason="Court again")
    retention.hold_lift(actor=personas.ico, obj=worked_case, reason="Done")
    with pytest.raises(ValidationError, match="not on legal hold"):
        retention.hold_lift(actor=personas.ico, obj=worked_case, reason="Again")


def test_a_dry_run_lists_what_would_go_and_changes_nothing(personas, worked_case):
    case = expired(worked_case, personas)
    entries = AuditEvent.objects.count()

    done = retention.run(dry_run=True)

    assert [(d.rule, d.object_id, d.record) for d in done.items] == [
        ("cases.closed_case", str(case.pk), case.reference)
    ]
    assert AuditEvent.objects.count() == entries
    assert not Disposal.objects.exists()
    assert Victim.objects.filter(case=case, name_latin="LEE Jiwoo").exists()


def test_the_command_dry_run_prints_the_references_and_changes_nothing(
    personas, worked_case, capsys
):
    case = expired(worked_case, personas)

    call_command("retention", "--dry-run")

    printed = capsys.readouterr().out
    assert case.reference in printed and "1 records would be destroyed" in printed
    for value in PERSONAL:
        assert value not in printed
    assert Victim.objects.filter(case=case, name_latin="LEE Jiwoo").exists()

    call_command("retention")
    assert not Victim.objects.filter(case=case).exclude(name_latin="").exists()


def test_the_command_refuses_a_day_that_is_not_a_date():
    with pytest.raises(Exception, match="YYYY-MM-DD"):
        call_command("retention", "--dry-run", "--today", "tomorrow")


def submission(personas, *, days_ago: float, **fields) -> IntakeSubmission:
    sent = IntakeSubmission.objects.create(
        submitted_by=personas.overseas, payload={"narrative": "My son is held", **fields}
    )
    IntakeSubmission.objects.filter(pk=sent.pk).update(submitted_at=timezone.now() - DAY * days_ago)
    return sent


def test_intake_submissions_left_unprocessed_are_purged_after_their_period(personas, settings):
    days = settings.LIAISON_RETENTION_DAYS["cases.unprocessed_submission"]
    old = submission(personas, days_ago=days + 1)
    failed = submission(personas, days_ago=days + 2)
    IntakeSubmission.objects.filter(pk=failed.pk).update(failure="ValueError: boom")
    recent = submission(personas, days_ago=days - 1)
    refused = submission(personas, days_ago=days + 1)
    IntakeSubmission.objects.filter(pk=refused.pk).update(refused_at=timezone.now())

    done = retention.run()

    assert done.destroyed == {"cases.unprocessed_submission": 2}
    left = set(IntakeSubmission.objects.values_list("pk", flat=True))
    assert old.pk not in left and failed.pk not in left
    assert {recent.pk, refused.pk} <= left
    deleted = retention_entries().filter(object_type="cases.intakesubmission")
    assert {e.object_id for e in deleted} == {str(old.pk), str(failed.pk)}
    assert all("My son" not in json.dumps(e.changes) for e in deleted)


def test_the_scheduled_job_runs_the_retention(
    personas, worked_case, queue, django_capture_on_commit_callbacks
):
    case = expired(worked_case, personas)
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.fire(KIND)
    queue.run_pending()
    job.refresh_from_db()
    assert job.state == JobState.DONE, job.error
    assert job.result["by_rule"] == {"cases.closed_case": 1}
    assert not Victim.objects.filter(case=case).exclude(name_latin="").exists()


def test_the_retention_page_shows_what_is_due_and_what_is_held(
    personas, worked_case, client_for, cambodia_police, posts
):
    case = expired(worked_case, personas)
    days = retention.RULES["cases.closed_case"].days
    country = cambodia_police.country
    soon = close(another_case(personas, posts, country, "Soon"), personas, days_ago=days - 10)
    later = close(another_case(personas, posts, country, "Later"), personas, days_ago=days - 40)
    held = another_case(personas, posts, country, "Held")
    retention.hold_place(actor=personas.ico, obj=held, reason="Inquiry by the prosecutor")

    response = client_for(personas.ico).get(reverse("core:retention"))

    assert response.status_code == 200
    html = response.content.decode()
    assert case.reference in html and soon.reference in html
    assert later.reference not in html  # beyond the next 30 days
    assert "Inquiry by the prosecutor" in html and held.reference in html
    for value in PERSONAL:
        assert value not in html
    assert client_for(personas.overseas).get(reverse("core:retention")).status_code == 403


def test_a_hold_is_placed_and_lifted_from_the_case_page(personas, worked_case, client_for):
    ico = client_for(personas.ico)
    page = reverse("cases:detail", args=[worked_case.pk])
    assert "Place a legal hold" in ico.get(page).content.decode()

    refused = ico.post(reverse("cases:hold", args=[worked_case.pk]), {"reason": ""})
    assert refused.status_code == 400
    assert "Say why the record is held." in refused.content.decode()

    placed = ico.post(reverse("cases:hold", args=[worked_case.pk]), {"reason": "Court order 12"})
    assert placed.status_code == 302
    shown = ico.get(page).content.decode()
    assert "Legal hold" in shown and "Court order 12" in shown
    # The officer working the case sees the hold but may not lift it.
    officer_page = client_for(personas.overseas).get(page).content.decode()
    assert "Court order 12" in officer_page and "Lift the hold" not in officer_page
    assert (
        client_for(personas.overseas)
        .post(reverse("cases:hold_lift", args=[worked_case.pk]), {"reason": "x"})
        .status_code
        == 403
    )

    lifted = ico.post(reverse("cases:hold_lift", args=[worked_case.pk]), {"reason": "Closed"})
    assert lifted.status_code == 302
    assert retention.standing_hold(worked_case) is None


def test_a_hold_is_placed_and_lifted_through_the_api(personas, worked_case, client_for):
    ico = client_for(personas.ico)
    url = f"/api/v1/cases/{worked_case.pk}/legal-hold"
    assert ico.get(url).json()["held"] is False

    placed = ico.post(url, {"reason": "Court order 12"}, content_type="application/json")
    assert placed.status_code == 200, placed.content
    assert placed.json()["held"] is True and placed.json()["placed_by"] == personas.ico.username
    again = ico.post(url, {"reason": "Again"}, content_type="application/json")
    assert again.status_code == 422
    assert "already on legal hold" in json.dumps(again.json())
    empty = ico.post(f"{url}/lift", {"reason": " "}, content_type="application/json")
    assert empty.status_code == 422

    lifted = ico.post(f"{url}/lift", {"reason": "Closed"}, content_type="application/json")
    assert lifted.status_code == 200 and lifted.json()["held"] is False
    analyst = client_for(personas.analyst)
    assert analyst.post(url, {"reason": "x"}, content_type="application/json").status_code == 403


def test_a_record_whose_destruction_fails_is_left_whole_and_the_others_still_go(
    personas, worked_case, same_phone_report, settings, monkeypatch
):
    """A rule that fails half-way (here one made for the test, which raises after clearing
    the reporter) leaves its record as it was: no Disposal, no destruction entry."""

    def clear_then_fail(report):
        Report.objects.filter(pk=report.pk).update(reporter_name="")
        raise RuntimeError("storage unreachable")

    broken = retention.Rule(
        name="tests.broken",
        label="Broken",
        model=Report,
        counted_from="received_at",
        counted_from_label="receipt",
        outcome=DisposalOutcome.ANONYMISED,
        destroy=clear_then_fail,
        covers=lambda: Report.objects.filter(case__isnull=True),
    )
    monkeypatch.setitem(retention.RULES, broken.name, broken)
    settings.LIAISON_RETENTION_DAYS = {**settings.LIAISON_RETENTION_DAYS, broken.name: 0}
    case = expired(worked_case, personas)

    done = retention.run()

    assert done.failed == [f"cases.report {same_phone_report.pk}"]
    assert Report.objects.get(pk=same_phone_report.pk).reporter_name == "Kim Young-hee"
    assert not Disposal.objects.filter(object_type="cases.report").exists()
    assert not retention_entries().filter(object_type="cases.report").exists()
    # The case due in the same run was destroyed all the same.
    assert done.destroyed == {"cases.closed_case": 1}
    assert Disposal.objects.filter(object_type="cases.case", object_id=str(case.pk)).exists()
