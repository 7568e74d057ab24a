"""Reads of the agreements domain that depend on who asks: the registry, one agreement
with its timeline, deadlines, occasions, the dashboard card. Every read starts from
`Agreement.objects.visible_to(user)`."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from liaison.core.listing import Column, search
from liaison.core.models import User
from liaison.core.permissions import Perm, can, require

from . import conf, rules
from .choices import IN_FORCE_STATUSES, AgreementStatus
from .models import Agreement, AnnualReport, Occasion, Reminder
from .workflow import refusal_message

SEARCH_FIELDS = [
    "title",
    "purpose",
    "counterpart__name_en",
    "counterpart__name_ko",
    "counterpart__abbreviation",
    "signatory_partner",
]

COLUMNS = [
    Column("reference", gettext_lazy("Reference"), sort="pk"),
    Column("title", gettext_lazy("Title"), sort="title"),
    Column("counterpart", gettext_lazy("Counterpart"), sort="counterpart__name_en"),
    Column(
        "country", gettext_lazy("Country"), value=lambda a: a.country or "", sort="country__name_en"
    ),
    Column("institution", gettext_lazy("Institution"), sort="institution__name_en"),
    Column("agreement_type", gettext_lazy("Type"), value=lambda a: a.get_agreement_type_display()),
    Column("status", gettext_lazy("Status"), value=lambda a: a.get_status_display(), sort="status"),
    Column("scope_areas", gettext_lazy("Scope"), value=lambda a: ", ".join(a.scope_area_labels())),
    Column("planned_signing_on", gettext_lazy("Planned signing"), sort="planned_signing_on"),
    Column("signed_on", gettext_lazy("Signed"), sort="signed_on"),
    Column("expires_on", gettext_lazy("Expires"), sort="expires_on"),
    Column(
        "exception",
        gettext_lazy("Two-month rule exception"),
        value=lambda a: a.exception_reason if a.has_exception else "",
    ),
    Column("is_illustrative", gettext_lazy("Illustrative")),
]


def agreements_for(user: User) -> QuerySet[Agreement]:
    return Agreement.objects.visible_to(user).select_related(
        "counterpart", "country", "institution", "occasion"
    )


def get_agreement_for_user(user: User, pk: int) -> Agreement:
    """The agreement, or 403 when the role sees no agreements and 404 when this one is
    outside the user's scope (so its existence is not revealed)."""
    require(user, Perm.VIEW_AGREEMENTS)
    agreement = agreements_for(user).filter(pk=pk).first()
    if agreement is None:
        raise Http404
    return agreement


def agreement_filter(queryset: QuerySet, data: dict) -> QuerySet:
    """The registry's filters and search, for the page and the API alike."""
    if data.get("q"):
        queryset = search(queryset, data["q"], SEARCH_FIELDS)
    if data.get("status"):
        queryset = queryset.filter(status=data["status"])
    if data.get("country"):
        queryset = queryset.filter(country=data["country"])
    if data.get("counterpart"):
        queryset = queryset.filter(counterpart=data["counterpart"])
    if data.get("institution"):
        queryset = queryset.filter(institution_id__in=data["institution"].subtree_ids())
    if data.get("scope_area"):
        # JSON text match with the quotes, so "other" never matches inside another value.
        queryset = queryset.filter(scope_areas__icontains=f'"{data["scope_area"]}"')
    if data.get("year"):
        year = data["year"]
        queryset = queryset.filter(
            Q(signed_on__year=year) | Q(signed_on__isnull=True, planned_signing_on__year=year)
        )
    if data.get("illustrative") == "real":
        queryset = queryset.filter(is_illustrative=False)
    return queryset


@dataclass
class TimelineEntry:
    at: datetime.datetime | datetime.date
    kind: str
    title: str
    detail: str = ""
    actor: object = None
    obj: object = None


def _sort_key(entry: TimelineEntry):
    at = entry.at
    if isinstance(at, datetime.datetime):
        return (at.date(), at.time())
    return (at, datetime.time.max)


