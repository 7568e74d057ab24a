"""The partner directory's JSON API under /api/v1/partners/: the same selectors, services and
permission checks as the pages. Services raise PermissionDenied (403) and ValidationError
(422); unknown or out-of-scope records answer 404 (see liaison/api.py)."""

import datetime

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from liaison.core import audit
from liaison.core.api_input import Pagination
from liaison.core.listing import search
from liaison.core.looks import filters_text, list_viewed
from liaison.core.permissions import Perm, require

from . import selectors, services
from .choices import PartnerKind
from .models import Contact, Country, PartnerBody

router = Router(tags=["partners"])
MAX_PAGE = 200


# Schemas ----------------------------------------------------------------------------------


class CountryOut(Schema):
    code: str
    alpha3: str
    numeric: str
    name_en: str
    name_ko: str


class BodyRef(Schema):
    id: int
    kind: str
    name_en: str
    abbreviation: str
    is_active: bool


class CountryDetailOut(CountryOut):
    bodies: list[BodyRef]


class BodyOut(Schema):
    id: int
    kind: str
    name_en: str
    name_ko: str
    name_local: str
    abbreviation: str
    country: str | None = Field(None, description="ISO 3166-1 alpha-2 code")
    parent_id: int | None
    website: str
    email: str
    phone: str
    address: str
    notes: str
    is_active: bool
    is_illustrative: bool
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_country(obj: PartnerBody) -> str | None:
        return obj.country_id


class BodyIn(Schema):
    kind: PartnerKind
    name_en: str = Field(..., min_length=1, max_length=200)
    name_ko: str = ""
    name_local: str = ""
    abbreviation: str = ""
    country: str | None = Field(None, description="ISO 3166-1 alpha-2 code")
    parent_id: int | None = None
    website: str = ""
    email: str = ""
    phone: str = ""
    address: str = ""
    notes: str = ""


class BodyPatch(Schema):
    """Only the fields sent are changed."""

    kind: PartnerKind | None = None
    name_en: str | None = Field(None, min_length=1, max_length=200)
    name_ko: str | None = None
    name_local: str | None = None
    abbreviation: str | None = None
    country: str | None = None
    parent_id: int | None = None
    website: str | None = None
    email: str | None = None
    phone: str | None = None
    address: str | None = None
    notes: str | None = None


class DeactivateIn(Schema):
    reason: str = Field(..., min_length=1, max_length=500)


class BodyFilters(Schema):
    q: str = ""
    kind: PartnerKind | None = None
    country: str | None = Field(None, description="ISO 3166-1 alpha-2 code")
    active: bool | None = Field(None, description="Omit for all; true or false to filter")


class ContactOut(Schema):
    id: int
    partner_body_id: int
    full_name: str
    full_name_local: str
    rank: str
    post: str
    unit: str
    email: str
    phone: str
    languages: str
    in_post_since: datetime.date | None
    left_post_on: datetime.date | None
    notes: str
    is_current: bool
    is_illustrative: bool


class ContactIn(Schema):
    partner_body_id: int
    full_name: str = Field(..., min_length=1, max_length=200)
    post: str = Field(..., min_length=1, max_length=200)
    full_name_local: str = ""
    rank: str = ""
    unit: str = ""
    email: str = ""
    phone: str = ""
    languages: str = ""
    in_post_since: datetime.date | None = None
    left_post_on: datetime.date | None = None
    notes: str = ""


class ContactPatch(Schema):
    """Only the fields sent are changed."""

    partner_body_id: int | None = None
    full_name: str | None = Field(None, min_length=1, max_length=200)
    post: str | None = Field(None, min_length=1, max_length=200)
    full_name_local: str | None = None
    rank: str | None = None
    unit: str | None = None
    email: str | None = None
    phone: str | None = None
    languages: str | None = None
    in_post_since: datetime.date | None = None
    left_post_on: datetime.date | None = None
    notes: str | None = None


class ContactFilters(Schema):
    q: str = ""
    body: int | None = Field(None, description="Partner body id")
    country: str | None = Field(None, description="ISO 3166-1 alpha-2 code")
    current: bool | None = Field(None, description="Omit for all; true for those in post")


# Turning API values into records ----------------------------------------------------------


def _country(code: str | None) -> Country | None:
    if not code:
        return None
    country = Country.objects.filter(code=code.upper()).first()
    if country is None:
        raise ValidationError(
            {"country": _("No country has the ISO code “%(code)s”.") % {"code": code[:10]}}
        )
    return country


def _visible_body(user, pk: int | None, *, field: str) -> PartnerBody | None:
    if pk is None:
        return None
    body = selectors.bodies_for(user).filter(pk=pk).first()
    if body is None:
        raise ValidationError({field: _("There is no partner body %(id)s.") % {"id": pk}})
    return body


def _body_fields(user, data: dict) -> dict:
    if "country" in data:
        data["country"] = _country(data["country"])
    if "parent_id" in data:
        data["parent"] = _visible_body(user, data.pop("parent_id"), field="parent")
    return data


def _contact_fields(user, data: dict) -> dict:
    if "partner_body_id" in data:
        body_id = data.pop("partner_body_id")
        if body_id is None:
            raise ValidationError({"partner_body": _("A contact belongs to a partner body.")})
        data["partner_body"] = _visible_body(user, body_id, field="partner_body")
    return data


