"""The partner-body pages: the list with its search, filters and sorting, and the forms."""

import pytest
from django.urls import reverse

from liaison.core.choices import AuditAction
from liaison.core.models import AuditEvent
from liaison.core.tests.factories import PartnerBodyFactory
from liaison.partners.models import PartnerBody

LIST = reverse("partners:body_list")


def names(response):
    return [body.name_en for body in response.context["listing"].page]


def test_the_list_shows_active_bodies_by_english_name(personas, directory, client_for):
    response = client_for(personas.requester).get(LIST)
    assert names(response) == [
        "Anti-Human Trafficking Department",
        "Cambodian National Police",
        "INTERPOL",
        "Royal Thai Police",
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=RTP", ["Royal Thai Police"]),
        ("q=인터폴", ["INTERPOL"]),
        ("q=national police", ["Cambodian National Police"]),
        ("kind=international_organisation", ["INTERPOL"]),
        ("country=KH", ["Anti-Human Trafficking Department", "Cambodian National Police"]),
        ("country=TH&kind=police", ["Royal Thai Police"]),
        (
            "sort=-name_en",
            [
                "Royal Thai Police",
                "INTERPOL",
                "Cambodian National Police",
                "Anti-Human Trafficking Department",
            ],
        ),
    ],
)
def test_the_list_searches_filters_and_sorts(personas, directory, client_for, query, expected):
    assert names(client_for(personas.ico).get(f"{LIST}?{query}")) == expected


def test_inactive_bodies_are_listed_only_when_asked_for(personas, directory, client_for):
    PartnerBody.objects.filter(pk=directory.interpol.pk).update(is_active=False)
    client = client_for(personas.ico)
    assert "INTERPOL" not in names(client.get(LIST))
    assert names(client.get(f"{LIST}?status=inactive")) == ["INTERPOL"]
    assert len(names(client.get(f"{LIST}?status=all"))) == 4


def test_an_unknown_filter_value_is_shown_on_the_form_not_a_crash(personas, directory, client_for):
    response = client_for(personas.ico).get(f"{LIST}?kind=spies")
    assert response.status_code == 200
    assert "kind" in response.context["listing"].form.errors
    assert names(response) == []


def test_htmx_search_gets_only_the_results(personas, directory, client_for):
    response = client_for(personas.ico).get(
        f"{LIST}?q=RTP", headers={"HX-Request": "true", "HX-Target": "list-results"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="list-results"')
    assert "Royal Thai Police" in html and "<nav" not in html


def test_the_list_pages_through_many_bodies(personas, directory, client_for):
    PartnerBodyFactory.create_batch(30, country=directory.thai_police.country)
    client = client_for(personas.ico)
    first, second = client.get(LIST), client.get(f"{LIST}?page=2")
    assert len(names(first)) == 25 and len(names(second)) == 9


def test_the_list_query_count_does_not_grow_with_the_rows(
    personas, directory, client_for, django_assert_max_num_queries
):
    PartnerBodyFactory.create_batch(
        20, country=directory.thai_police.country, parent=directory.thai_police
    )
    client = client_for(personas.ico)
    with django_assert_max_num_queries(10):
        response = client.get(LIST)
    assert response.status_code == 200 and len(names(response)) == 24


def test_a_manager_creates_a_body_and_lands_on_it(personas, directory, client_for):
    response = client_for(personas.ico).post(
        reverse("partners:body_create"),
        {
            "kind": "police",
            "name_en": "Philippine National Police",
            "name_ko": "필리핀 경찰청",
            "abbreviation": "PNP",
            "country": "KH",
            "phone": "+63 2 8723 0401",
            "website": "pnp.gov.ph",
        },
    )
    body = PartnerBody.objects.get(name_en="Philippine National Police")
    assert response.status_code == 302
    assert response["Location"] == reverse("partners:body_detail", args=[body.pk])
    assert (body.phone, body.website) == ("+63287230401", "https://pnp.gov.ph")
    entry = AuditEvent.objects.get(action=AuditAction.CREATE, object_type="partners.partnerbody")
    assert (entry.actor, entry.object_id) == (personas.ico, str(body.pk))


def test_an_invalid_body_form_answers_400_with_errors_on_the_fields(
    personas, directory, client_for
):
    response = client_for(personas.ico).post(
        reverse("partners:body_create"),
        {
            "kind": "police",
            "name_en": "Thai Tourist Police",
            "country": "TH",
            "phone": "call us",
            "email": "not-an-address",
        },
    )
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"email"}  # the form's checks come first
    response = client_for(personas.ico).post(
        reverse("partners:body_create"),
        {
            "kind": "police",
            "name_en": "Thai Tourist Police",
            "country": "TH",
            "phone": "call us",
        },
    )
    form = response.context["form"]
    assert response.status_code == 400
    assert set(form.errors) == {"phone"}
    assert "is-invalid" in form["phone"].field.widget.attrs["class"]
    assert not PartnerBody.objects.filter(name_en="Thai Tourist Police").exists()


def test_a_service_refusal_lands_on_the_field(personas, directory, client_for):
    response = client_for(personas.ico).post(
        reverse("partners:body_create"),
        {"kind": "police", "name_en": "royal thai police", "country": "TH"},
    )
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"name_en"}


