"""Reads of the cases domain that depend on who asks: the working list of cases and one
case with its people, lifecycle, timeline, tasks and requests. Every read starts from
`Case.objects.visible_to(user)`; personal data is loaded only for those who may see it."""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db.models import Case as When_
from django.db.models import IntegerField, Prefetch, QuerySet, Value, When
from django.http import Http404, QueryDict
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext_lazy

from liaison.agreements.models import Agreement
from liaison.core.listing import Column, days_between
from liaison.core.models import SavedFilter, User
from liaison.core.permissions import Perm, require
from liaison.partners.models import PartnerBody

from . import names, permissions, protect
from .choices import (
    CaseStatus,
    Category,
    Exploitation,
    MeansOfControl,
    Milestone,
    Platform,
    RecruitmentMethod,
    SuspectRole,
)
from .fields import has_category
from .models import (
    OPEN_CASES,
    Case,
    CaseQuerySet,
    Report,
    Suspect,
    Victim,
    person_name,
    place_words,
)
from .services import search, targets
from .services.intake import Duplicate
from .workflow import REACHED_AT

SAVED_FILTER_LIST = "cases"
# Beyond this many matches the list says "more than N" instead of counting them all: a
# COUNT over half a million rows on every page costs more than the number is worth.
COUNT_CAP = 10_000


class CaseListQuerySet(CaseQuerySet):
    """Cases for a list page, counted only up to COUNT_CAP + 1."""

    def count(self) -> int:
        if self._result_cache is not None:
            return len(self._result_cache)
        return QuerySet.count(self.order_by()[: COUNT_CAP + 1])


def cases_for(user: User) -> CaseQuerySet:
    return Case.objects.visible_to(user).select_related("country", "post", "agreement")


def get_case_for_user(user: User, pk: int, *, unread: Iterable[str] = ()) -> Case:
    """The case, or 403 when the role sees no cases and 404 when this one is outside the
    user's scope (so its existence is not revealed); `unread`: fields left unread."""
    require(user, Perm.VIEW_CASES)
    try:
        return cases_for(user).select_related("partner_body").defer(*unread).get(pk=pk)
    except Case.DoesNotExist:
        raise Http404 from None


# Of the agreement behind a case and of its partner agency, the case page shows only their
# names: the rest (an agreement's 38 columns hold its whole text) is left unread.
_UNSHOWN_ON_THE_PAGE = [
    *(
        f"agreement__{f.name}"
        for f in Agreement._meta.concrete_fields
        if not (f.primary_key or f.name == "title")
    ),
    *(
        f"partner_body__{f.name}"
        for f in PartnerBody._meta.concrete_fields
        if not (f.primary_key or f.name in ("name_en", "name_ko"))
    ),
]


def get_case_for_page(user: User, pk: int) -> Case:
    return get_case_for_user(user, pk, unread=_UNSHOWN_ON_THE_PAGE)


def get_case_to_work(user: User, pk: int) -> Case:
    """The case for a change: 404 outside the user's scope, 403 without the right to work."""
    case = get_case_for_user(user, pk)
    require(user, Perm.WORK_CASES)
    return case


# The list ---------------------------------------------------------------------------------


def _status_rank():
    return When_(
        *[When(status=s, then=Value(rank)) for rank, s in enumerate(CaseStatus.values)],
        output_field=IntegerField(),
    )


# Sort keys the list offers (the column keys), each as its orderings; a leading "-"
# reverses them all. The working list of open cases puts urgent first, then newest (partial
# indexes serve it; overdue cases carry a badge, have their own filter and head the home
# page, because a time-dependent sort key cannot be indexed); a list with the closed cases
# too is newest first, which an index serves directly.
SORTS = {
    "priority": lambda now: ["priority_rank", "-first_reported_at"],
    "reported": lambda now: ["-first_reported_at"],
    "status": lambda now: [_status_rank().asc(), "-first_reported_at"],
    "reference": lambda now: ["reference"],
}
DEFAULT_SORT = "priority"


def default_sort(data: dict) -> str:
    return DEFAULT_SORT if (data.get("status") or "open") == "open" else "reported"