def _required_not_null(data: dict, names: tuple[str, ...]) -> None:
    nulls = [name for name in names if name in data and data[name] is None]
    if nulls:
        raise ValidationError({name: _("This field cannot be null.") for name in nulls})


# Countries --------------------------------------------------------------------------------


@router.get("/countries", response=list[CountryOut], summary="All ISO 3166-1 countries")
def list_countries(request: HttpRequest, q: str = ""):
    require(request.user, Perm.VIEW_DIRECTORY)
    return search(Country.objects.all(), q, selectors.COUNTRY_SEARCH_FIELDS)


@router.get(
    "/countries/{code}", response=CountryDetailOut, summary="A country and its partner bodies"
)
def get_country(request: HttpRequest, code: str):
    require(request.user, Perm.VIEW_DIRECTORY)
    country = selectors.get_country(code)
    country.bodies = list(selectors.country_bodies(request.user, country))
    return country


# Partner bodies ---------------------------------------------------------------------------


@router.get("/bodies", response=list[BodyOut], summary="Partner bodies visible to you")
@paginate(Pagination, max_limit=MAX_PAGE)
def list_bodies(request: HttpRequest, filters: Query[BodyFilters]):
    require(request.user, Perm.VIEW_DIRECTORY)
    data = {
        "q": filters.q,
        "kind": filters.kind,
        "country": (filters.country or "").upper(),
        # The page's status: "" the active ones; the API's `active` omitted means all.
        "status": {None: "all", True: "", False: "inactive"}[filters.active],
    }
    return selectors.body_filter(selectors.bodies_for(request.user), data).order_by("name_en", "pk")


@router.get("/bodies/{int:body_id}", response=BodyOut)
def get_body(request: HttpRequest, body_id: int):
    require(request.user, Perm.VIEW_DIRECTORY)
    return selectors.get_body_for_user(request.user, body_id)


@router.post("/bodies", response={201: BodyOut})
def create_body(request: HttpRequest, payload: BodyIn):
    require(request.user, Perm.MANAGE_DIRECTORY)
    fields = _body_fields(request.user, payload.dict())
    return Status(201, services.partner_body_create(actor=request.user, **fields))


@router.patch("/bodies/{int:body_id}", response=BodyOut)
def update_body(request: HttpRequest, body_id: int, payload: BodyPatch):
    require(request.user, Perm.MANAGE_DIRECTORY)
    body = selectors.get_body_for_user(request.user, body_id)
    data = payload.dict(exclude_unset=True)
    _required_not_null(
        data,
        (
            "kind",
            "name_en",
            "name_ko",
            "name_local",
            "abbreviation",
            "website",
            "email",
            "phone",
            "address",
            "notes",
        ),
    )
    return services.partner_body_update(
        actor=request.user, body=body, **_body_fields(request.user, data)
    )


@router.post("/bodies/{int:body_id}/deactivate", response=BodyOut)
def deactivate_body(request: HttpRequest, body_id: int, payload: DeactivateIn):
    require(request.user, Perm.MANAGE_DIRECTORY)
    body = selectors.get_body_for_user(request.user, body_id)
    return services.partner_body_deactivate(actor=request.user, body=body, reason=payload.reason)


# Contacts ---------------------------------------------------------------------------------


@router.get("/contacts", response=list[ContactOut], summary="Contacts (personal data)")
@paginate(Pagination, max_limit=MAX_PAGE)
def list_contacts(request: HttpRequest, filters: Query[ContactFilters]):
    require(request.user, Perm.VIEW_CONTACTS)
    data = {
        "q": filters.q,
        "partner_body": filters.body,
        "country": (filters.country or "").upper(),
        # The page's status: "" those in post; the API's `current` omitted means all.
        "status": {None: "all", True: "", False: "former"}[filters.current],
    }
    contacts = selectors.contact_filter(selectors.contacts_for(request.user), data)
    list_viewed(
        request.user,
        object_type="partners.contact",
        shown="contact list by API",
        filters=filters_text(request.GET),
    )
    return contacts.order_by("full_name", "pk")


@router.get(
    "/contacts/{int:contact_id}",
    response=ContactOut,
    summary="A contact; each read is recorded in the audit trail",
)
def get_contact(request: HttpRequest, contact_id: int):
    require(request.user, Perm.VIEW_CONTACTS)
    contact = selectors.get_contact_for_user(request.user, contact_id)
    audit.record_viewed(contact, actor=request.user)
    return contact


@router.post("/contacts", response={201: ContactOut})
def create_contact(request: HttpRequest, payload: ContactIn):
    require(request.user, Perm.MANAGE_DIRECTORY)
    fields = _contact_fields(request.user, payload.dict())
    return Status(201, services.contact_create(actor=request.user, **fields))


@router.patch("/contacts/{int:contact_id}", response=ContactOut)
def update_contact(request: HttpRequest, contact_id: int, payload: ContactPatch):
    require(request.user, Perm.MANAGE_DIRECTORY)
    contact: Contact = selectors.get_contact_for_user(request.user, contact_id)
    data = payload.dict(exclude_unset=True)
    _required_not_null(
        data,
        (
            "full_name",
            "post",
            "full_name_local",
            "rank",
            "unit",
            "email",
            "phone",
            "languages",
            "notes",
        ),
    )
    return services.contact_update(
        actor=request.user, contact=contact, **_contact_fields(request.user, data)
    )