def test_editing_a_body_records_the_change(personas, directory, client_for):
    body = directory.thai_police
    response = client_for(personas.ico).post(
        reverse("partners:body_edit", args=[body.pk]),
        {
            "kind": "police",
            "name_en": "Royal Thai Police",
            "name_ko": "태국 왕립경찰",
            "abbreviation": "RTP",
            "country": "TH",
            "email": "foreign@police.go.th",
        },
    )
    assert response.status_code == 302
    entry = AuditEvent.objects.get(action=AuditAction.UPDATE)
    assert entry.changes == {"email": {"before": "", "after": "foreign@police.go.th"}}


def test_a_body_is_deactivated_with_a_reason_and_reactivated(personas, directory, client_for):
    client, body = client_for(personas.ico), directory.thai_police
    url = reverse("partners:body_status", args=[body.pk])
    refused = client.post(url, {"action": "deactivate", "reason": ""})
    assert refused.status_code == 400
    assert set(refused.context["status_form"].errors) == {"reason"}
    assert client.post(url, {"action": "deactivate", "reason": "Merged"}).status_code == 302
    body.refresh_from_db()
    assert not body.is_active
    assert client.post(url, {"action": "reactivate"}).status_code == 302
    body.refresh_from_db()
    assert body.is_active
    changes = AuditEvent.objects.filter(action=AuditAction.UPDATE).order_by("id")
    assert [(e.changes["is_active"]["after"], e.reason) for e in changes] == [
        (False, "Merged"),
        (True, ""),
    ]


def test_a_body_with_active_units_stays_active_and_says_why(personas, directory, client_for):
    response = client_for(personas.ico).post(
        reverse("partners:body_status", args=[directory.cnp.pk]),
        {"action": "deactivate", "reason": "Reorganised"},
    )
    assert response.status_code == 400
    assert "Deactivate its units first" in response.content.decode()
    directory.cnp.refresh_from_db()
    assert directory.cnp.is_active


def test_the_illustrative_badge_marks_demo_records(personas, directory, client_for):
    PartnerBody.objects.filter(pk=directory.interpol.pk).update(is_illustrative=True)
    html = client_for(personas.ico).get(LIST).content.decode()
    assert html.count("illustrative-badge") == 1


def test_the_edit_form_does_not_offer_the_body_or_its_units_as_parent(
    personas, directory, client_for
):
    response = client_for(personas.ico).get(reverse("partners:body_edit", args=[directory.cnp.pk]))
    offered = {body.name_en for body in response.context["form"].fields["parent"].queryset}
    assert offered == {"INTERPOL", "Royal Thai Police"}