def ordered(queryset: QuerySet, sort: str, now: datetime.datetime | None = None) -> QuerySet:
    now = now or timezone.now()
    key = sort.lstrip("-")
    orderings = SORTS.get(key, SORTS[DEFAULT_SORT])(now)
    if sort.startswith("-") and key in SORTS:
        orderings = [_reverse(o) for o in orderings]
    return queryset.order_by(*orderings, "-pk")


def _reverse(ordering):
    if isinstance(ordering, str):
        return ordering[1:] if ordering.startswith("-") else f"-{ordering}"
    return ordering.copy().reverse_ordering()


def case_filter(
    queryset: QuerySet, data: dict, *, now: datetime.datetime | None = None
) -> QuerySet:
    """Applies the case list's filters, as CaseFilterForm cleans them: the one read path of
    the case list page and of `GET /api/v1/cases/`. Each one is an indexed lookup (the
    category bitmask and the text searches through trigram indexes on PostgreSQL). `q`
    matches names, places and references, never a passport: a passport or ID number is
    found only through its exact search (`passport_search`, the number's keyed hashes),
    which only those who may see passports are given. Dates bound at midnight in the
    reader's time zone."""
    if data.get("q"):
        queryset = queryset.filter(search.matching(data["q"]))
    if data.get("passport_search"):
        queryset = queryset.filter(search.by_passport_hashes(data["passport_search"].hashes))
    if data.get("place"):
        key = names.query_key(data["place"])
        queryset = queryset.filter(search_keys__contains=key) if key else queryset
    status = data.get("status") or "open"
    if status == "open":
        queryset = queryset.filter(OPEN_CASES)
    elif status != "all":
        queryset = queryset.filter(status=status)
    for field in ("country", "priority", "post"):
        if data.get(field):
            queryset = queryset.filter(**{field: data[field]})
    if data.get("category"):
        queryset = queryset.filter(has_category("categories", data["category"]))
    if data.get("overdue"):
        queryset = queryset.filter(targets.overdue_condition(now))
    return days_between(
        queryset, "first_reported_at", data.get("reported_from"), data.get("reported_to")
    )


def filters_recorded(query: QueryDict, passport_searches: Mapping | None = None) -> QueryDict:
    """A list's filters as the audit trail keeps them: the free-text search (a name, a
    phone, a handle) and a passport search each masked, with a keyed hash of the text
    searched (cases.protect.recorded); the other filters as they are."""
    recorded = query.copy()
    if text := query.get("q"):
        recorded["q"] = protect.recorded(text)
    if token := query.get("passport_search"):
        found = (passport_searches or {}).get(token)
        recorded["passport_search"] = found.masked if found else "(expired)"
    return recorded


# What the export reads; a field read but not loaded would cost a query per row
# (test_the_export_runs_a_fixed_number_of_queries catches one).
EXPORT_FIELDS = (
    *("reference", "title", "status", "priority", "is_illustrative", "first_reported_at"),
    *("province", "city", "place", "country__name_en", "country__name_ko"),
    *("post__name_en", "post__name_ko", "agreement__id"),
    # the response targets, for the overdue flag
    *("triaged_at", "acknowledge_due_at", "rescue_requested_at", "rescued_at"),
    "rescue_request_due_at",
)


def _victim_fields(names: bool) -> list[str]:
    """What a case's summary shows of each victim: the status, and the name to those who
    may see it."""
    return ["id", "case_id", "status", *(["name_ko", "name_latin"] if names else [])]


def list_queryset(user: User) -> CaseListQuerySet:
    """The cases of the list in the user's scope, to filter, sort and count."""
    return CaseListQuerySet(model=Case).visible_to(user)


