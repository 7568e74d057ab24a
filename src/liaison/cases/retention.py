"""How long the cases' records are kept and what destroying them removes (core.retention):
a closed case from its closing, with its people, reports, timeline and files; a report
never made a case from its receipt; intake submissions from their receipt, sooner when
left unprocessed. A legal hold on a case keeps everything that belongs to it.

What stays of an anonymised case is what the figures are made of: when and where it was
reported, its categories, statuses and the times of each step, the victims' and suspects'
statuses, sex, nationality and HTCDS codes, the kinds and dates of everything done. The
dashboard's counts read nothing that is removed, so they stay right without a recount."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from liaison.core import retention
from liaison.core.choices import DisposalOutcome

from . import derived
from .choices import CaseStatus, ReportStatus
from .models import (
    Case,
    CaseTask,
    CaseTransition,
    Identifier,
    IntakeSubmission,
    InterpolNotice,
    PartnerRequest,
    Report,
    Suspect,
    TimelineEntry,
    Victim,
    VictimStatusChange,
)

NO_PASSPORT = {"passport_ciphertext": "", "passport_hash": "", "passport_last2": ""}
NO_NAME = {"name_ko": "", "name_latin": "", "name_keys": "", "date_of_birth": None}

# Each is written with update(): timeline entries refuse save() (they are never edited by
# people), and nothing here is a change someone made that a version must reflect.
VICTIM_PERSONAL = {
    **NO_NAME,
    **NO_PASSPORT,
    "phone": "",
    "phone_key": "",
    "contact": "",
    "family_contact": "",
    "recruitment_details": "",
}
SUSPECT_PERSONAL = {
    **NO_NAME,
    **NO_PASSPORT,
    "name_local": "",
    "aliases": "",
    "organisation": "",
    "notes": "",
}
REPORT_PERSONAL = {
    **NO_PASSPORT,
    "reporter_name": "",
    "reporter_relation": "",
    "reporter_contact": "",
    "narrative": "",
    "person_name": "",
    "person_name_latin": "",
    "person_phone": "",
    "person_phone_key": "",
    "person_date_of_birth": None,
    "person_name_keys": "",
    "others_involved": "",
    "dismissed_reason": "",
    "place": "",
}
CASE_PERSONAL = {"title": "", "summary": "", "outcome_note": "", "place": ""}


def _destroy_reports(reports) -> None:
    """A report's reporter, the person it is about and what was told; its channel, dates,
    categories and country stay. Its intake submission (a copy of all that) is deleted."""
    IntakeSubmission.objects.filter(report__in=reports).delete()
    reports.update(**REPORT_PERSONAL)


def destroy_case(case: Case) -> Iterable[str]:
    was = derived.before(case)
    victims = Victim.objects.filter(case=case)
    suspects = Suspect.objects.filter(case=case)
    victims.update(**VICTIM_PERSONAL)
    VictimStatusChange.objects.filter(victim__case=case).update(note="")
    Identifier.objects.filter(suspect__case=case).delete()
    suspects.update(**SUSPECT_PERSONAL)
    InterpolNotice.objects.filter(case=case).update(reference="")
    CaseTransition.objects.filter(case=case).update(reason="")
    PartnerRequest.objects.filter(case=case).update(subject="", answer="")
    CaseTask.objects.filter(case=case).update(title="")
    entries = TimelineEntry.objects.filter(case=case)
    files = [name for name in entries.exclude(file="").values_list("file", flat=True)]
    entries.update(body="", counterpart="", file="", file_name="")
    _destroy_reports(Report.objects.filter(case=case))
    Case.objects.filter(pk=case.pk).update(**CASE_PERSONAL)
    case.refresh_from_db()
    # The place's free text and the people's names leave the search column; the counts
    # read nothing removed, and case_changed leaves them alone when nothing they read moved.
    derived.case_changed(case, was, people=True)
    return files


def destroy_report(report: Report) -> Iterable[str]:
    _destroy_reports(Report.objects.filter(pk=report.pk))
    return ()


def delete_submission(submission: IntakeSubmission) -> Iterable[str]:
    submission.delete()
    return ()


def _reference(model):
    return lambda pk: model.objects.filter(pk=pk).values_list("reference", flat=True).first() or pk


UNPROCESSED = Q(report__isnull=True, refused_at__isnull=True, recovered_at__isnull=True)

retention.rule(
    retention.Rule(
        name="cases.closed_case",
        label=_("Closed cases, with their people, reports and documents"),
        model=Case,
        counted_from="closed_at",
        counted_from_label=_("closing"),
        outcome=DisposalOutcome.ANONYMISED,
        destroy=destroy_case,
        covers=lambda: Case.objects.filter(status=CaseStatus.CLOSED),
        describe=lambda case: case.reference,
    )
)
retention.rule(
    retention.Rule(
        name="cases.report_without_case",
        label=_("Reports never made a case"),
        model=Report,
        counted_from="received_at",
        counted_from_label=_("receipt"),
        outcome=DisposalOutcome.ANONYMISED,
        destroy=destroy_report,
        covers=lambda: Report.objects.filter(
            case__isnull=True, status__in=[ReportStatus.NEW, ReportStatus.DISMISSED]
        ),
        describe=lambda report: report.reference,
    )
)
retention.rule(
    retention.Rule(
        name="cases.intake_submission",
        label=_("Intake submissions, once processed"),
        model=IntakeSubmission,
        counted_from="submitted_at",
        counted_from_label=_("receipt"),
        outcome=DisposalOutcome.DELETED,
        destroy=delete_submission,
        covers=lambda: IntakeSubmission.objects.exclude(UNPROCESSED),
        held_through=(("cases.report", "report_id"), ("cases.case", "report__case_id")),
        describe=lambda submission: f"intake {submission.pk}",
    )
)
retention.rule(
    retention.Rule(
        name="cases.unprocessed_submission",
        label=_("Intake submissions left unprocessed"),
        model=IntakeSubmission,
        counted_from="submitted_at",
        counted_from_label=_("receipt"),
        outcome=DisposalOutcome.DELETED,
        destroy=delete_submission,
        covers=lambda: IntakeSubmission.objects.filter(UNPROCESSED),
        describe=lambda submission: f"intake {submission.pk}",
    )
)
retention.holdable(
    "cases.case",
    describe=_reference(Case),
    url=lambda pk: reverse("cases:detail", args=[pk]),
)
