"""Every write of the partner directory: partner bodies, contacts, the country list and the
bulk import. Each service checks the actor's right, validates, writes and records its audit
entry in one transaction."""

from __future__ import annotations

import datetime

import babel
import phonenumbers
import pycountry
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from liaison.core import audit
from liaison.core.choices import AuditAction
from liaison.core.importing import ImportFileError, ImportResult, run_import
from liaison.core.models import User
from liaison.core.permissions import Perm, require

from .forms import PartnerBodyImportRowForm
from .models import Contact, Country, PartnerBody

BODY_FIELDS = [
    "kind",
    "name_en",
    "name_ko",
    "name_local",
    "abbreviation",
    "country_id",
    "parent_id",
    "website",
    "email",
    "phone",
    "address",
    "notes",
    "is_active",
    "is_illustrative",
]
CONTACT_FIELDS = [
    "partner_body_id",
    "full_name",
    "full_name_local",
    "rank",
    "post",
    "unit",
    "email",
    "phone",
    "languages",
    "in_post_since",
    "left_post_on",
    "notes",
    "is_illustrative",
]
# What the edit forms and the API may change; `is_active` goes through deactivate/update.
BODY_EDITABLE = {
    "kind",
    "name_en",
    "name_ko",
    "name_local",
    "abbreviation",
    "country",
    "parent",
    "website",
    "email",
    "phone",
    "address",
    "notes",
    "is_active",
    "is_illustrative",
}
CONTACT_EDITABLE = {
    "partner_body",
    "full_name",
    "full_name_local",
    "rank",
    "post",
    "unit",
    "email",
    "phone",
    "languages",
    "in_post_since",
    "left_post_on",
    "notes",
    "is_illustrative",
}
IMPORT_COLUMNS = ["kind", "name_en", "name_ko", "name_local", "abbreviation", "country", "website"]
IMPORT_REQUIRED_COLUMNS = ["kind", "name_en"]


def normalize_phone(raw: str, *, region: str | None, field: str = "phone") -> str:
    """The number in E.164 (`+85512345678`), or a refusal that says how to write it.
    A number without `+` is read as a number of `region` (the partner's country)."""
    raw = (raw or "").strip()
    if not raw:
        return ""
    try:
        number = phonenumbers.parse(raw, region if not raw.startswith("+") else None)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(
            {
                field: _(
                    "“%(raw)s” is not a valid phone number. Write it with the country code, "
                    "e.g. +855 12 345 678."
                )
                % {"raw": raw[:40]}
            }
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _strip(fields: dict) -> dict:
    return {k: v.strip() if isinstance(v, str) else v for k, v in fields.items()}


def _check_names(fields: dict, allowed: set[str]) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"Not editable: {', '.join(sorted(unknown))}")


# Partner bodies ---------------------------------------------------------------------------


def _body_save_new(fields: dict) -> PartnerBody:
    body = PartnerBody(**_strip(fields))
    body.phone = normalize_phone(body.phone, region=body.country_id)
    body.full_clean()
    body.save()
    return body


@transaction.atomic
def partner_body_create(
    *,
    actor: User,
    kind: str,
    name_en: str,
    country: Country | None = None,
    name_ko: str = "",
    name_local: str = "",
    abbreviation: str = "",
    parent: PartnerBody | None = None,
    website: str = "",
    email: str = "",
    phone: str = "",
    address: str = "",
    notes: str = "",
    is_illustrative: bool = False,
) -> PartnerBody:
    require(actor, Perm.MANAGE_DIRECTORY)
    body = _body_save_new(
        {
            "kind": kind,
            "name_en": name_en,
            "country": country,
            "name_ko": name_ko,
            "name_local": name_local,
            "abbreviation": abbreviation,
            "parent": parent,
            "website": website,
            "email": email,
            "phone": phone,
            "address": address,
            "notes": notes,
            "is_illustrative": is_illustrative,
        }
    )
    audit.record_created(body, actor=actor)
    return body


@transaction.atomic
def partner_body_update(
    *, actor: User, body: PartnerBody, reason: str = "", **fields
) -> PartnerBody:
    """Changes the given fields only; unchanged fields are not touched or re-validated."""
    require(actor, Perm.MANAGE_DIRECTORY)
    _check_names(fields, BODY_EDITABLE)
    body = PartnerBody.objects.select_for_update().get(pk=body.pk)
    before = audit.snapshot(body, BODY_FIELDS)
    fields = _strip(fields)
    # Numbers stored before they were checked (old imports) must not block other edits,
    # so only a changed number is validated.
    phone_changed = "phone" in fields and fields["phone"] != body.phone
    for name, value in fields.items():
        setattr(body, name, value)
    if phone_changed:
        body.phone = normalize_phone(body.phone, region=body.country_id)
    body.full_clean()
    body.save()
    audit.record_updated(body, before, actor=actor, reason=reason)
    return body


@transaction.atomic
def partner_body_deactivate(*, actor: User, body: PartnerBody, reason: str) -> PartnerBody:
    """Takes a body out of the directory's active list; its history and contacts stay."""
    require(actor, Perm.MANAGE_DIRECTORY)
    body = PartnerBody.objects.select_for_update().get(pk=body.pk)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the body is deactivated.")})
    if not body.is_active:
        raise ValidationError(_("This body is already inactive."))
    active_units = list(body.units.filter(is_active=True).values_list("name_en", flat=True)[:5])
    if active_units:
        raise ValidationError(
            _("Deactivate its units first: %(units)s.") % {"units": ", ".join(active_units)}
        )
    before = audit.snapshot(body, ["is_active"])
    body.is_active = False
    body.save(update_fields=["is_active", "updated_at"])
    audit.record_updated(body, before, actor=actor, reason=reason)
    return body


