"""Every page of the directory, four ways: nobody signed in, a role without the right,
a role with it, and a record outside the person's scope."""

import pytest
from django.urls import reverse

PAGES = [
    # (name, arguments built from the directory, a role refused, a role admitted)
    ("partners:body_list", lambda d: [], "auditor", "requester"),
    ("partners:body_detail", lambda d: [d.cnp.pk], "auditor", "partner"),
    ("partners:body_create", lambda d: [], "requester", "ico"),
    ("partners:body_edit", lambda d: [d.cnp.pk], "overseas", "ico"),
    ("partners:body_import", lambda d: [], "analyst", "ico"),
    ("partners:contact_list", lambda d: [], "requester", "overseas"),
    ("partners:contact_detail", lambda d: [d.cnp_contact.pk], "partner", "commissioner"),
    ("partners:contact_create", lambda d: [], "commissioner", "admin"),
    ("partners:contact_edit", lambda d: [d.cnp_contact.pk], "overseas", "ico"),
    ("partners:country_list", lambda d: [], "auditor", "partner"),
    ("partners:country_detail", lambda d: ["KH"], "auditor", "analyst"),
]
NAMES = [page[0] for page in PAGES]


@pytest.mark.parametrize(("name", "args", "refused", "admitted"), PAGES, ids=NAMES)
def test_anonymous_visitor_is_sent_to_sign_in(client, directory, name, args, refused, admitted):
    url = reverse(name, args=args(directory))
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:login"))


@pytest.mark.parametrize(("name", "args", "refused", "admitted"), PAGES, ids=NAMES)
def test_a_role_without_the_right_is_refused(
    personas, directory, client_for, name, args, refused, admitted
):
    response = client_for(getattr(personas, refused)).get(reverse(name, args=args(directory)))
    assert response.status_code == 403


@pytest.mark.parametrize(("name", "args", "refused", "admitted"), PAGES, ids=NAMES)
def test_a_role_with_the_right_sees_the_page(
    personas, directory, client_for, name, args, refused, admitted
):
    response = client_for(getattr(personas, admitted)).get(reverse(name, args=args(directory)))
    assert response.status_code == 200
    assert response.context["active_nav"] == "partners"


def test_partner_liaison_cannot_open_another_partner_body(personas, directory, client_for):
    url = reverse("partners:body_detail", args=[directory.thai_police.pk])
    assert client_for(personas.partner).get(url).status_code == 404


def test_partner_liaison_sees_only_their_own_body_in_the_list(personas, directory, client_for):
    response = client_for(personas.partner).get(reverse("partners:body_list"))
    assert [b.name_en for b in response.context["listing"].page] == ["Cambodian National Police"]


def test_partner_liaison_sees_no_other_body_on_a_country_page(personas, directory, client_for):
    response = client_for(personas.partner).get(reverse("partners:country_detail", args=["TH"]))
    assert response.status_code == 200
    assert list(response.context["bodies"]) == []


def test_partner_liaison_counts_only_their_own_body_per_country(personas, directory, client_for):
    response = client_for(personas.partner).get(reverse("partners:country_list") + "?partners=yes")
    assert [(c.code, c.body_count) for c in response.context["listing"].page] == [("KH", 1)]


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("partners:body_detail", [999999]),
        ("partners:body_edit", [999999]),
        ("partners:contact_detail", [999999]),
        ("partners:contact_edit", [999999]),
        ("partners:country_detail", ["ZZ"]),
        ("partners:import_report", ["0" * 32]),
    ],
)
def test_an_unknown_record_is_not_found(personas, directory, client_for, name, args):
    assert client_for(personas.admin).get(reverse(name, args=args)).status_code == 404


def test_requester_cannot_see_contacts_on_a_body_page(personas, directory, client_for):
    response = client_for(personas.requester).get(
        reverse("partners:body_detail", args=[directory.cnp.pk])
    )
    assert response.status_code == 200
    assert list(response.context["contacts"]) == []
    assert "Sok Dara" not in response.content.decode()


def test_overseas_officer_sees_the_contacts_of_a_body(personas, directory, client_for):
    response = client_for(personas.overseas).get(
        reverse("partners:body_detail", args=[directory.cnp.pk])
    )
    assert "Sok Dara" in response.content.decode()
    assert [u.name_en for u in response.context["units"]] == ["Anti-Human Trafficking Department"]


def test_changing_the_status_of_a_body_needs_the_right_to_manage(personas, directory, client_for):
    url = reverse("partners:body_status", args=[directory.thai_police.pk])
    response = client_for(personas.overseas).post(url, {"action": "deactivate", "reason": "x"})
    assert response.status_code == 403
    directory.thai_police.refresh_from_db()
    assert directory.thai_police.is_active
