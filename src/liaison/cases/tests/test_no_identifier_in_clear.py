"""No passport or ID number in clear outside its cipher: not in the identifiers' table, the
case's search column, the audit trail or the access log, and never in an address; exact
search still finds it, by POST. Suspects' numbers are sealed as victims' passports are,
and those recorded in clear before are sealed by a migration."""

import importlib
import json
import logging

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse

from liaison.cases import protect
from liaison.cases.choices import IdentifierKind
from liaison.cases.models import Case, Identifier
from liaison.cases.services import people, search
from liaison.core.choices import AuditAction
from liaison.core.models import AuditEvent

pytestmark = pytest.mark.django_db

NUMBER = "X9081726"  # a suspect's passport
VICTIM_PASSPORT = "M12345678"  # the victim's, in the cases conftest's report


@pytest.fixture
def suspect(personas, open_case):
    suspect = people.suspect_add(
        actor=personas.overseas, case=open_case, data={"name_latin": "CHEN Wei"}
    )
    people.identifier_add(
        actor=personas.overseas, suspect=suspect, kind=IdentifierKind.PASSPORT, value="x908 1726"
    )
    people.identifier_add(
        actor=personas.overseas, suspect=suspect, kind=IdentifierKind.TELEGRAM, value="@chenwei88"
    )
    return suspect


