"""The cases API under /api/v1/cases/: intake for machines and other systems (a hotline's
call-taking software, the embassy's reporting tool), case lists and records. The same
services and scopes as the pages: an overseas officer sees the cases of their posts, an
analyst sees facts without names, passport numbers only ever leave masked.

Errors: 401 unauthenticated, 403 role, 404 outside the user's scope, 422 invalid fields
(named), 409 when the record changed since the client read it (`expected_version` is
stale: reload and retry)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from types import SimpleNamespace

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Query, Router, Schema, Status
from pydantic import Field

from liaison.core import audit
from liaison.core.api_errors import STALE
from liaison.core.api_input import Offset
from liaison.core.choices import AuditAction
from liaison.core.listing import cleaned_filters
from liaison.core.permissions import Perm, refuse, require
from liaison.partners.models import Country
from liaison.partners.selectors import country_by_code
from liaison.personnel.models import Post

from . import permissions, protect, selectors, workflow
from .forms.casework import CaseFilterForm
from .forms.passport import PassportSearch
from .models import Case, Report, Suspect, Victim, person_name
from .services import intake, targets

router = Router(tags=["cases"])


# --- schemas -----------------------------------------------------------------------------


class ReportIn(Schema):
    """What intake takes (services.intake.report_receive). With `quick`, only the country
    and what happened are required; the report is marked to be completed."""

    quick: bool = False
    channel: str | None = None
    received_at: datetime.datetime | None = None
    happened_at: datetime.datetime | None = None
    reporter_name: str = Field("", max_length=200)
    reporter_relation: str = Field("", max_length=100)
    reporter_contact: str = Field("", max_length=200)
    country: str | None = Field(None, description="ISO 3166 code, e.g. KH")
    province: str = Field("", max_length=100)
    city: str = Field("", max_length=100)
    place: str = Field("", max_length=300)
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    place_time_zone: str = ""
    categories: list[str] = []
    narrative: str = ""
    life_at_risk: bool = False
    person_name: str = Field("", max_length=100)
    person_name_latin: str = Field("", max_length=100)
    person_phone: str = Field("", max_length=60)
    person_date_of_birth: datetime.date | None = None
    passport_number: str = Field("", max_length=30)
    others_involved: str = ""
    post_id: int | None = None


class DuplicateOut(Schema):
    kind: str
    id: int
    reference: str
    reasons: list[str]


class ReportOut(Schema):
    id: int
    reference: str
    status: str
    channel: str
    received_at: datetime.datetime
    happened_at: datetime.datetime | None
    country: str
    province: str
    city: str
    place_time_zone: str
    categories: list[str]
    life_at_risk: bool
    is_quick_intake: bool
    post_id: int | None
    case_id: int | None
    case_reference: str | None
    version: int
    is_illustrative: bool
    # Personal data: null for a reader without the right to see it.
    narrative: str | None = None
    reporter_name: str | None = None
    reporter_relation: str | None = None
    reporter_contact: str | None = None
    person_name: str | None = None
    person_name_latin: str | None = None
    person_phone: str | None = None
    person_date_of_birth: datetime.date | None = None
    passport: str | None = Field(None, description="Masked: only the last two characters.")
    possible_duplicates: list[DuplicateOut] = []


class OpenCaseIn(Schema):
    title: str = Field(..., max_length=200)
    priority: str | None = None
    post_id: int | None = None
    summary: str = ""
    other_report_ids: list[int] = Field([], description="More reports about the same event.")


class AttachIn(Schema):
    case_id: int


class CaseOut(Schema):
    id: int
    reference: str
    title: str
    status: str
    priority: str
    categories: list[str]
    outcome: str
    country: str
    province: str
    city: str
    place_time_zone: str
    post_id: int | None
    partner_body_id: int | None
    agreement_id: int | None
    first_reported_at: datetime.datetime
    happened_at: datetime.datetime | None
    closed_at: datetime.datetime | None
    acknowledge_due_at: datetime.datetime | None
    rescue_request_due_at: datetime.datetime | None
    overdue: list[str]
    version: int
    is_illustrative: bool
    summary: str | None = None
    victims: list[str] | None = Field(None, description="Names; null without the right.")


class PersonOut(Schema):
    id: int
    name_ko: str | None
    name_latin: str | None
    sex: str
    date_of_birth: datetime.date | None
    passport: str | None
    status: str


class VictimOut(PersonOut):
    status_since: datetime.datetime | None
    consent_to_data_handling: bool
    died_on: datetime.date | None
    autopsy_status: str
    remains_status: str


class IdentifierOut(Schema):
    kind: str
    value: str


class SuspectOut(PersonOut):
    name_local: str | None
    nationality: str | None
    roles: list[str]
    arrested_on: datetime.date | None
    return_status: str
    identifiers: list[IdentifierOut] | None


class CaseDetailOut(CaseOut):
    triaged_at: datetime.datetime | None
    rescue_requested_at: datetime.datetime | None
    rescued_at: datetime.datetime | None
    investigation_at: datetime.datetime | None
    suspects_identified_at: datetime.datetime | None
    arrested_at: datetime.datetime | None
    extradition_requested_at: datetime.datetime | None
    surrendered_at: datetime.datetime | None
    outcome_note: str | None = None
    reports: list[str]
    people: dict[str, list] = {}
    moves: list[str] = Field([], description="Statuses this user may move the case to now.")


class CasePage(Schema):
    count: int
    items: list[CaseOut]


class TransitionIn(Schema):
    to_status: str
    reason: str = ""
    outcome: str = ""
    expected_version: int | None = None


class EntryOut(Schema):
    id: int
    kind: str
    at: datetime.datetime
    author: str | None
    body: str | None
    counterpart: str | None
    file_name: str | None
    file_sha256: str | None


class EntryPage(Schema):
    count: int
    items: list[EntryOut]


class CaseFilters(Schema):
    """The case list's filters: the page's own (CaseFilterForm), read by the same selector."""

    q: str = Field("", description="Name (any script or romanisation), phone, handle, place "
                   "or reference; only for the roles that see personal data (422 for an "
                   "analyst). Never a passport number: use POST /cases/search.")  # fmt: skip
    place: str = Field("", description="Province or city.")
    status: str = Field("", description="A status, 'open' for every status but closed; "
                        "every status when empty.")  # fmt: skip
    country: str = Field("", description="ISO 3166-1 alpha-2 code.")
    category: str = ""
    priority: str = ""
    post: int | None = None
    overdue: bool = Field(False, description="Only cases that missed a response-time target.")
    reported_from: datetime.date | None = Field(
        None, description="First reported on or after this day (the reader's time zone)."
    )
    reported_to: datetime.date | None = Field(
        None, description="First reported on or before this day (the reader's time zone)."
    )
    limit: int = Field(50, ge=1, le=200)
    offset: Offset = 0


class CaseSearchIn(CaseFilters):
    """The exact search by passport or ID number, sent in the body so that the number is
    never in an address (nor in any log of addresses), with the list's other filters."""

    passport: str = Field(
        ...,
        max_length=30,
        description="A passport or ID number, exact; only for the roles that may see "
        "passports (403 for the others).",
    )