def timeline(agreement: Agreement) -> list[TimelineEntry]:
    """Everything that happened to an agreement, oldest first."""
    S = AgreementStatus
    entries = [
        TimelineEntry(
            t.at,
            "transition",
            _("%(from)s → %(to)s") % {"from": S(t.from_status).label, "to": S(t.to_status).label},
            t.reason,
            t.actor,
            t,
        )
        for t in agreement.transitions.select_related("actor")
    ]
    entries += [
        TimelineEntry(
            r.at,
            "review",
            _("Validity review, round %(n)s: %(rec)s")
            % {"n": r.round, "rec": r.get_recommendation_display()},
            r.summary,
            r.reviewer,
            r,
        )
        for r in agreement.reviews.select_related("reviewer")
    ]
    entries += [
        TimelineEntry(
            d.uploaded_at,
            "document",
            f"{d.get_kind_display()} v{d.version}",
            d.original_name,
            d.uploaded_by,
            d,
        )
        for d in agreement.documents.select_related("uploaded_by")
    ]
    entries += [
        TimelineEntry(
            a.occurred_on,
            "activity",
            a.get_kind_display() + (f" × {a.count}" if a.count > 1 else ""),
            a.description,
            a.recorded_by,
            a,
        )
        for a in agreement.activities.select_related("recorded_by")
    ]
    entries += [
        TimelineEntry(
            r.submitted_at,
            "annual_report",
            _("Annual report %(year)s") % {"year": r.year},
            r.exchange_status,
            r.submitted_by,
            r,
        )
        for r in agreement.annual_reports.select_related("submitted_by")
    ]
    if hasattr(agreement, "result_report"):
        report = agreement.result_report
        entries.append(
            TimelineEntry(
                report.submitted_at,
                "result_report",
                _("Result report"),
                report.summary,
                report.submitted_by,
                report,
            )
        )
    if agreement.exception_granted_at:
        entries.append(
            TimelineEntry(
                agreement.exception_granted_at,
                "exception",
                _("Exception to the two-month rule granted"),
                agreement.exception_reason,
                agreement.exception_granted_by,
            )
        )
    for decision in agreement.effectiveness_decisions.all():
        if decision.decided_at:
            entries.append(
                TimelineEntry(
                    decision.decided_at,
                    "decision",
                    _("Decision: %(d)s") % {"d": decision.get_decision_display()},
                    decision.justification,
                    decision.decided_by,
                )
            )
    return sorted(entries, key=_sort_key)


@dataclass
class Due:
    due_on: datetime.date
    kind: str
    label: str
    agreement: Agreement
    overdue: bool = False


def deadlines(user: User, *, today: datetime.date, horizon_days: int = 120) -> list[Due]:
    """Everything due on the agreements the user can see, soonest first: applications
    closing, reviews pending, result reports, annual reports and expiries."""
    return due_items(agreements_for(user), today=today, horizon_days=horizon_days)


def due_items(visible: QuerySet, *, today: datetime.date, horizon_days: int) -> list[Due]:
    """Everything due on the agreements of `visible`, soonest first. The deadline calendar
    passes what a user may see; the reminder job passes every agreement."""
    S = AgreementStatus
    horizon = today + datetime.timedelta(days=horizon_days)
    items: list[Due] = []
    for a in visible.filter(
        status__in=[S.DRAFT, S.REVISION_REQUESTED], planned_signing_on__isnull=False
    ):
        deadline = rules.submission_deadline(a.planned_signing_on)
        if deadline <= horizon and a.status == S.DRAFT:
            items.append(Due(deadline, "application", _("Last day to submit the application"), a))
    for a in visible.filter(
        status__in=[S.SUBMITTED, S.UNDER_VALIDITY_REVIEW, S.DRAFT_REVIEW, S.APPROVED],
        planned_signing_on__isnull=False,
    ):
        items.append(Due(a.planned_signing_on, "review", _("Review pending before the signing"), a))
    for a in visible.filter(status=S.SIGNED, result_report_due__isnull=False):
        items.append(Due(a.result_report_due, "result_report", _("Result report due"), a))
    reported = set(
        AnnualReport.objects.filter(agreement__in=visible).values_list("agreement_id", "year")
    )
    last_year = today.year - 1
    due_on = rules.annual_report_due_on(last_year, conf.annual_report_due())
    for a in visible.filter(status__in=IN_FORCE_STATUSES, signed_on__year__lte=last_year):
        if (a.pk, last_year) not in reported:
            items.append(
                Due(
                    due_on,
                    "annual_report",
                    _("Annual report %(year)s due") % {"year": last_year},
                    a,
                )
            )
    warn = today + datetime.timedelta(days=conf.expiry_warning_days())
    for a in visible.filter(
        status__in=IN_FORCE_STATUSES, expires_on__isnull=False, expires_on__lte=warn
    ):
        items.append(Due(a.expires_on, "expiry", _("Expires"), a))
    for item in items:
        item.overdue = item.due_on < today
    return sorted(items, key=lambda d: (d.due_on, d.agreement.pk))