def visible_duplicates(user: User, found: list[Duplicate]) -> tuple[list[Duplicate], int]:
    """The possible duplicates of a report that `user` may see, and how many others there
    are outside their scope (counted, never shown): for the report page, the live check
    while typing, and the API alike."""
    case_ids = {d.case.pk for d in found if d.case is not None}
    report_ids = {d.report.pk for d in found if d.report is not None}
    case_ids = set(
        Case.objects.visible_to(user).filter(pk__in=case_ids).values_list("pk", flat=True)
    )
    report_ids = set(
        permissions.report_scope(Report.objects.filter(pk__in=report_ids), user).values_list(
            "pk", flat=True
        )
    )
    shown = [
        d
        for d in found
        if (d.case is not None and d.case.pk in case_ids)
        or (d.report is not None and d.report.pk in report_ids)
    ]
    return shown, len(found) - len(shown)


def export_queryset(cases: QuerySet, user: User) -> QuerySet:
    """The cases of an export with what each line shows, in a fixed number of queries: the
    victims come in one prefetch, and their names only for those who may see them."""
    victims = Prefetch(
        "victims",
        queryset=Victim.objects.only(*_victim_fields(permissions.sees_personal_data(user))),
        to_attr="victim_list",  # a plain list: no queryset built per case to hold them
    )
    return (
        cases.select_related("country", "post", "agreement")
        .only(*EXPORT_FIELDS)
        .prefetch_related(victims)
    )


@dataclass(slots=True)
class CaseRow:
    """One row of the case list, read as values. A page's cases with their country, post,
    agreement and victims were some 260 model instances, which cost more to build than the
    queries that read them; a row holds only what the list shows (and the response
    targets, which `targets.overdue_steps` reads as it reads a case)."""

    pk: int
    reference: str
    title: str
    status: str
    priority: str
    is_illustrative: bool
    first_reported_at: datetime.datetime
    triaged_at: datetime.datetime | None
    acknowledge_due_at: datetime.datetime | None
    rescue_requested_at: datetime.datetime | None
    rescued_at: datetime.datetime | None
    rescue_request_due_at: datetime.datetime | None
    where: str
    country: str
    post: str
    agreement_id: int | None
    overdue: tuple = ()  # the targets missed, in words
    reported: str = ""  # first reported, in the reader's zone
    victim_count: int = 0
    victim_names: str = ""


_ROW_VALUES = (
    *("id", "reference", "title", "status", "priority", "is_illustrative"),
    *("first_reported_at", "triaged_at", "acknowledge_due_at", "rescue_requested_at"),
    *("rescued_at", "rescue_request_due_at", "place", "city", "province"),
    *("country__name_en", "country__name_ko", "post__name_en", "post__name_ko", "agreement_id"),
)


def list_rows(
    cases: QuerySet, *, names: bool, now: datetime.datetime | None = None
) -> list[CaseRow]:
    """The rows of one page of the list (`cases` sliced to the page), each with what it
    shows beyond its fields worked out once: the targets missed, the time first reported
    in the reader's zone, and the victims, with their names for those who may see them."""
    now = now or timezone.now()
    korean = (get_language() or "").startswith("ko")
    rows = [_row(values, korean) for values in cases.values_list(*_ROW_VALUES)]
    victims: dict[int, list[str]] = {row.pk: [] for row in rows}
    victim_values = ("case_id", *(("name_ko", "name_latin") if names else ()))
    for case_id, *name in (
        Victim.objects.filter(case_id__in=victims).order_by("pk").values_list(*victim_values)
    ):
        victims[case_id].append(person_name(*name) if names else "")
    for row in rows:
        row.overdue = tuple(Milestone(m).label for m in targets.overdue_steps(row, now))
        row.reported = f"{timezone.localtime(row.first_reported_at):%Y-%m-%d %H:%M}"
        row.victim_count = len(victims[row.pk])
        row.victim_names = "; ".join(victims[row.pk])
    return rows


def _row(values: tuple, korean: bool) -> CaseRow:
    pk, reference, title, status, priority, illustrative, reported = values[:7]
    triaged, acknowledge_due, rescue_requested, rescued, rescue_request_due = values[7:12]
    place, city, province, country_en, country_ko, post_en, post_ko, agreement = values[12:]
    return CaseRow(
        pk,
        reference,
        title,
        status,
        priority,
        illustrative,
        reported,
        triaged,
        acknowledge_due,
        rescue_requested,
        rescued,
        rescue_request_due,
        where=place_words(place, city, province),
        country=country_ko if korean else country_en,
        # a post's Korean name is optional (Post.__str__)
        post=(post_ko if korean and post_ko else post_en) or "",
        agreement_id=agreement,
    )


