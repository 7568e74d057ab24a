"""The directory's writes: who may make them, what they check, and the audit row each writes."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from liaison.core.choices import AuditAction
from liaison.core.models import AuditEvent
from liaison.core.tests.factories import ContactFactory
from liaison.partners import services
from liaison.partners.choices import PartnerKind
from liaison.partners.models import Contact, PartnerBody


def test_creating_a_body_writes_one_create_entry_with_every_field(personas, thailand, last_audit):
    with translation.override("en"):  # the record's label is in the language in use
        body = services.partner_body_create(
            actor=personas.ico,
            kind=PartnerKind.POLICE,
            name_en="  Royal Thai Police ",
            name_ko="태국 왕립경찰",
            abbreviation="RTP",
            country=thailand,
            website="https://www.royalthaipolice.go.th",
            phone="02 205 1000",
        )
    entry = last_audit()
    assert (entry.action, entry.actor, entry.actor_role) == (
        AuditAction.CREATE,
        personas.ico,
        "ico_officer",
    )
    assert (entry.object_type, entry.object_id, entry.object_repr) == (
        "partners.partnerbody",
        str(body.pk),
        "Royal Thai Police",
    )
    # Empty text fields differ from "no value before"; only the null parent is left out.
    assert entry.changes == {
        "id": {"before": None, "after": body.pk},
        "is_illustrative": {"before": None, "after": False},
        "kind": {"before": None, "after": "police"},
        "name_en": {"before": None, "after": "Royal Thai Police"},
        "name_ko": {"before": None, "after": "태국 왕립경찰"},
        "name_local": {"before": None, "after": ""},
        "abbreviation": {"before": None, "after": "RTP"},
        "country_id": {"before": None, "after": "TH"},
        "website": {"before": None, "after": "https://www.royalthaipolice.go.th"},
        "email": {"before": None, "after": ""},
        "phone": {"before": None, "after": "+6622051000"},
        "address": {"before": None, "after": ""},
        "notes": {"before": None, "after": ""},
        "is_active": {"before": None, "after": True},
    }


def test_updating_a_body_records_only_what_changed(personas, directory, last_audit):
    services.partner_body_update(
        actor=personas.ico,
        body=directory.thai_police,
        name_en="Royal Thai Police",
        abbreviation="RTP-HQ",
        notes="Counterpart of the Korean Desk",
    )
    entry = last_audit()
    assert (entry.action, entry.actor, entry.object_id) == (
        AuditAction.UPDATE,
        personas.ico,
        str(directory.thai_police.pk),
    )
    assert entry.changes == {
        "abbreviation": {"before": "RTP", "after": "RTP-HQ"},
        "notes": {"before": "", "after": "Counterpart of the Korean Desk"},
    }


def test_an_update_that_changes_nothing_writes_no_audit_entry(personas, directory):
    before = AuditEvent.objects.count()
    services.partner_body_update(
        actor=personas.ico, body=directory.thai_police, name_en="Royal Thai Police"
    )
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize("who", ["requester", "analyst", "overseas", "partner", "auditor"])
def test_only_directory_managers_may_create_a_body(personas, thailand, who):
    with pytest.raises(PermissionDenied):
        services.partner_body_create(
            actor=getattr(personas, who),
            kind=PartnerKind.POLICE,
            name_en="Royal Thai Police",
            country=thailand,
        )
    assert not PartnerBody.objects.filter(name_en="Royal Thai Police").exists()


def test_a_national_body_without_a_country_is_refused_on_the_country(personas):
    with pytest.raises(ValidationError) as refusal:
        services.partner_body_create(
            actor=personas.ico, kind=PartnerKind.POLICE, name_en="Nameless Police"
        )
    assert set(refusal.value.message_dict) == {"country"}


def test_the_same_name_twice_in_one_country_is_refused_whatever_the_case(personas, directory):
    with pytest.raises(ValidationError) as refusal:
        services.partner_body_create(
            actor=personas.ico,
            kind=PartnerKind.POLICE,
            name_en="ROYAL THAI POLICE",
            country=directory.thai_police.country,
        )
    assert set(refusal.value.message_dict) == {"name_en"}


def test_two_international_organisations_cannot_share_a_name(personas, directory):
    with pytest.raises(ValidationError) as refusal:
        services.partner_body_create(
            actor=personas.ico, name_en="INTERPOL", kind=PartnerKind.INTERNATIONAL_ORGANISATION
        )
    assert set(refusal.value.message_dict) == {"name_en"}


def test_a_body_cannot_become_a_unit_of_its_own_unit(personas, directory):
    with pytest.raises(ValidationError) as refusal:
        services.partner_body_update(
            actor=personas.ico, body=directory.cnp, parent=directory.cnp_unit
        )
    assert "parent" in refusal.value.message_dict


def test_a_unit_must_be_in_the_country_of_its_body(personas, directory):
    with pytest.raises(ValidationError) as refusal:
        services.partner_body_update(
            actor=personas.ico, body=directory.thai_police, parent=directory.cnp
        )
    assert "parent" in refusal.value.message_dict


@pytest.mark.parametrize(
    ("raw", "region", "stored"),
    [
        ("+855 12 345 678", None, "+85512345678"),
        ("012 345 678", "KH", "+85512345678"),
        ("010-1234-5678", "KR", "+821012345678"),
        ("", "KH", ""),
    ],
)
def test_phone_numbers_are_stored_in_e164(raw, region, stored):
    assert services.normalize_phone(raw, region=region) == stored


@pytest.mark.parametrize("raw", ["12345", "call the desk", "+855 00", "012 345 678"])
def test_a_number_that_is_not_a_phone_number_is_refused_with_how_to_write_it(raw):
    # A local number cannot be read without knowing the country: the last case has none.
    with translation.override("en"), pytest.raises(ValidationError) as refusal:
        services.normalize_phone(raw, region=None)
    assert "country code" in refusal.value.message_dict["phone"][0]


def test_a_contact_phone_is_read_as_a_number_of_the_body_country(personas, directory):
    contact = services.contact_create(
        actor=personas.ico,
        partner_body=directory.cnp,
        full_name="Chan Vuthy",
        post="Deputy Director",
        phone="012 345 679",
    )
    assert contact.phone == "+85512345679"


def test_an_old_unchecked_number_does_not_block_other_edits(personas, directory):
    legacy = ContactFactory(partner_body=directory.cnp, phone="+855 23 000 000")
    services.contact_update(
        actor=personas.ico, contact=legacy, phone="+855 23 000 000", post="Director"
    )
    legacy.refresh_from_db()
    assert (legacy.post, legacy.phone) == ("Director", "+855 23 000 000")


def test_creating_a_contact_writes_its_create_entry(personas, directory, last_audit):
    contact = services.contact_create(
        actor=personas.ico,
        partner_body=directory.cnp,
        full_name="Chan Vuthy",
        post="Deputy Director",
        rank="Police Major General",
        email="vuthy@cnp.example",
        in_post_since=datetime.date(2024, 3, 1),
    )
    entry = last_audit()
    assert (entry.action, entry.object_type, entry.object_id, entry.object_repr) == (
        AuditAction.CREATE,
        "partners.contact",
        str(contact.pk),
        "Chan Vuthy",
    )
    assert entry.changes["partner_body_id"] == {"before": None, "after": directory.cnp.pk}
    assert entry.changes["in_post_since"] == {"before": None, "after": "2024-03-01"}
    assert entry.changes["email"] == {"before": None, "after": "vuthy@cnp.example"}
    assert "left_post_on" not in entry.changes


def test_updating_a_contact_records_the_change_of_post(personas, directory, last_audit):
    services.contact_update(
        actor=personas.ico, contact=directory.cnp_contact, left_post_on=datetime.date(2025, 1, 31)
    )
    entry = last_audit()
    assert (entry.action, entry.object_id) == (AuditAction.UPDATE, str(directory.cnp_contact.pk))
    assert entry.changes == {"left_post_on": {"before": None, "after": "2025-01-31"}}


def test_leaving_a_post_before_taking_it_is_refused(personas, directory):
    with pytest.raises(ValidationError) as refusal:
        services.contact_update(
            actor=personas.ico,
            contact=directory.cnp_contact,
            in_post_since=datetime.date(2025, 2, 1),
            left_post_on=datetime.date(2025, 1, 1),
        )
    assert set(refusal.value.message_dict) == {"left_post_on"}


def test_an_overseas_officer_may_read_contacts_but_not_write_them(personas, directory):
    with pytest.raises(PermissionDenied):
        services.contact_create(
            actor=personas.overseas,
            partner_body=directory.cnp,
            full_name="Chan Vuthy",
            post="Deputy Director",
        )
    assert not Contact.objects.filter(full_name="Chan Vuthy").exists()


def test_deactivating_a_body_needs_a_reason_and_records_it(personas, directory, last_audit):
    with pytest.raises(ValidationError):
        services.partner_body_deactivate(actor=personas.ico, body=directory.thai_police, reason=" ")
    services.partner_body_deactivate(
        actor=personas.ico, body=directory.thai_police, reason="Renamed; see the new entry"
    )
    entry = last_audit()
    assert (entry.action, entry.reason, entry.changes) == (
        AuditAction.UPDATE,
        "Renamed; see the new entry",
        {"is_active": {"before": True, "after": False}},
    )


def test_a_body_with_active_units_cannot_be_deactivated(personas, directory):
    with pytest.raises(ValidationError) as refusal:
        services.partner_body_deactivate(
            actor=personas.ico, body=directory.cnp, reason="Reorganised"
        )
    assert "Anti-Human Trafficking Department" in refusal.value.messages[0]
    directory.cnp.refresh_from_db()
    assert directory.cnp.is_active
