"""The country list comes from ISO 3166-1 (pycountry) with Korean names from CLDR (babel)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from liaison.core.choices import AuditAction
from liaison.core.models import AuditEvent
from liaison.core.tests.factories import CountryFactory
from liaison.partners.models import Country
from liaison.partners.services import countries_sync


def test_sync_loads_every_iso_country_with_its_korean_name(db):
    counts = countries_sync()
    assert counts == {"created": 249, "updated": 0, "total": 249}
    korea = Country.objects.get(code="KR")
    assert (korea.alpha3, korea.numeric, korea.name_en, korea.name_ko) == (
        "KOR",
        "410",
        "South Korea",
        "대한민국",
    )
    assert Country.objects.get(code="KH").name_ko == "캄보디아"
    assert Country.objects.get(code="LA").name_en == "Laos"


def test_a_second_sync_changes_nothing_and_records_nothing(db):
    countries_sync()
    entries = AuditEvent.objects.count()
    assert countries_sync() == {"created": 0, "updated": 0, "total": 249}
    assert AuditEvent.objects.count() == entries


def test_sync_corrects_a_country_edited_by_hand(db):
    CountryFactory(code="KH", name_ko="캄보디아 왕국")
    counts = countries_sync()
    assert (counts["created"], counts["updated"]) == (248, 1)
    assert Country.objects.get(code="KH").name_ko == "캄보디아"


def test_sync_records_one_import_entry(db):
    countries_sync()
    entry = AuditEvent.objects.get(action=AuditAction.IMPORT)
    assert (entry.actor, entry.actor_label, entry.object_type) == (
        None,
        "sync_countries",
        "partners.country",
    )
    assert entry.changes == {"created": 249, "updated": 0, "total": 249}


def test_a_person_may_sync_only_with_the_right_to_manage_the_directory(personas):
    with pytest.raises(PermissionDenied):
        countries_sync(actor=personas.requester)
    assert countries_sync(actor=personas.ico)["total"] == 249


def test_the_command_reports_what_it_did(db, capsys):
    call_command("sync_countries")
    assert "249 created, 0 updated, 249 in all" in capsys.readouterr().out
