"""Agreements API under /api/v1/agreements/: the same selectors and services as the pages,
so the same rules apply (a late application is refused with 422 naming the deadline).
A change sent with a stale `expected_version` is refused with 409: reload and retry."""

import datetime

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import Field

from liaison.core.api_errors import STALE
from liaison.core.api_input import DB_INT_MAX, Year
from liaison.core.models import Institution
from liaison.core.permissions import Perm, require
from liaison.partners.models import PartnerBody

from . import selectors, services
from .models import Occasion

router = Router(tags=["agreements"])


class AgreementOut(Schema):
    id: int
    reference: str
    title: str
    agreement_type: str
    status: str
    version: int
    counterpart_id: int
    country_id: str | None
    institution_id: int
    purpose: str
    scope_areas: list[str]
    planned_signing_on: datetime.date | None
    submission_deadline: datetime.date | None
    occasion_id: int | None
    submitted_on: datetime.date | None
    reported_to_commissioner_at: datetime.datetime | None
    exception_reason: str
    exception_granted_at: datetime.datetime | None
    signed_on: datetime.date | None
    signing_place: str
    signatory_home: str
    signatory_partner: str
    result_report_due: datetime.date | None
    expires_on: datetime.date | None
    ended_on: datetime.date | None
    is_illustrative: bool

    @staticmethod
    def resolve_submission_deadline(obj):
        return (
            services.submission_deadline(obj.planned_signing_on) if obj.planned_signing_on else None
        )


class ApplicationIn(Schema):
    title: str = Field(..., min_length=1, max_length=300)
    agreement_type: str = "mou"
    counterpart_id: int
    institution_id: int | None = None
    purpose: str = ""
    scope_areas: list[str] = []
    planned_signing_on: datetime.date
    occasion_id: int | None = None
    notes: str = ""
    exception_reason: str = ""


class TransitionIn(Schema):
    to_status: str
    reason: str = ""
    expected_version: int | None = None


class ReviewIn(Schema):
    ratings: dict[str, str]
    comments: dict[str, str] = {}
    recommendation: str
    summary: str = ""
    expected_version: int | None = None


class ReviewOut(Schema):
    id: int
    round: int
    reviewer_id: int
    at: datetime.datetime
    recommendation: str
    summary: str


class ActivityIn(Schema):
    kind: str
    occurred_on: datetime.date
    description: str
    count: int = Field(1, ge=1, le=DB_INT_MAX)
    source_type: str = ""
    source_id: str = ""


class ActivityOut(Schema):
    id: int
    kind: str
    occurred_on: datetime.date
    description: str
    count: int
    source_type: str
    source_id: str


class AnnualReportIn(Schema):
    year: Year
    exchange_status: str
    achievements: str = ""


class AnnualReportOut(Schema):
    id: int
    year: int
    exchange_status: str
    achievements: str
    activity_counts: dict[str, int]
    submitted_at: datetime.datetime


class AssessmentOut(Schema):
    year: int
    verdict: str
    findings: list[str]
    thresholds: str


class DocumentOut(Schema):
    id: int
    kind: str
    version: int
    original_name: str
    sha256: str
    size: int
    content_type: str


class ListFilters(Schema):
    q: str = Field("", description="Words in the title, purpose, counterpart or reference")
    status: str | None = None
    country: str | None = None
    institution_id: int | None = None
    scope_area: str | None = None
    year: Year | None = None


def _agreement(request, pk: int):
    return selectors.get_agreement_for_user(request.user, pk)


def _exists(model, pk, field):
    if pk is None:
        return None
    found = model.objects.filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: "No such record."})
    return found


@router.get("/", response=list[AgreementOut], summary="The registry, as the user may see it")
@paginate
def agreement_list(request, filters: Query[ListFilters]):
    require(request.user, Perm.VIEW_AGREEMENTS)
    data = filters.dict()
    if data.get("institution_id"):
        data["institution"] = get_object_or_404(Institution, pk=data["institution_id"])
    return selectors.agreement_filter(selectors.agreements_for(request.user), data).order_by("pk")


@router.get("/{int:pk}", response=AgreementOut)
def agreement_detail(request, pk: int):
    return _agreement(request, pk)