def _overdue_text(case: Case) -> str:
    return ", ".join(str(Milestone(m).label) for m in targets.overdue_steps(case))


def _victim_names(case: Case) -> str:
    return "; ".join(v.display_name for v in case.victim_list)


def columns_for(user: User) -> list[Column]:
    """The list's columns; an analyst's list and export carry no names."""
    columns = [
        Column("reference", gettext_lazy("Reference"), sort="reference"),
        Column("title", gettext_lazy("Title")),
        Column(
            "status", gettext_lazy("Status"), value=lambda c: c.get_status_display(), sort="status"
        ),
        Column(
            "priority",
            gettext_lazy("Priority"),
            value=lambda c: c.get_priority_display(),
            sort="priority",
        ),
        Column("overdue", gettext_lazy("Overdue"), value=_overdue_text),
        Column("country", gettext_lazy("Country")),
        Column("where", gettext_lazy("Place")),
        Column(
            "reported",
            gettext_lazy("First reported"),
            value=lambda c: c.first_reported_at,
            sort="reported",
        ),
        Column("post", gettext_lazy("Post")),
        Column("victims", gettext_lazy("Victims"), value=lambda c: len(c.victim_list)),
    ]
    if permissions.sees_personal_data(user):
        columns.append(Column("victim_names", gettext_lazy("Victim names"), value=_victim_names))
    columns.append(
        Column(
            "agreement",
            gettext_lazy("Legal basis"),
            value=lambda c: c.agreement.reference if c.agreement_id else "",
        )
    )
    return columns


def saved_filters(user: User) -> QuerySet[SavedFilter]:
    return SavedFilter.objects.filter(owner=user, list_name=SAVED_FILTER_LIST)


# One case ---------------------------------------------------------------------------------


def _zone_label(zone: str) -> str:
    return zone.rsplit("/", 1)[-1].replace("_", " ")


def dual_time(moment: datetime.datetime | None, place_zone: str = "") -> str:
    """A time in the reader's zone and, when the place's clock differs, in the place's:
    "2025-03-02 21:10 KST (19:10 Phnom Penh)"."""
    if moment is None:
        return ""
    here = timezone.localtime(moment)
    text = f"{here:%Y-%m-%d %H:%M} {here:%Z}"
    try:
        there = moment.astimezone(zoneinfo.ZoneInfo(place_zone)) if place_zone else None
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        there = None
    if there is not None and there.utcoffset() != here.utcoffset():
        stamp = f"{there:%H:%M}" if there.date() == here.date() else f"{there:%m-%d %H:%M}"
        text += f" ({stamp} {_zone_label(place_zone)})"
    return text


@dataclass(frozen=True)
class Step:
    status: str
    label: str
    reached_at: datetime.datetime | None
    when: str
    current: bool


def lifecycle(case: Case) -> list[Step]:
    """Every step of the lifecycle, with the time the case first reached it (if it did)."""
    steps = []
    for status in CaseStatus.values:
        field = REACHED_AT.get(CaseStatus(status))
        at = case.first_reported_at if field is None else getattr(case, field)
        steps.append(
            Step(
                status=status,
                label=str(CaseStatus(status).label),
                reached_at=at,
                when=dual_time(at, case.place_time_zone),
                current=case.status == status,
            )
        )
    return steps


def facts(case: Case, now: datetime.datetime | None = None) -> dict:
    """What the case page and the summary show at the top, times in both zones."""
    zone = case.place_time_zone
    overdue = targets.overdue_steps(case, now)
    return {
        "categories": [Category(c).label for c in case.categories or []],
        "happened": dual_time(case.happened_at, zone),
        "first_reported": dual_time(case.first_reported_at, zone),
        "acknowledge_due": dual_time(case.acknowledge_due_at, zone),
        "rescue_due": dual_time(case.rescue_request_due_at, zone),
        "overdue": [Milestone(m).label for m in overdue],
        "overdue_codes": [str(m) for m in overdue],
        "lifecycle": lifecycle(case),
    }