READINESS_STEPS: list[str] = [
    AgreementStatus.DRAFT,
    AgreementStatus.SUBMITTED,
    AgreementStatus.UNDER_VALIDITY_REVIEW,
    AgreementStatus.DRAFT_REVIEW,
    AgreementStatus.APPROVED,
    AgreementStatus.SIGNED,
]


def occasion_readiness(user: User, occasion: Occasion) -> list[dict]:
    """The applications for one occasion side by side: how far each is, what it lacks."""
    rows = []
    for a in agreements_for(user).filter(occasion=occasion).order_by("country__name_en", "pk"):
        status = a.status
        reached = (
            READINESS_STEPS.index(status)
            if status in READINESS_STEPS
            else (len(READINESS_STEPS) if status in IN_FORCE_STATUSES else -1)
        )
        next_step = (
            READINESS_STEPS[reached + 1] if 0 <= reached < len(READINESS_STEPS) - 1 else None
        )
        rows.append(
            {
                "agreement": a,
                "reached": reached,
                "steps": [(s, i <= reached) for i, s in enumerate(READINESS_STEPS)],
                "blocking": refusal_message(a, next_step) if next_step else "",
                "deadline": rules.submission_deadline(a.planned_signing_on)
                if a.planned_signing_on
                else None,
            }
        )
    return rows


def dashboard_summary(user: User, *, today: datetime.date) -> dict:
    visible = Agreement.objects.visible_to(user)
    by_status = dict(visible.values_list("status").annotate(n=Count("pk")))
    S = AgreementStatus
    due = deadlines(user, today=today, horizon_days=31)
    return {
        "total": sum(by_status.values()),
        "in_force": sum(by_status.get(s, 0) for s in IN_FORCE_STATUSES),
        "in_preparation": sum(
            by_status.get(s, 0)
            for s in (
                S.DRAFT,
                S.SUBMITTED,
                S.UNDER_VALIDITY_REVIEW,
                S.REVISION_REQUESTED,
                S.DRAFT_REVIEW,
                S.APPROVED,
            )
        ),
        "termination_recommended": by_status.get(S.TERMINATION_RECOMMENDED, 0),
        "due_this_month": len([d for d in due if d.due_on <= today + datetime.timedelta(31)]),
        "overdue": len([d for d in due if d.due_on < today]),
        "by_status": [(S(k).label, v) for k, v in sorted(by_status.items())],
    }


def notifications_for(user: User) -> QuerySet[Reminder]:
    """The person's own reminders, unread first, newest first; nobody sees another's."""
    return (
        Reminder.objects.filter(recipient_id=user.pk)
        .select_related("agreement")
        .order_by(F("read_at").asc(nulls_first=True), "-sent_at", "-pk")
    )


def unread_notification_count(user: User) -> int:
    """The number on the badge in the top bar; zero for those who see no agreements."""
    if not can(user, Perm.VIEW_AGREEMENTS):
        return 0
    return Reminder.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()
