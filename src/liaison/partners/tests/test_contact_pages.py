"""Contacts are personal data: listed for roles that need them, each opened record audited."""

import pytest
from django.urls import reverse

from liaison.core.choices import AuditAction
from liaison.core.models import AuditEvent
from liaison.core.tests.factories import ContactFactory
from liaison.partners.models import Contact

LIST = reverse("partners:contact_list")


def names(response):
    return [contact.full_name for contact in response.context["listing"].page]


def test_the_contact_list_shows_people_in_post(personas, directory, client_for):
    ContactFactory(
        partner_body=directory.cnp, full_name="Former Officer", left_post_on="2023-12-31"
    )
    client = client_for(personas.overseas)
    assert names(client.get(LIST)) == ["Sok Dara", "Somchai Prasert"]
    assert names(client.get(f"{LIST}?status=former")) == ["Former Officer"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=somchai", ["Somchai Prasert"]),
        ("q=RTP", ["Somchai Prasert"]),
        ("country=KH", ["Sok Dara"]),
    ],
)
def test_the_contact_list_searches_and_filters(personas, directory, client_for, query, expected):
    assert names(client_for(personas.ico).get(f"{LIST}?{query}")) == expected


def test_listing_contacts_is_one_look_at_the_list_not_a_view_of_each_record(
    personas, directory, client_for
):
    client_for(personas.ico).get(LIST)
    look = AuditEvent.objects.get(action=AuditAction.VIEW)
    assert (look.object_type, look.object_id, look.reason) == (
        "partners.contact",
        "",
        "filters: none",
    )


def test_opening_a_contact_records_a_view_of_personal_data(personas, directory, client_for):
    contact = directory.cnp_contact
    response = client_for(personas.overseas).get(
        reverse("partners:contact_detail", args=[contact.pk]),
        headers={"X-Request-ID": "req-contact-view-1"},
    )
    assert response.status_code == 200
    entry = AuditEvent.objects.get(action=AuditAction.VIEW)
    assert (
        entry.actor,
        entry.actor_role,
        entry.object_type,
        entry.object_id,
        entry.object_repr,
        entry.request_id,
        entry.changes,
    ) == (
        personas.overseas,
        "overseas_officer",
        "partners.contact",
        str(contact.pk),
        "Sok Dara",
        "req-contact-view-1",
        {},
    )


def test_a_refused_contact_view_records_the_refusal_not_a_view(personas, directory, client_for):
    client_for(personas.requester).get(
        reverse("partners:contact_detail", args=[directory.cnp_contact.pk])
    )
    assert not AuditEvent.objects.filter(action=AuditAction.VIEW).exists()
    assert AuditEvent.objects.get(action=AuditAction.ACCESS_DENIED).actor == personas.requester


def test_a_manager_adds_a_contact_to_a_body(personas, directory, client_for):
    client = client_for(personas.ico)
    form_page = client.get(reverse("partners:contact_create") + f"?body={directory.cnp.pk}")
    assert form_page.context["form"]["partner_body"].value() == str(directory.cnp.pk)
    response = client.post(
        reverse("partners:contact_create"),
        {
            "partner_body": directory.cnp.pk,
            "full_name": "Chan Vuthy",
            "post": "Deputy Director",
            "phone": "012 345 679",
            "in_post_since": "2024-03-01",
        },
    )
    contact = Contact.objects.get(full_name="Chan Vuthy")
    assert response.status_code == 302
    assert response["Location"] == reverse("partners:contact_detail", args=[contact.pk])
    assert contact.phone == "+85512345679"
    entry = AuditEvent.objects.get(action=AuditAction.CREATE)
    assert (entry.actor, entry.object_type, entry.object_id) == (
        personas.ico,
        "partners.contact",
        str(contact.pk),
    )


def test_an_invalid_contact_answers_400_with_field_errors(personas, directory, client_for):
    response = client_for(personas.ico).post(
        reverse("partners:contact_create"),
        {
            "partner_body": directory.cnp.pk,
            "full_name": "Chan Vuthy",
            "post": "",
            "phone": "not a number",
        },
    )
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"post"}
    response = client_for(personas.ico).post(
        reverse("partners:contact_create"),
        {
            "partner_body": directory.cnp.pk,
            "full_name": "Chan Vuthy",
            "post": "Director",
            "phone": "not a number",
        },
    )
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"phone"}
    assert not Contact.objects.filter(full_name="Chan Vuthy").exists()


def test_editing_a_contact_records_the_change(personas, directory, client_for):
    contact = directory.cnp_contact
    response = client_for(personas.ico).post(
        reverse("partners:contact_edit", args=[contact.pk]),
        {
            "partner_body": directory.cnp.pk,
            "full_name": "Sok Dara",
            "rank": contact.rank,
            "post": "Director General of Foreign Affairs",
            "email": contact.email,
            "phone": contact.phone,
        },
    )
    assert response.status_code == 302
    entry = AuditEvent.objects.get(action=AuditAction.UPDATE)
    assert entry.changes == {
        "post": {
            "before": "Director of International Cooperation",
            "after": "Director General of Foreign Affairs",
        }
    }


def test_the_contact_list_query_count_does_not_grow_with_the_rows(
    personas, directory, client_for, django_assert_max_num_queries
):
    ContactFactory.create_batch(20, partner_body=directory.thai_police)
    client = client_for(personas.ico)
    with django_assert_max_num_queries(18):  # the look recorded too, chained after the head
        response = client.get(LIST)
    assert len(names(response)) == 22