@router.post("/", response={201: AgreementOut}, summary="A new application (draft)")
def agreement_create(request, payload: ApplicationIn):
    data = payload.dict()
    fields = {
        "title": data["title"],
        "agreement_type": data["agreement_type"],
        "counterpart": _exists(PartnerBody, data["counterpart_id"], "counterpart"),
        "purpose": data["purpose"],
        "scope_areas": data["scope_areas"],
        "planned_signing_on": data["planned_signing_on"],
        "occasion": _exists(Occasion, data["occasion_id"], "occasion"),
        "notes": data["notes"],
    }
    if data["institution_id"] is not None:
        fields["institution"] = _exists(Institution, data["institution_id"], "institution")
    agreement = services.agreement_apply(
        actor=request.user, exception_reason=data["exception_reason"], **fields
    )
    return Status(201, agreement)


@router.post(
    "/{int:pk}/submit", response={200: AgreementOut, **STALE}, summary="Submit (or resubmit)"
)
def agreement_submit(request, pk: int, expected_version: int | None = None):
    return services.agreement_submit(
        actor=request.user, agreement=_agreement(request, pk), expected_version=expected_version
    )


@router.post(
    "/{int:pk}/transition",
    response={200: AgreementOut, **STALE},
    summary="Any move the table allows",
)
def agreement_transition(request, pk: int, payload: TransitionIn):
    return services.agreement_transition(
        actor=request.user, agreement=_agreement(request, pk), **payload.dict()
    )


@router.post("/{int:pk}/exception", response=AgreementOut, summary="Grant a two-month exception")
def agreement_exception(request, pk: int, reason: str = Form(...)):
    return services.agreement_grant_exception(
        actor=request.user, agreement=_agreement(request, pk), reason=reason
    )


@router.get("/{int:pk}/reviews", response=list[ReviewOut])
def review_list(request, pk: int):
    return _agreement(request, pk).reviews.all()


@router.post(
    "/{int:pk}/reviews", response={201: ReviewOut, **STALE}, summary="Record a review round"
)
def review_create(request, pk: int, payload: ReviewIn):
    review = services.agreement_record_review(
        actor=request.user, agreement=_agreement(request, pk), **payload.dict()
    )
    return Status(201, review)


@router.get("/{int:pk}/documents", response=list[DocumentOut])
def document_list(request, pk: int):
    return _agreement(request, pk).documents.all()


@router.post("/{int:pk}/documents", response={201: DocumentOut}, summary="Upload (multipart)")
def document_create(
    request,
    pk: int,
    kind: str = Form("draft"),
    file: UploadedFile = File(...),  # noqa: B008 — ninja declares parameters this way
):
    document = services.document_upload(
        actor=request.user, agreement=_agreement(request, pk), kind=kind, upload=file
    )
    return Status(201, document)


@router.get("/{int:pk}/activities", response=list[ActivityOut])
@paginate
def activity_list(request, pk: int):
    return _agreement(request, pk).activities.all()


@router.post("/{int:pk}/activities", response={201: ActivityOut})
def activity_create(request, pk: int, payload: ActivityIn):
    data = payload.dict()
    source = (data.pop("source_type"), data.pop("source_id"))
    activity = services.activity_record(
        actor=request.user,
        agreement=_agreement(request, pk),
        source=source if source[0] else None,
        **data,
    )
    return Status(201, activity)


@router.get("/{int:pk}/annual-reports", response=list[AnnualReportOut])
def annual_report_list(request, pk: int):
    return _agreement(request, pk).annual_reports.all()


@router.post("/{int:pk}/annual-reports", response={201: AnnualReportOut})
def annual_report_create(request, pk: int, payload: AnnualReportIn):
    report = services.annual_report_submit(
        actor=request.user, agreement=_agreement(request, pk), **payload.dict()
    )
    return Status(201, report)


@router.get("/{int:pk}/assessment", response=AssessmentOut, summary="Effectiveness, in words")
def assessment(request, pk: int, year: Year | None = None):
    agreement = _agreement(request, pk)
    result = services.effectiveness_assess(agreement, year=year)
    year = year or datetime.date.today().year - 1
    return AssessmentOut(
        year=year, verdict=result.verdict, findings=result.findings, thresholds=result.thresholds
    )