# --- helpers -----------------------------------------------------------------------------

REPORT_PERSONAL = (
    "narrative",
    "reporter_name",
    "reporter_relation",
    "reporter_contact",
    "person_name",
    "person_name_latin",
    "person_phone",
    "person_date_of_birth",
)
REACHED_FIELDS = tuple(workflow.REACHED_AT.values())


def _personal(user) -> bool:
    return permissions.sees_personal_data(user)


def _report(request, pk: int) -> Report:
    require(request.user, Perm.VIEW_CASES)
    scoped = permissions.report_scope(Report.objects.select_related("case"), request.user)
    return get_object_or_404(scoped, pk=pk)


def _case(request, pk: int) -> Case:
    require(request.user, Perm.VIEW_CASES)
    return get_object_or_404(Case.objects.visible_to(request.user), pk=pk)


def _country(code: str | None) -> Country | None:
    if not code:
        return None
    found = country_by_code(code)
    if found is None:
        raise ValidationError({"country": _("Unknown country code: %(c)s.") % {"c": code}})
    return found


def _post(pk: int | None) -> Post | None:
    """The post named by id; whether the user may file under it is the service's rule."""
    if pk is None:
        return None
    found = Post.objects.filter(pk=pk).first()
    if found is None:
        raise ValidationError({"post_id": _("No such post among yours.")})
    return found


