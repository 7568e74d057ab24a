"""The directory's API: the same rights and rules as the pages, answers always in JSON."""

import json

import pytest
from django.test import Client

from liaison.core import services as core_services
from liaison.core.choices import AuditAction
from liaison.core.models import AuditEvent
from liaison.partners.models import Contact, PartnerBody

API = "/api/v1/partners"


def post_json(client, url, data, method="post"):
    return getattr(client, method)(url, data=json.dumps(data), content_type="application/json")


def test_anonymous_caller_gets_401(directory):
    for url in (f"{API}/bodies", f"{API}/countries", f"{API}/contacts/1"):
        response = Client().get(url)
        assert response.status_code == 401, url
        assert "detail" in response.json()


def test_the_body_list_is_paginated_and_filtered(personas, directory, client_for):
    client = client_for(personas.requester)
    page = client.get(f"{API}/bodies?limit=2").json()
    assert page["count"] == 4
    assert [b["name_en"] for b in page["items"]] == [
        "Anti-Human Trafficking Department",
        "Cambodian National Police",
    ]
    assert [b["name_en"] for b in client.get(f"{API}/bodies?country=th").json()["items"]] == [
        "Royal Thai Police"
    ]
    io = client.get(f"{API}/bodies?kind=international_organisation&q=ICPO").json()["items"]
    assert [(b["name_en"], b["country"]) for b in io] == [("INTERPOL", None)]


def test_a_partner_liaison_lists_only_their_own_body(personas, directory, client_for):
    page = client_for(personas.partner).get(f"{API}/bodies").json()
    assert [b["id"] for b in page["items"]] == [directory.cnp.pk]


def test_a_body_reads_with_its_country_code(personas, directory, client_for):
    body = client_for(personas.requester).get(f"{API}/bodies/{directory.cnp_unit.pk}").json()
    assert (body["name_en"], body["country"], body["parent_id"]) == (
        "Anti-Human Trafficking Department",
        "KH",
        directory.cnp.pk,
    )


@pytest.mark.parametrize(
    ("who", "path"),
    [
        ("admin", "/bodies/999999"),
        ("partner", "/bodies/{thai}"),
        ("admin", "/contacts/999999"),
        ("admin", "/countries/ZZ"),
    ],
)
def test_unknown_or_out_of_scope_records_answer_404(personas, directory, client_for, who, path):
    response = client_for(getattr(personas, who)).get(
        API + path.format(thai=directory.thai_police.pk)
    )
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found, or not visible to you."}


def test_the_auditor_may_not_read_the_directory(personas, directory, client_for):
    assert client_for(personas.auditor).get(f"{API}/bodies").status_code == 403


def test_a_manager_creates_a_body_and_the_audit_row_is_written(personas, directory, client_for):
    response = post_json(
        client_for(personas.ico),
        f"{API}/bodies",
        {
            "kind": "police",
            "name_en": "Lao Police",
            "country": "kh",
            "phone": "+856 21 212 703",
            "parent_id": None,
        },
    )
    assert response.status_code == 201
    body = PartnerBody.objects.get(name_en="Lao Police")
    assert response.json()["id"] == body.pk
    assert (body.country_id, body.phone) == ("KH", "+85621212703")
    entry = AuditEvent.objects.get(action=AuditAction.CREATE)
    assert (entry.actor, entry.object_type, entry.object_id) == (
        personas.ico,
        "partners.partnerbody",
        str(body.pk),
    )


def test_requester_cannot_create_a_body(personas, directory, client_for):
    response = post_json(
        client_for(personas.requester),
        f"{API}/bodies",
        {"kind": "police", "name_en": "Lao Police", "country": "KH"},
    )
    assert response.status_code == 403
    assert not PartnerBody.objects.filter(name_en="Lao Police").exists()


@pytest.mark.parametrize(
    ("payload", "fields"),
    [
        ({"kind": "spies", "name_en": "Shadow"}, {"kind"}),
        ({"kind": "police"}, {"name_en"}),
        ({"kind": "police", "name_en": "Lao Police"}, {"country"}),
        ({"kind": "police", "name_en": "Lao Police", "country": "XX"}, {"country"}),
        (
            {
                "kind": "police",
                "name_en": "Lao Police",
                "country": "KH",
                "email": "nope",
                "phone": "+856 21 212 703",
            },
            {"email"},
        ),
        ({"kind": "police", "name_en": "Lao Police", "country": "KH", "phone": "call"}, {"phone"}),
        (
            {"kind": "police", "name_en": "Lao Police", "country": "KH", "parent_id": 999999},
            {"parent"},
        ),
    ],
)
def test_an_invalid_body_answers_422_with_the_field_names(
    personas, directory, client_for, payload, fields
):
    response = post_json(client_for(personas.ico), f"{API}/bodies", payload)
    assert response.status_code == 422
    assert {error["field"] for error in response.json()["errors"]} == fields
    assert not PartnerBody.objects.filter(name_en="Lao Police").exists()


