"""An analyst works with facts and figures only: no search by name, passport, phone or
other identifier on the case list page or the API, each refused with a clear message and
finding nothing; the filters by fact (place, country, category, dates) still work."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

REFUSAL = "Your role works with facts and figures only"


@pytest.mark.parametrize("query", ["M12345678", "김민준", "KIM Minjun", "+855 12 345 678"])
def test_the_analysts_search_by_a_person_is_refused_by_the_api(
    open_case, personas, client_for, query
):
    response = client_for(personas.analyst).get("/api/v1/cases/", {"q": query, "status": ""})
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["field"] == "q" and REFUSAL in error["message"]


@pytest.mark.parametrize("query", ["김민준", "Kim Minjun", "012 345 678", "M12345678"])
def test_the_analysts_search_by_a_person_on_the_page_finds_nothing_and_says_why(
    open_case, personas, client_for, query
):
    response = client_for(personas.analyst).get(
        reverse("cases:list"), {"q": query, "status": "all"}
    )
    assert response.status_code == 200
    assert response.context["listing"].total == 0
    page = response.content.decode()
    assert REFUSAL in page and open_case.reference not in page


def test_the_analysts_list_offers_no_search_box_but_filters_by_facts(
    open_case, personas, client_for
):
    client = client_for(personas.analyst)
    page = client.get(reverse("cases:list")).content.decode()
    assert 'type="text" name="q"' not in page and 'id="passport-search"' not in page
    by_place = client.get(reverse("cases:list"), {"place": "Sihanoukville", "status": "all"})
    assert [c.reference for c in by_place.context["listing"].page] == [open_case.reference]
    api = client.get("/api/v1/cases/", {"country": "KH", "status": ""}).json()
    assert [item["id"] for item in api["items"]] == [open_case.pk]


def test_the_analysts_passport_search_is_refused(open_case, personas, client_for):
    client = client_for(personas.analyst)
    api = client.post(
        "/api/v1/cases/search", {"passport": "M12345678"}, content_type="application/json"
    )
    assert api.status_code == 403
    page = client.post(reverse("cases:passport_search"), {"passport": "M12345678"})
    assert page.status_code == 403


def test_the_commissioners_office_still_searches_by_name(open_case, personas, client_for):
    response = client_for(personas.commissioner).get(
        reverse("cases:list"), {"q": "Kim Minjun", "status": "all"}
    )
    assert [c.reference for c in response.context["listing"].page] == [open_case.reference]