def _labels(choices: Iterable[tuple[str, object]], codes: Iterable[str] | None) -> list[str]:
    known = dict(choices)
    return [str(known.get(code, code)) for code in codes or []]


def _with_labels(victims: list[Victim], suspects: list[Suspect]) -> None:
    """The HTCDS codes of each person, in words."""
    for victim in victims:
        rows: list[tuple[Promise, Iterable[tuple[str, object]], list[str]]] = [
            (gettext_lazy("How recruited"), RecruitmentMethod.choices, victim.recruitment_methods),
            (gettext_lazy("Platforms"), Platform.choices, victim.recruitment_platforms),
            (gettext_lazy("Means of control"), MeansOfControl.choices, victim.means_of_control),
            (gettext_lazy("Exploitation"), Exploitation.choices, victim.exploitation_types),
        ]
        victim.context_rows = [(label, _labels(ch, codes)) for label, ch, codes in rows if codes]
    for suspect in suspects:
        suspect.role_labels = _labels(SuspectRole.choices, suspect.roles)


def victim_statuses(case: Case, *, names: bool) -> list[Victim]:
    """The case's victims with their status, and their names for those who may see them."""
    return list(case.victims.only(*_victim_fields(names)))


REPORT_SUMMARY_FIELDS = (
    *("id", "case_id", "reference", "channel", "received_at", "narrative"),
    *("reporter_name", "reporter_relation"),
)


def overview(case: Case, *, names: bool) -> dict:
    """The overview tab: victims, officers, and for those who may see personal data the
    counterpart officers and the reports, each read with only the fields it shows."""
    return {
        "victims": victim_statuses(case, names=names),
        "officers": case.officers.only("id", "username", "full_name").order_by("username"),
        "counterparts": (
            case.counterparts.only("id", "full_name", "rank", "phone", "email") if names else []
        ),
        "reports": (
            case.reports.only(*REPORT_SUMMARY_FIELDS).order_by("received_at") if names else []
        ),
    }


def people(case: Case, user: User) -> dict:
    """The victims (with their status history) and suspects (with identifiers) and the
    notices, or only counts and statuses for those who may not see who they are."""
    victims = case.victims.prefetch_related("status_changes__actor").order_by("pk")
    suspects = case.suspects.select_related("nationality").prefetch_related("identifiers")
    notices = case.notices.select_related("suspect", "victim")
    if not permissions.sees_personal_data(user):
        victims = case.victims.only("id", "case_id", "status", "status_since").order_by("pk")
        suspects = case.suspects.only("id", "case_id", "arrest_status", "return_status")
        return {"victims": list(victims), "suspects": list(suspects), "notices": list(notices)}
    victim_rows, suspect_rows = list(victims), list(suspects)
    rows = {"victims": victim_rows, "suspects": suspect_rows, "notices": list(notices)}
    _with_labels(victim_rows, suspect_rows)
    return rows


def timeline(case: Case, limit: int | None = None) -> list:
    """The case's timeline, newest first, each entry with its time in both zones."""
    entries = case.timeline.select_related("author").order_by("-at", "-pk")
    if limit:
        entries = entries[:limit]
    rows = list(entries)
    for entry in rows:
        entry.when = dual_time(entry.at, case.place_time_zone)
    return rows


def tasks(case: Case, now: datetime.datetime | None = None) -> list:
    now = now or timezone.now()
    rows = list(case.tasks.select_related("owner", "done_by").order_by("done_at", "due_at"))
    for task in rows:
        task.is_overdue = task.done_at is None and task.due_at < now
        task.when = dual_time(task.due_at, case.place_time_zone)
    return rows


def partner_requests(case: Case) -> list:
    rows = list(case.partner_requests.select_related("partner_body", "sent_by"))
    for request in rows:
        request.sent_when = dual_time(request.sent_at, case.place_time_zone)
        request.answered_when = dual_time(request.answered_at, case.place_time_zone)
    return rows
