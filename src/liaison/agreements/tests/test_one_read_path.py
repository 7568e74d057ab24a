"""The registry page and `GET /api/v1/agreements/` read agreements through one selector:
the same filters give the same agreements to the same user."""

import pytest
from django.urls import reverse

from liaison.agreements.choices import AgreementStatus
from liaison.core.tests.factories import CountryFactory, PartnerBodyFactory
from liaison.core.tests.read_path import ids_in_api, ids_on_page

from .factories import AgreementFactory

pytestmark = pytest.mark.django_db


def page_agreements(client, params: dict) -> set[int]:
    return ids_on_page(client, reverse("agreements:list"), params, r'data-agreement="(\d+)"')


def api_agreements(client, params: dict) -> set[int]:
    api_params = dict(params)
    if "institution" in api_params:
        api_params["institution_id"] = api_params.pop("institution")
    return ids_in_api(client, "/api/v1/agreements/", api_params)


@pytest.fixture
def registry(institutions, cambodia_police):
    thai = PartnerBodyFactory(
        name_en="Royal Thai Police",
        country=CountryFactory(
            code="TH", alpha3="THA", numeric="764", name_en="Thailand", name_ko="태국"
        ),
    )
    return [
        AgreementFactory(counterpart=cambodia_police, institution=institutions.university),
        AgreementFactory(
            counterpart=cambodia_police,
            institution=institutions.hq,
            status=AgreementStatus.ACTIVE,
            title="MOU on the Joint Task Force against scam compounds",
        ),
        AgreementFactory(counterpart=thai, institution=institutions.seoul),
        AgreementFactory(counterpart=thai, institution=institutions.university, status="submitted"),
    ]


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"status": AgreementStatus.ACTIVE},
        {"country": "TH"},
        {"q": "Joint Task Force"},
        {"scope_area": "information_sharing"},
    ],
    ids=lambda f: "&".join(f"{k}={v}" for k, v in f.items()) or "none",
)
@pytest.mark.parametrize("who", ["ico", "requester"])
def test_the_page_and_the_api_give_the_same_agreements_for_the_same_filters(
    registry, personas, client_for, filters, who
):
    client = client_for(getattr(personas, who))
    on_the_page = page_agreements(client, filters)
    assert on_the_page == api_agreements(client, filters)
    if who == "requester":  # the Police University sees only its own applications
        assert on_the_page <= {registry[0].pk, registry[3].pk}


def test_an_institution_filter_reads_the_institutions_below_it_in_both(
    registry, personas, client_for, institutions
):
    client = client_for(personas.ico)
    headquarters = {"institution": institutions.hq.pk}
    assert page_agreements(client, headquarters) == api_agreements(client, headquarters)
    assert len(page_agreements(client, headquarters)) == 4