# Contacts ---------------------------------------------------------------------------------


def _contact_region(contact: Contact) -> str | None:
    return contact.partner_body.country_id if contact.partner_body_id else None


@transaction.atomic
def contact_create(
    *,
    actor: User,
    partner_body: PartnerBody,
    full_name: str,
    post: str,
    full_name_local: str = "",
    rank: str = "",
    unit: str = "",
    email: str = "",
    phone: str = "",
    languages: str = "",
    in_post_since: datetime.date | None = None,
    left_post_on: datetime.date | None = None,
    notes: str = "",
    is_illustrative: bool = False,
) -> Contact:
    require(actor, Perm.MANAGE_DIRECTORY)
    contact = Contact(
        **_strip(
            {
                "partner_body": partner_body,
                "full_name": full_name,
                "post": post,
                "full_name_local": full_name_local,
                "rank": rank,
                "unit": unit,
                "email": email,
                "phone": phone,
                "languages": languages,
                "in_post_since": in_post_since,
                "left_post_on": left_post_on,
                "notes": notes,
                "is_illustrative": is_illustrative,
            }
        )
    )
    contact.phone = normalize_phone(contact.phone, region=_contact_region(contact))
    contact.full_clean()
    contact.save()
    audit.record_created(contact, actor=actor)
    return contact


@transaction.atomic
def contact_update(*, actor: User, contact: Contact, **fields) -> Contact:
    require(actor, Perm.MANAGE_DIRECTORY)
    _check_names(fields, CONTACT_EDITABLE)
    contact = Contact.objects.select_for_update().select_related("partner_body").get(pk=contact.pk)
    before = audit.snapshot(contact, CONTACT_FIELDS)
    fields = _strip(fields)
    phone_changed = "phone" in fields and fields["phone"] != contact.phone
    for name, value in fields.items():
        setattr(contact, name, value)
    if phone_changed:
        contact.phone = normalize_phone(contact.phone, region=_contact_region(contact))
    contact.full_clean()
    contact.save()
    audit.record_updated(contact, before, actor=actor)
    return contact


# Countries --------------------------------------------------------------------------------


def _iso_countries() -> list[dict[str, str]]:
    korean = babel.Locale("ko").territories
    rows = []
    for entry in pycountry.countries:
        # ISO's short names read "Korea, Republic of"; the common name is what people write.
        name_en = getattr(entry, "common_name", None) or entry.name
        rows.append(
            {
                "code": entry.alpha_2,
                "alpha3": entry.alpha_3,
                "numeric": entry.numeric,
                "name_en": name_en,
                "name_ko": korean.get(entry.alpha_2) or name_en,
            }
        )
    return rows


@transaction.atomic
def countries_sync(*, actor: User | None = None) -> dict[str, int]:
    """Brings the country table in line with ISO 3166-1 (pycountry) and CLDR's Korean names
    (babel). Idempotent: a second run changes nothing and records nothing. `actor` is None
    when run from the command line by whoever operates the server."""
    if actor is not None:
        require(actor, Perm.MANAGE_DIRECTORY)
    existing = {c.code: c for c in Country.objects.all()}
    created = updated = 0
    for row in _iso_countries():
        country = existing.get(row["code"])
        if country is None:
            country = Country(**row)
            created += 1
        elif any(getattr(country, k) != v for k, v in row.items()):
            for name, value in row.items():
                setattr(country, name, value)
            updated += 1
        else:
            continue
        # The codes come from ISO itself; checking their uniqueness row by row would only
        # cost a query per country.
        country.full_clean(validate_unique=False)
        country.save()
    counts = {"created": created, "updated": updated, "total": len(existing) + created}
    if created or updated:
        audit.record(
            AuditAction.IMPORT,
            actor=actor,
            object_type="partners.country",
            object_repr=f"ISO 3166-1: {created} created, {updated} updated",
            changes=counts,
            actor_label="" if actor else "sync_countries",
        )
    return counts


# Bulk import ------------------------------------------------------------------------------


def check_import_columns(table: list[dict[str, str]]) -> None:
    """Refuses a file whose header lacks a required column or has one we would ignore."""
    if not table:
        return
    header = set(table[0])
    missing = [c for c in IMPORT_REQUIRED_COLUMNS if c not in header]
    unknown = sorted(h for h in header - set(IMPORT_COLUMNS) if h)
    if missing:
        raise ImportFileError(
            _("The file lacks the columns: %(cols)s.") % {"cols": ", ".join(missing)}
        )
    if unknown:
        raise ImportFileError(
            _("Unknown columns: %(cols)s. The columns are: %(all)s.")
            % {"cols": ", ".join(unknown), "all": ", ".join(IMPORT_COLUMNS)}
        )


@transaction.atomic
def partner_bodies_import(*, actor: User, table: list[dict[str, str]]) -> ImportResult:
    """Creates every row of the table or none; one IMPORT entry names the bodies created."""
    require(actor, Perm.MANAGE_DIRECTORY)
    check_import_columns(table)
    created: list[PartnerBody] = []

    def save_row(data: dict) -> None:
        created.append(_body_save_new(data))

    countries = {c.code: c for c in Country.objects.all()}
    result = run_import(
        table,
        row_form=PartnerBodyImportRowForm,
        save_row=save_row,
        form_kwargs={"countries": countries},
    )
    if result.ok:
        audit.record(
            AuditAction.IMPORT,
            actor=actor,
            object_type="partners.partnerbody",
            object_repr=f"{result.created} partner bodies",
            changes={"created": result.created, "ids": [b.pk for b in created]},
        )
    return result