def _report_out(report: Report, user, duplicates=()) -> dict:
    out = {
        **{f: getattr(report, f) for f in ReportOut.model_fields if hasattr(report, f)},
        "country": report.country_id,
        "case_reference": report.case.reference if report.case_id else None,
        "passport": None,
        "possible_duplicates": list(duplicates),
    }
    if not _personal(user):
        for name in REPORT_PERSONAL:
            out[name] = None
    else:
        out["passport"] = report.passport_masked or None
    return out


def _duplicates(report: Report, user) -> list[dict]:
    """Possible duplicates the user may see, each with the reasons it matched."""
    shown, _hidden = selectors.visible_duplicates(user, intake.possible_duplicates(report))
    return [
        {"kind": kind, "id": obj.pk, "reference": obj.reference, "reasons": d.reasons}
        for d in shown
        for kind, obj in (("case", d.case) if d.case else ("report", d.report),)
    ]


# What CaseOut takes from the case as it is stored; `country` is the code the row holds
# (reading `case.country` would fetch the country), the others are worked out.
STORED = tuple(f for f in CaseOut.model_fields if f not in ("country", "overdue", "victims"))
# A page of the list is read as values: these fields and those the missed targets are
# judged from. As for the page's rows (selectors.CaseRow), fifty cases with their victims
# as model instances cost more to build than the queries that read them.
LISTED = (*STORED, "country", "triaged_at", "rescue_requested_at", "rescued_at")


def _case_out(case: Case, user) -> dict:
    out = {f: getattr(case, f) for f in STORED}
    out["country"] = case.country_id
    out["overdue"] = [str(m) for m in targets.overdue_steps(case)]
    if _personal(user):
        out["victims"] = [v.display_name for v in case.victims.all()]
    else:
        out["summary"] = None
        out["victims"] = None
    return out


def _person(person, personal: bool) -> dict:
    return {
        "id": person.pk,
        "name_ko": person.name_ko if personal else None,
        "name_latin": person.name_latin if personal else None,
        "sex": person.sex,
        "date_of_birth": person.date_of_birth if personal else None,
        "passport": (person.passport_masked or None) if personal else None,
    }


def _victim(victim, personal: bool) -> dict:
    return {
        **_person(victim, personal),
        "status": victim.status,
        "status_since": victim.status_since,
        "consent_to_data_handling": victim.consent_to_data_handling,
        "died_on": victim.died_on,
        "autopsy_status": victim.autopsy_status,
        "remains_status": victim.remains_status,
    }


def _suspect(suspect: Suspect, personal: bool) -> dict:
    return {
        **_person(suspect, personal),
        "status": suspect.arrest_status,
        "name_local": suspect.name_local if personal else None,
        "nationality": suspect.nationality_id,
        "roles": suspect.roles,
        "arrested_on": suspect.arrested_on,
        "return_status": suspect.return_status,
        "identifiers": [{"kind": i.kind, "value": i.value} for i in suspect.identifiers.all()]
        if personal
        else None,
    }


# The API's status reads "" as every status and "open" as the open ones; the page's form
# defaults to the open ones and names every status "all".
API_STATUS_TO_FORM = {"": "all", "open": ""}