def table_text(table: str) -> str:
    """Every value of every row of `table`, read with SQL, as one text."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - the table names are ours
        return " ".join(str(value) for row in cursor.fetchall() for value in row)


def in_clear(text: str, number: str) -> bool:
    return number.lower() in text.lower() or number.lower() in text.lower().replace(" ", "")


def test_a_suspects_passport_is_sealed_hashed_and_masked(suspect, open_case):
    for table in ("cases_identifier", "cases_case", "core_auditevent"):
        assert not in_clear(table_text(table), NUMBER), table
    identifier = suspect.identifiers.get(kind=IdentifierKind.PASSPORT)
    assert identifier.passport_ciphertext.startswith("a256gcm1:k1:")
    assert identifier.passport_number() == NUMBER
    assert identifier.value == "••••••26" and identifier.key == ""
    assert list(Case.objects.filter(search.matching("chenwei88"))) == [open_case]
    assert list(Case.objects.filter(search.by_passport("X90817 26"))) == [open_case]
    assert not Case.objects.filter(search.matching(NUMBER)).exists()  # q never finds it


def test_the_same_number_twice_for_one_suspect_is_refused(suspect, personas):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="already recorded"):
        people.identifier_add(
            actor=personas.overseas, suspect=suspect, kind=IdentifierKind.PASSPORT, value=NUMBER
        )


def test_numbers_recorded_in_clear_before_are_sealed_by_the_migration(suspect, open_case):
    identifier = suspect.identifiers.get(kind=IdentifierKind.PASSPORT)
    # As the table held it before: the number in clear and in the case's search column.
    Identifier.objects.filter(pk=identifier.pk).update(
        value=NUMBER, key=NUMBER.lower(), passport_ciphertext="", passport_hash=""
    )
    Case.objects.filter(pk=open_case.pk).update(
        search_keys=f"{open_case.search_keys} {NUMBER.lower()}"
    )
    migration = importlib.import_module("liaison.cases.migrations.0011_seal_identifier_documents")
    migration.seal_documents(apps, None)
    assert not in_clear(table_text("cases_identifier"), NUMBER)
    assert not in_clear(table_text("cases_case"), NUMBER)
    identifier.refresh_from_db()
    assert identifier.passport_number() == NUMBER and identifier.value == "••••••26"
    assert list(Case.objects.filter(search.by_passport(NUMBER))) == [open_case]


def everything_logged(caplog) -> str:
    return " ".join(json.dumps(r.__dict__, default=str) for r in caplog.records)


def test_a_passport_search_by_api_leaves_the_number_nowhere(
    suspect, open_case, personas, client_for, caplog
):
    caplog.set_level(logging.DEBUG)
    client = client_for(personas.ico)
    response = client.post(
        "/api/v1/cases/search",
        {"passport": NUMBER, "status": ""},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert [item["id"] for item in response.json()["items"]] == [open_case.pk]
    assert not in_clear(table_text("core_auditevent"), NUMBER)
    assert "passport=••••••26 (hmac k1:" in table_text("core_auditevent")
    assert not in_clear(everything_logged(caplog), NUMBER)
    assert '"path": "/api/v1/cases/search"' in everything_logged(caplog)


def test_a_passport_in_an_api_address_is_refused_with_where_to_send_it(personas, client_for):
    response = client_for(personas.ico).get("/api/v1/cases/", {"passport": NUMBER})
    assert response.status_code == 422
    assert "POST /api/v1/cases/search" in response.json()["errors"][0]["message"]


def test_a_passport_search_on_the_page_is_a_post_and_its_results_have_no_number(
    suspect, open_case, personas, client_for, caplog
):
    caplog.set_level(logging.DEBUG)
    client = client_for(personas.overseas)
    response = client.post(reverse("cases:passport_search"), {"passport": "x9081726"})
    assert response.status_code == 302 and not in_clear(response.url, NUMBER)
    page = client.get(response.url)
    assert [case.reference for case in page.context["listing"].page] == [open_case.reference]
    assert "••••••26" in page.content.decode()
    for link in (
        page.context["listing"].export_link_csv,
        page.context["save_form"]["query"].value(),
    ):
        assert not in_clear(link, NUMBER)
    assert not in_clear(table_text("core_auditevent"), NUMBER)
    assert not in_clear(table_text("django_session"), NUMBER)
    assert not in_clear(everything_logged(caplog), NUMBER)


def test_a_passport_search_kept_in_another_session_is_not_found(suspect, personas, client_for):
    url = (
        client_for(personas.overseas)
        .post(reverse("cases:passport_search"), {"passport": NUMBER})
        .url
    )
    page = client_for(personas.ico).get(url)
    assert page.context["listing"].total == 0
    assert "no longer kept" in page.content.decode()


def test_a_name_or_phone_searched_is_recorded_masked_with_its_keyed_hash(
    open_case, personas, client_for, caplog
):
    caplog.set_level(logging.DEBUG)
    client = client_for(personas.ico)
    response = client.get("/api/v1/cases/", {"q": "+855 12 345 678"})
    assert response.json()["count"] == 1
    client.get(reverse("cases:list"), {"q": "012 345 678", "export": "csv"})
    searches = AuditEvent.objects.filter(action__in=[AuditAction.VIEW, AuditAction.EXPORT])
    reasons = [event.reason for event in searches.filter(actor=personas.ico)]
    assert len(reasons) == 2
    for reason in reasons:
        assert "345" not in reason and "q=•" in reason and "(hmac k1:" in reason
    assert "345" not in everything_logged(caplog)  # no query string in the access log


def test_the_audit_entry_of_a_suspects_number_is_masked(suspect):
    created = AuditEvent.objects.get(object_type="cases.identifier", object_repr__contains="26")
    assert created.object_repr == "Passport / ID number ••••••26"
    assert NUMBER not in json.dumps(created.changes)
    assert protect.blind_index(NUMBER) not in json.dumps(created.changes)


def test_a_suspects_number_is_shown_masked_and_in_clear_only_on_request_recorded(
    suspect, open_case, personas, client_for
):
    client = client_for(personas.overseas)
    page = client.get(reverse("cases:detail", args=[open_case.pk]), {"tab": "people"})
    assert "••••••26" in page.content.decode() and NUMBER not in page.content.decode()
    identifier = suspect.identifiers.get(kind=IdentifierKind.PASSPORT)
    url = reverse("cases:passport", args=[open_case.pk, "identifier", identifier.pk])
    shown = client.post(url, HTTP_HX_REQUEST="true")
    assert shown.status_code == 200 and NUMBER in shown.content.decode()
    event = AuditEvent.objects.get(action=AuditAction.VIEW, object_type="cases.identifier")
    assert event.object_id == str(identifier.pk) and NUMBER not in event.object_repr
    assert client_for(personas.commissioner).post(url).status_code == 403
