"""The country pages: every ISO country, and the partner bodies in each."""

from django.urls import reverse

from liaison.partners.services import countries_sync

LIST = reverse("partners:country_list")


def test_countries_are_searched_in_english_korean_and_by_code(personas, directory, client_for):
    countries_sync()
    client = client_for(personas.requester)
    for query in ("q=캄보디아", "q=cambodia", "q=KHM"):
        page = client.get(f"{LIST}?{query}").context["listing"].page
        assert [c.code for c in page] == ["KH"], query


def test_the_country_list_counts_partner_bodies(personas, directory, client_for):
    countries_sync()
    response = client_for(personas.requester).get(f"{LIST}?partners=yes&sort=-body_count")
    assert [(c.code, c.body_count) for c in response.context["listing"].page] == [
        ("KH", 2),
        ("TH", 1),
    ]
    assert response.context["listing"].total == 2


def test_a_country_page_lists_its_bodies(personas, directory, client_for):
    response = client_for(personas.requester).get(reverse("partners:country_detail", args=["kh"]))
    assert [b.name_en for b in response.context["bodies"]] == [
        "Anti-Human Trafficking Department",
        "Cambodian National Police",
    ]