def _filtered(user, filters: CaseFilters, passport: str = ""):
    """The cases the page's list would show this user for the same filters."""
    params = filters.dict(exclude={"limit", "offset", "passport"})
    if passport and not permissions.sees_passports(user):
        refuse(user, what="cases.case:passport-search")
    params["status"] = API_STATUS_TO_FORM.get(params["status"], params["status"])
    params["country"] = params["country"].upper()
    data = cleaned_filters(
        CaseFilterForm,
        params,
        may_search_passports=permissions.sees_passports(user),
        may_search_people=permissions.sees_personal_data(user),
    )
    if passport:
        number = protect.normalise_document_number(passport)
        if not number:
            raise ValidationError({"passport": _("Give the passport or ID number.")})
        data["passport_search"] = PassportSearch(
            hashes=tuple(protect.blind_indexes(number)), masked=protect.mask(number)
        )
    return selectors.case_filter(Case.objects.visible_to(user), data)


def _filters_audited(filters: CaseFilters, passport: str = "") -> str:
    """The filters of a list read by API, as the audit trail keeps them: what was searched
    masked, with its keyed hash (selectors.filters_recorded)."""
    given = filters.dict(exclude={"limit", "offset", "passport"}, exclude_defaults=True)
    query = QueryDict(mutable=True)
    query.update({k: str(v) for k, v in given.items()})
    recorded = selectors.filters_recorded(query)
    if passport:
        recorded["passport"] = protect.recorded(passport)
    return "filters: " + ("&".join(f"{k}={v}" for k, v in recorded.items()) or "none")


# --- reports -----------------------------------------------------------------------------


@router.post("/reports", response={201: ReportOut}, summary="Receive a report (intake)")
def report_create(request, payload: ReportIn):
    """Writes the submission first (nothing sent is lost, even when processing fails),
    then records the report. The stored submission keeps the passport number encrypted."""
    user = request.user
    sent = payload.model_dump(mode="json")
    submission = intake.submission_record(actor=user, payload=sent)
    data = payload.dict(exclude={"quick", "post_id", "country"})
    data["country"] = _country(payload.country)
    data["post"] = _post(payload.post_id)
    try:
        report = intake.report_receive(
            actor=user, data=data, quick=payload.quick, submission=submission
        )
    except (ValidationError, PermissionDenied, Http404):
        # The client is told what to fix; the submission stays as the record of it.
        intake.submission_refused(submission)
        raise
    except Exception as error:  # a fault of ours: keep the submission for the intake page
        intake.submission_failed(submission, error)
        raise
    return Status(201, _report_out(report, user))


@router.get("/reports/{int:pk}", response=ReportOut, summary="A report, with possible duplicates")
def report_detail(request, pk: int):
    report = _report(request, pk)
    if _personal(request.user):
        audit.record_viewed(report, actor=request.user)
    duplicates = _duplicates(report, request.user) if report.status == "new" else []
    return _report_out(report, request.user, duplicates)


@router.post("/reports/{int:pk}/open-case", response={201: CaseDetailOut})
def report_open_case(request, pk: int, payload: OpenCaseIn):
    report = _report(request, pk)
    others = [_report(request, other) for other in payload.other_report_ids if other != pk]
    case = intake.case_open(
        actor=request.user,
        reports=[report, *others],
        title=payload.title,
        priority=payload.priority,
        post=_post(payload.post_id),
        summary=payload.summary,
    )
    return Status(201, _detail(case, request.user))


@router.post("/reports/{int:pk}/attach", response=CaseDetailOut, summary="Attach to a case")
def report_attach(request, pk: int, payload: AttachIn):
    report = _report(request, pk)
    case = _case(request, payload.case_id)
    case = intake.report_attach(actor=request.user, report=report, case=case)
    return _detail(case, request.user)


# --- cases -------------------------------------------------------------------------------


@router.get("/", response=CasePage, summary="Cases in the user's scope, filtered")
def case_list(request, filters: Query[CaseFilters]):
    if "passport" in request.GET:
        raise ValidationError({"passport": NO_PASSPORT_IN_ADDRESS})
    return _case_page(request, filters)


NO_PASSPORT_IN_ADDRESS = gettext_lazy(
    "A passport or ID number is never sent in an address: search with POST "
    "/api/v1/cases/search and the number in the body."
)


