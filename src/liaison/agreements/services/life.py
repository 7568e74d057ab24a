"""The life of a signed agreement: the result report, the cooperation log every domain
writes to, annual reports, the effectiveness assessment, termination and expiry."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison.core import audit
from liaison.core.models import User
from liaison.core.permissions import refuse

from .. import conf, permissions, rules, workflow
from ..choices import (
    IN_FORCE_STATUSES,
    ActivityKind,
    AgreementStatus,
    DocumentKind,
    TerminationDecision,
)
from ..models import (
    Agreement,
    AnnualReport,
    CooperationActivity,
    EffectivenessDecision,
    ResultReport,
)
from .documents import store_document


@transaction.atomic
def result_report_submit(
    *,
    actor: User,
    agreement: Agreement,
    summary: str,
    upload=None,
    expected_version: int | None = None,
) -> ResultReport:
    """The institution's report after signing; with it the agreement becomes active."""
    locked = workflow.lock(agreement, expected_version)
    if not permissions.can_report(actor, locked):
        refuse(actor, what="agreements.result_report")
    if locked.status != AgreementStatus.SIGNED:
        raise ValidationError(_("A result report is submitted once the agreement is signed."))
    if not summary.strip():
        raise ValidationError({"summary": _("Summarise the result of the signing.")})
    document = None
    if upload is not None:
        document = store_document(
            actor=actor, locked=locked, kind=DocumentKind.RESULT_REPORT, upload=upload
        )
    report = ResultReport.objects.create(
        agreement=locked,
        summary=summary.strip(),
        document=document,
        submitted_by=actor,
        submitted_at=timezone.now(),
    )
    audit.record_created(report, actor=actor)
    workflow.apply_transition(actor=actor, locked=locked, to_status=AgreementStatus.ACTIVE)
    return report


def _source_of(source) -> tuple[str, str]:
    if source is None:
        return "", ""
    if isinstance(source, tuple):
        return str(source[0])[:100], str(source[1])[:64]
    return audit.object_type_of(source), str(source.pk)


@transaction.atomic
def activity_record(
    *,
    actor: User,
    agreement: Agreement,
    kind: str,
    occurred_on: datetime.date,
    description: str,
    count: int = 1,
    source=None,
    is_illustrative: bool = False,
) -> CooperationActivity:
    """Logs cooperation carried out under an agreement. This is the one way every domain
    (cases, personnel, programmes) records that an agreement was used: pass the record
    that is the activity as `source` (a model instance or a (type, id) pair); the same
    source is logged only once per agreement."""
    if not permissions.can_record_activity(actor, agreement):
        refuse(actor, what="agreements.activity")
    errors = {}
    if kind not in ActivityKind.values:
        errors["kind"] = _("Unknown kind of activity.")
    if not description or not description.strip():
        errors["description"] = _("Describe the activity.")
    if not isinstance(count, int) or count < 1:
        errors["count"] = _("The count is at least 1.")
    if occurred_on is None or occurred_on > timezone.localdate():
        errors["occurred_on"] = _("The date cannot be in the future.")
    elif agreement.signed_on and occurred_on < agreement.signed_on:
        errors["occurred_on"] = _("The activity cannot come before the signing (%(d)s).") % {
            "d": agreement.signed_on.isoformat()
        }
    if agreement.status not in IN_FORCE_STATUSES:
        errors["agreement"] = _(
            "Cooperation is logged under an agreement in force; this one is '%(s)s'."
        ) % {"s": agreement.get_status_display()}
    if errors:
        raise ValidationError(errors)
    source_type, source_id = _source_of(source)
    activity = CooperationActivity(
        agreement=agreement,
        kind=kind,
        occurred_on=occurred_on,
        description=description.strip(),
        count=count,
        source_type=source_type,
        source_id=source_id,
        recorded_by=actor,
        recorded_at=timezone.now(),
        is_illustrative=is_illustrative,
    )
    try:
        with transaction.atomic():
            activity.save()
    except IntegrityError:
        raise ValidationError(_("This record is already logged under the agreement.")) from None
    audit.record_created(activity, actor=actor)
    return activity


