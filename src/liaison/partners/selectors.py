"""Reads of the partner directory that depend on who asks. Every read starts from
`visible_to(user)`: a partner liaison sees only their own body, and contacts only reach
those whose role may see personal data."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from liaison.core.listing import Column, search
from liaison.core.models import User
from liaison.core.permissions import Perm, can
from liaison.core.shared import SharedMemo

from .choices import PartnerKind
from .models import Contact, Country, PartnerBody

BODY_SEARCH_FIELDS = ["name_en", "name_ko", "name_local", "abbreviation"]
CONTACT_SEARCH_FIELDS = [
    "full_name",
    "full_name_local",
    "post",
    "unit",
    "email",
    "partner_body__name_en",
    "partner_body__name_ko",
    "partner_body__abbreviation",
]
COUNTRY_SEARCH_FIELDS = ["code", "alpha3", "name_en", "name_ko"]

BODY_COLUMNS = [
    Column("name_en", _("Name (English)"), sort="name_en"),
    Column("name_ko", _("Name (Korean)"), sort="name_ko"),
    Column("abbreviation", _("Abbreviation"), sort="abbreviation"),
    Column("kind", _("Kind"), value=lambda b: b.get_kind_display(), sort="kind"),
    Column("country", _("Country"), value=lambda b: b.country or "", sort="country__name_en"),
    Column("parent", _("Part of"), value=lambda b: b.parent or ""),
    Column("website", _("Website")),
    Column("is_active", _("Active"), sort="is_active"),
    Column("updated_at", _("Updated"), sort="updated_at"),
]

CONTACT_COLUMNS = [
    Column("full_name", _("Name"), sort="full_name"),
    Column("rank", _("Rank or title")),
    Column("post", _("Position"), sort="post"),
    Column(
        "partner_body",
        _("Partner body"),
        value=lambda c: c.partner_body,
        sort="partner_body__name_en",
    ),
    Column(
        "country",
        _("Country"),
        value=lambda c: c.partner_body.country or "",
        sort="partner_body__country__name_en",
    ),
    Column("email", _("E-mail")),
    Column("phone", _("Phone")),
    Column("in_post_since", _("In post since"), sort="in_post_since"),
    Column("left_post_on", _("Left post on"), sort="left_post_on"),
]

COUNTRY_COLUMNS = [
    Column("code", _("ISO code"), sort="code"),
    Column("name_en", _("Name (English)"), sort="name_en"),
    Column("name_ko", _("Name (Korean)"), sort="name_ko"),
    Column("body_count", _("Partner bodies"), sort="body_count"),
]


def bodies_for(user: User) -> QuerySet[PartnerBody]:
    return PartnerBody.objects.visible_to(user).select_related("country", "parent")


def contacts_for(user: User) -> QuerySet[Contact]:
    return Contact.objects.visible_to(user).select_related("partner_body__country")


def countries_for(user: User) -> QuerySet[Country]:
    """Every country, with how many of the partner bodies the user can see are in it."""
    visible = PartnerBody.objects.visible_to(user).values("pk")
    return Country.objects.annotate(
        body_count=Count("partner_bodies", filter=Q(partner_bodies__in=visible))
    )


def get_body_for_user(user: User, pk: int) -> PartnerBody:
    body = bodies_for(user).filter(pk=pk).first()
    if body is None:
        raise Http404
    return body


def get_contact_for_user(user: User, pk: int) -> Contact:
    contact = contacts_for(user).filter(pk=pk).first()
    if contact is None:
        raise Http404
    return contact


# Intake looks a country up for every report received, and the case list offers every
# country by name on every request. The ISO list changes only through `countries_sync`;
# every save or delete of a country, on any node, empties these copies (apps.py).
_countries = SharedMemo("countries")


def country_by_code(code: str) -> Country | None:
    """The country with this ISO 3166-1 code (any case), or None; kept once found."""
    code = code.strip().upper()
    return _countries.get(("code", code), lambda: Country.objects.filter(code=code).first())


def country_names() -> list[tuple[str, str]]:
    """Every country as (code, name in the reader's language), in English name order."""
    korean = (get_language() or "").startswith("ko")
    field = "name_ko" if korean else "name_en"
    return _countries.get(
        ("names", korean), lambda: list(Country.objects.values_list("code", field))
    )


def forget_countries(**_signal) -> None:
    _countries.forget()


def get_country(code: str) -> Country:
    country = Country.objects.filter(code=code.upper()).first()
    if country is None:
        raise Http404
    return country


def body_filter(queryset: QuerySet, data: dict) -> QuerySet:
    """The partner bodies' filters and search, for the page and the API alike; status ""
    is the active ones, "inactive" and "all" the others."""
    if data.get("q"):
        queryset = search(queryset, data["q"], BODY_SEARCH_FIELDS)
    if data.get("kind"):
        queryset = queryset.filter(kind=data["kind"])
    if data.get("country"):
        queryset = queryset.filter(country=data["country"])
    status = data.get("status") or ""
    if status == "":
        queryset = queryset.filter(is_active=True)
    elif status == "inactive":
        queryset = queryset.filter(is_active=False)
    return queryset


def contact_filter(queryset: QuerySet, data: dict) -> QuerySet:
    """The contacts' filters and search, for the page and the API alike; status "" is
    those in post, "former" and "all" the others."""
    if data.get("q"):
        queryset = search(queryset, data["q"], CONTACT_SEARCH_FIELDS)
    if data.get("partner_body"):
        queryset = queryset.filter(partner_body=data["partner_body"])
    if data.get("country"):
        queryset = queryset.filter(partner_body__country=data["country"])
    status = data.get("status") or ""
    if status == "":
        queryset = queryset.filter(left_post_on__isnull=True)
    elif status == "former":
        queryset = queryset.filter(left_post_on__isnull=False)
    return queryset


def country_filter(queryset: QuerySet, data: dict) -> QuerySet:
    if data.get("q"):
        queryset = search(queryset, data["q"], COUNTRY_SEARCH_FIELDS)
    if data.get("partners") == "yes":
        queryset = queryset.filter(body_count__gt=0)
    return queryset


def body_units(user: User, body: PartnerBody) -> QuerySet[PartnerBody]:
    return bodies_for(user).filter(parent=body)


def body_contacts(user: User, body: PartnerBody) -> QuerySet[Contact]:
    """The body's people, current first; empty for those who may not see personal data."""
    return contacts_for(user).filter(partner_body=body).order_by("left_post_on", "full_name")


def country_bodies(user: User, country: Country) -> QuerySet[PartnerBody]:
    return bodies_for(user).filter(country=country).order_by("-is_active", "name_en")


def _korean() -> bool:
    return (get_language() or "").startswith("ko")


def directory_summary(user: User) -> dict:
    """The home page's partner card: active bodies by kind, countries, and contacts for
    those who may see them."""
    counts = (
        PartnerBody.objects.visible_to(user)
        .filter(is_active=True)
        .aggregate(
            police_bodies=Count("pk", filter=Q(kind=PartnerKind.POLICE)),
            international_organisations=Count(
                "pk", filter=Q(kind=PartnerKind.INTERNATIONAL_ORGANISATION)
            ),
            countries=Count("country", distinct=True),
        )
    )
    counts["by_country"] = [
        {
            "label": str(row["country__name_ko"] if _korean() else row["country__name_en"]),
            "count": row["n"],
        }
        for row in PartnerBody.objects.visible_to(user)
        .filter(is_active=True, country__isnull=False)
        .values("country__name_en", "country__name_ko")
        .annotate(n=Count("pk"))
        .order_by("-n", "country__name_en")[:12]
    ]
    if can(user, Perm.VIEW_CONTACTS):
        counts["contacts"] = (
            Contact.objects.visible_to(user)
            .filter(left_post_on__isnull=True, partner_body__is_active=True)
            .count()
        )
    return counts