@router.post("/search", response=CasePage, summary="Cases found by passport or ID number, filtered")
def case_search(request, payload: CaseSearchIn):
    return _case_page(request, payload, passport=payload.passport)


def _case_page(request, filters: CaseFilters, passport: str = "") -> dict:
    user = request.user
    require(user, Perm.VIEW_CASES)
    cases = _filtered(user, filters, passport).order_by("-first_reported_at", "-pk")
    page = _list_items(cases[filters.offset : filters.offset + filters.limit], user)
    if _personal(user) and page:
        audit.record(
            AuditAction.VIEW,
            actor=user,
            object_type="cases.case",
            object_repr=f"case list by API: {len(page)} cases",
            reason=_filters_audited(filters, passport),
        )
    return {"count": cases.count(), "items": page}


def _list_items(cases, user) -> list[dict]:
    """The items of one page of the list (`cases` sliced to the page), as _case_out gives
    them for a case: in two queries, the cases and, to those who may see them, the names
    of their victims in the order of the case's record."""
    now = timezone.now()
    rows = list(cases.values(*LISTED))
    names: dict[int, list[str]] | None = None
    if _personal(user):
        names = {row["id"]: [] for row in rows}
        victims = Victim.objects.filter(case_id__in=names).order_by("pk")
        for case_id, name_ko, name_latin in victims.values_list("case_id", "name_ko", "name_latin"):
            names[case_id].append(person_name(name_ko, name_latin))
    items = []
    for row in rows:
        item = {f: row[f] for f in STORED}
        item["country"] = row["country"]
        item["overdue"] = [str(m) for m in targets.overdue_steps(SimpleNamespace(**row), now)]
        if names is None:
            item["summary"] = item["victims"] = None
        else:
            item["victims"] = names[row["id"]]
        items.append(item)
    return items


def _detail(case: Case, user) -> dict:
    personal = _personal(user)
    case = Case.objects.prefetch_related(
        "victims",
        Prefetch("suspects", Suspect.objects.prefetch_related("identifiers")),
        "reports",
    ).get(pk=case.pk)
    out = _case_out(case, user)
    out.update({f: getattr(case, f) for f in REACHED_FIELDS})
    out["outcome_note"] = case.outcome_note if personal else None
    out["reports"] = [r.reference for r in case.reports.all()]
    out["people"] = {
        "victims": [_victim(v, personal) for v in case.victims.all()],
        "suspects": [_suspect(s, personal) for s in case.suspects.all()],
    }
    out["moves"] = [str(target) for target, _rule in workflow.available_moves(user, case)]
    return out


@router.get("/{int:pk}", response=CaseDetailOut, summary="A case with its people")
def case_detail(request, pk: int):
    case = _case(request, pk)
    if _personal(request.user):
        audit.record_viewed(case, actor=request.user)
    return _detail(case, request.user)


@router.post(
    "/{int:pk}/transitions",
    response={200: CaseDetailOut, **STALE},
    summary="Move the case (409 when expected_version is stale)",
)
def case_transition(request, pk: int, payload: TransitionIn):
    case = _case(request, pk)
    case = workflow.case_transition(actor=request.user, case=case, **payload.dict())
    return _detail(case, request.user)


@router.get("/{int:pk}/timeline", response=EntryPage, summary="The case's timeline, newest first")
def case_timeline(request, pk: int, limit: int = Query(50, ge=1, le=500), offset: Offset = 0):
    case = _case(request, pk)
    personal = _personal(request.user)
    entries = case.timeline.select_related("author").order_by("-at", "-pk")
    page = entries[offset : offset + limit]
    if personal:
        audit.record_viewed(case, actor=request.user)
    items = [
        {
            "id": e.pk,
            "kind": e.kind,
            "at": e.at,
            "author": (e.author.full_name or e.author.username) if e.author else None,
            "body": e.body if personal else None,
            "counterpart": e.counterpart if personal else None,
            "file_name": e.file_name if personal else None,
            "file_sha256": e.file_sha256 or None,
        }
        for e in page
    ]
    return {"count": entries.count(), "items": items}