def activity_counts(agreement: Agreement, year: int) -> dict[str, int]:
    """Activities logged under the agreement in `year`, by kind (every kind, zeros too)."""
    rows = (
        agreement.activities.filter(occurred_on__year=year)
        .values("kind")
        .annotate(total=Sum("count"))
    )
    totals = {row["kind"]: row["total"] for row in rows}
    return {kind: totals.get(kind, 0) for kind in ActivityKind.values}


@transaction.atomic
def annual_report_submit(
    *, actor: User, agreement: Agreement, year: int, exchange_status: str, achievements: str = ""
) -> AnnualReport:
    """The yearly report on exchange status and achievements; the counts come from the
    activity log as it stands at submission."""
    locked = workflow.lock(agreement)
    if not permissions.can_report(actor, locked):
        refuse(actor, what="agreements.annual_report")
    errors = {}
    today = timezone.localdate()
    if locked.signed_on is None:
        errors["year"] = _("Annual reports start once the agreement is signed.")
    elif not locked.signed_on.year <= year <= today.year:
        errors["year"] = _("Choose a year from %(first)s to %(last)s.") % {
            "first": locked.signed_on.year,
            "last": today.year,
        }
    if not exchange_status.strip():
        errors["exchange_status"] = _("Describe the state of exchange with the partner.")
    if locked.annual_reports.filter(year=year).exists():
        errors["year"] = _("The report for %(year)s was already submitted.") % {"year": year}
    if errors:
        raise ValidationError(errors)
    report = AnnualReport.objects.create(
        agreement=locked,
        year=year,
        exchange_status=exchange_status.strip(),
        achievements=achievements.strip(),
        activity_counts=activity_counts(locked, year),
        submitted_by=actor,
        submitted_at=timezone.now(),
    )
    audit.record_created(report, actor=actor)
    return report


def activities_by_year(agreement: Agreement) -> dict[int, int]:
    rows = (
        agreement.activities.annotate(y=ExtractYear("occurred_on"))
        .values("y")
        .annotate(total=Sum("count"))
    )
    return {row["y"]: row["total"] for row in rows}


def effectiveness_assess(
    agreement: Agreement, *, year: int | None = None, today: datetime.date | None = None
) -> rules.Assessment:
    """The transparent effectiveness assessment of one agreement (see rules)."""
    today = today or timezone.localdate()
    return rules.assess_effectiveness(
        year=year or today.year - 1,
        signed_on=agreement.signed_on,
        activities_by_year=activities_by_year(agreement),
        reported_years=set(agreement.annual_reports.values_list("year", flat=True)),
        today=today,
        thresholds=conf.effectiveness_thresholds(),
        due=conf.annual_report_due(),
    )


def effectiveness_overview(agreements, *, year: int, today: datetime.date) -> list[tuple]:
    """(agreement, assessment) for many agreements with two queries, not two per row."""
    agreements = list(agreements)
    ids = [a.pk for a in agreements]
    by_agreement: dict[int, dict[int, int]] = defaultdict(dict)
    for row in (
        CooperationActivity.objects.filter(agreement_id__in=ids)
        .annotate(y=ExtractYear("occurred_on"))
        .values("agreement_id", "y")
        .annotate(total=Sum("count"))
    ):
        by_agreement[row["agreement_id"]][row["y"]] = row["total"]
    reported: dict[int, set[int]] = defaultdict(set)
    for agreement_id, report_year in AnnualReport.objects.filter(agreement_id__in=ids).values_list(
        "agreement_id", "year"
    ):
        reported[agreement_id].add(report_year)
    thresholds, due = conf.effectiveness_thresholds(), conf.annual_report_due()
    return [
        (
            a,
            rules.assess_effectiveness(
                year=year,
                signed_on=a.signed_on,
                activities_by_year=by_agreement[a.pk],
                reported_years=reported[a.pk],
                today=today,
                thresholds=thresholds,
                due=due,
            ),
        )
        for a in agreements
    ]