def test_broken_json_answers_400(personas, directory, client_for):
    response = client_for(personas.ico).post(
        f"{API}/bodies", data="{kind: police", content_type="application/json"
    )
    assert response.status_code == 400
    assert "detail" in response.json()


def test_a_patch_changes_only_the_fields_sent(personas, directory, client_for):
    body = directory.thai_police
    response = post_json(
        client_for(personas.ico),
        f"{API}/bodies/{body.pk}",
        {"abbreviation": "RTP-HQ"},
        method="patch",
    )
    assert response.status_code == 200
    assert (response.json()["abbreviation"], response.json()["name_ko"]) == (
        "RTP-HQ",
        "태국 왕립경찰",
    )
    entry = AuditEvent.objects.get(action=AuditAction.UPDATE)
    assert entry.changes == {"abbreviation": {"before": "RTP", "after": "RTP-HQ"}}


def test_a_patch_cannot_blank_a_required_field(personas, directory, client_for):
    response = post_json(
        client_for(personas.ico),
        f"{API}/bodies/{directory.cnp.pk}",
        {"name_en": None},
        method="patch",
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["name_en"]


def test_a_patch_of_an_unknown_body_answers_404(personas, directory, client_for):
    response = post_json(
        client_for(personas.ico), f"{API}/bodies/999999", {"notes": "x"}, method="patch"
    )
    assert response.status_code == 404


def test_a_body_is_deactivated_with_a_reason(personas, directory, client_for):
    response = post_json(
        client_for(personas.ico),
        f"{API}/bodies/{directory.interpol.pk}/deactivate",
        {"reason": "test"},
    )
    assert response.status_code == 200 and response.json()["is_active"] is False


def test_countries_are_listed_and_one_reads_with_its_bodies(personas, directory, client_for):
    client = client_for(personas.requester)
    assert [c["code"] for c in client.get(f"{API}/countries").json()] == ["KH", "TH"]
    kh = client.get(f"{API}/countries/kh").json()
    assert (kh["name_ko"], [b["name_en"] for b in kh["bodies"]]) == (
        "캄보디아",
        ["Anti-Human Trafficking Department", "Cambodian National Police"],
    )


def test_reading_a_contact_is_audited_like_the_page(personas, directory, client_for):
    contact = directory.thai_contact
    response = client_for(personas.overseas).get(f"{API}/contacts/{contact.pk}")
    assert response.status_code == 200
    assert (response.json()["full_name"], response.json()["phone"]) == (
        "Somchai Prasert",
        "+66812345678",
    )
    entry = AuditEvent.objects.get(action=AuditAction.VIEW)
    assert (entry.actor, entry.object_type, entry.object_id) == (
        personas.overseas,
        "partners.contact",
        str(contact.pk),
    )


def test_the_contact_list_is_not_for_requesters(personas, directory, client_for):
    assert client_for(personas.requester).get(f"{API}/contacts").status_code == 403
    page = client_for(personas.overseas).get(f"{API}/contacts?country=KH").json()
    assert [c["full_name"] for c in page["items"]] == ["Sok Dara"]


def test_a_manager_creates_and_patches_a_contact(personas, directory, client_for):
    client = client_for(personas.ico)
    created = post_json(
        client,
        f"{API}/contacts",
        {
            "partner_body_id": directory.cnp.pk,
            "full_name": "Chan Vuthy",
            "post": "Deputy Director",
            "phone": "012 345 679",
            "in_post_since": "2024-03-01",
        },
    )
    assert created.status_code == 201
    contact_id = created.json()["id"]
    assert created.json()["phone"] == "+85512345679"
    patched = post_json(
        client, f"{API}/contacts/{contact_id}", {"left_post_on": "2025-06-30"}, method="patch"
    )
    assert patched.status_code == 200 and patched.json()["is_current"] is False
    actions = list(
        AuditEvent.objects.filter(object_type="partners.contact")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [AuditAction.CREATE, AuditAction.UPDATE]


def test_an_invalid_contact_answers_422_naming_the_fields(personas, directory, client_for):
    response = post_json(
        client_for(personas.ico),
        f"{API}/contacts",
        {
            "partner_body_id": directory.cnp.pk,
            "full_name": "Chan Vuthy",
            "post": "Director",
            "in_post_since": "2025-01-01",
            "left_post_on": "2024-01-01",
        },
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["left_post_on"]
    assert not Contact.objects.filter(full_name="Chan Vuthy").exists()


def test_an_api_token_works_without_a_session(personas, directory):
    _token, raw = core_services.api_token_create(actor=personas.ico, name="reporting")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.get(f"{API}/bodies").json()["count"] == 4
    response = post_json(
        client, f"{API}/bodies", {"kind": "international_organisation", "name_en": "UNODC"}
    )
    assert response.status_code == 201