@transaction.atomic
def termination_recommend(
    *,
    actor: User,
    agreement: Agreement,
    recommendation: str,
    year: int | None = None,
    expected_version: int | None = None,
) -> EffectivenessDecision:
    """The office recommends terminating an agreement, on the record of its assessment."""
    if not permissions.can_review(actor):
        refuse(actor, what="agreements.termination")
    locked = workflow.lock(agreement, expected_version)
    if not recommendation.strip():
        raise ValidationError({"recommendation": _("Give the reason for the recommendation.")})
    year = year or timezone.localdate().year - 1
    assessment = effectiveness_assess(locked, year=year)
    decision = EffectivenessDecision.objects.create(
        agreement=locked,
        year=year,
        assessment=f"{assessment.text} ({assessment.thresholds})",
        recommendation=recommendation.strip(),
        recommended_by=actor,
        recommended_at=timezone.now(),
    )
    audit.record_created(decision, actor=actor)
    workflow.apply_transition(
        actor=actor,
        locked=locked,
        to_status=AgreementStatus.TERMINATION_RECOMMENDED,
        reason=recommendation,
    )
    return decision


@transaction.atomic
def termination_decide(
    *,
    actor: User,
    agreement: Agreement,
    decision: str,
    justification: str,
    expected_version: int | None = None,
) -> EffectivenessDecision:
    """The decision on a termination recommendation: terminate, or keep the agreement."""
    if not permissions.can_decide(actor):
        refuse(actor, what="agreements.termination_decision")
    locked = workflow.lock(agreement, expected_version)
    if decision not in TerminationDecision.values:
        raise ValidationError({"decision": _("Choose terminate or keep.")})
    if not justification.strip():
        raise ValidationError({"justification": _("Justify the decision.")})
    pending = locked.effectiveness_decisions.filter(decision="").order_by("-pk").first()
    if pending is None or locked.status != AgreementStatus.TERMINATION_RECOMMENDED:
        raise ValidationError(_("There is no termination recommendation awaiting a decision."))
    before = audit.snapshot(pending, ["decision", "justification", "decided_by_id"])
    pending.decision = decision
    pending.justification = justification.strip()
    pending.decided_by = actor
    pending.decided_at = timezone.now()
    pending.save()
    audit.record_updated(pending, before, actor=actor)
    target = (
        AgreementStatus.TERMINATED
        if decision == TerminationDecision.TERMINATE
        else AgreementStatus.ACTIVE
    )
    workflow.apply_transition(actor=actor, locked=locked, to_status=target, reason=justification)
    return pending


def agreement_expire(*, actor: User, agreement: Agreement) -> Agreement:
    return workflow.agreement_transition(
        actor=actor, agreement=agreement, to_status=AgreementStatus.EXPIRED
    )


@transaction.atomic
def agreement_renew(
    *, actor: User, agreement: Agreement, expires_on: datetime.date, reason: str
) -> Agreement:
    """A new expiry date for an agreement in force (renewed by the parties)."""
    if not permissions.can_review(actor):
        refuse(actor, what="agreements.renew")
    locked = workflow.lock(agreement)
    if locked.status not in IN_FORCE_STATUSES:
        raise ValidationError(_("Only an agreement in force can be renewed."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say how the agreement was renewed.")})
    if expires_on is None or (locked.expires_on and expires_on <= locked.expires_on):
        raise ValidationError({"expires_on": _("The new expiry comes after the current one.")})
    before = audit.snapshot(locked, ["expires_on"])
    locked.expires_on = expires_on
    locked.save(update_fields=["expires_on", "updated_at"])
    audit.record_updated(locked, before, actor=actor, reason=reason.strip())
    return locked
