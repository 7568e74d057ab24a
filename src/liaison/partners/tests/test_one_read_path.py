"""The directory's pages and `GET /api/v1/partners/bodies` and `/contacts` read through one
selector each: the same filters give the same records to the same user."""

import pytest
from django.urls import reverse

from liaison.core.tests.factories import CountryFactory, PartnerBodyFactory
from liaison.core.tests.read_path import ids_in_api, ids_on_page
from liaison.partners.choices import PartnerKind
from liaison.partners.models import Contact

pytestmark = pytest.mark.django_db

# The page's status and the API's flag that asks for the same records.
BODY_STATUS = {"": {"active": "true"}, "inactive": {"active": "false"}, "all": {}}
CONTACT_STATUS = {"": {"current": "true"}, "former": {"current": "false"}, "all": {}}


@pytest.fixture
def directory(cambodia_police):
    thailand = CountryFactory(
        code="TH", alpha3="THA", numeric="764", name_en="Thailand", name_ko="태국"
    )
    thai = PartnerBodyFactory(name_en="Royal Thai Police", country=thailand)
    closed = PartnerBodyFactory(
        name_en="Thai Immigration Bureau", country=thailand, is_active=False
    )
    prosecutor = PartnerBodyFactory(
        name_en="Office of the Attorney General", country=thailand, kind=PartnerKind.GOVERNMENT
    )
    for body, name, left in (
        (cambodia_police, "Sok Dara", None),
        (thai, "Somchai Wong", None),
        (thai, "Niran Chai", "2024-01-31"),
    ):
        Contact.objects.create(partner_body=body, full_name=name, post="Liaison", left_post_on=left)
    return [cambodia_police, thai, closed, prosecutor]


@pytest.mark.parametrize("status", BODY_STATUS)
@pytest.mark.parametrize(
    "filters", [{}, {"country": "TH"}, {"kind": PartnerKind.GOVERNMENT}, {"q": "thai"}], ids=str
)
@pytest.mark.parametrize("who", ["ico", "partner"])
def test_the_bodies_page_and_the_api_give_the_same_bodies(
    directory, personas, client_for, filters, status, who
):
    client = client_for(getattr(personas, who))
    on_the_page = ids_on_page(
        client,
        reverse("partners:body_list"),
        {**filters, "status": status},
        r'href="/partners/(\d+)/"',
    )
    assert on_the_page == ids_in_api(
        client, "/api/v1/partners/bodies", {**filters, **BODY_STATUS[status]}
    )
    if who == "partner":  # a partner liaison sees only their own agency
        assert on_the_page <= {directory[0].pk}


@pytest.mark.parametrize("status", CONTACT_STATUS)
@pytest.mark.parametrize("filters", [{}, {"country": "TH"}, {"q": "somchai"}], ids=str)
def test_the_contacts_page_and_the_api_give_the_same_contacts(
    directory, personas, client_for, filters, status
):
    client = client_for(personas.ico)
    on_the_page = ids_on_page(
        client,
        reverse("partners:contact_list"),
        {**filters, "status": status},
        r'href="/partners/contacts/(\d+)/"',
    )
    in_the_api = ids_in_api(
        client, "/api/v1/partners/contacts", {**filters, **CONTACT_STATUS[status]}
    )
    assert on_the_page == in_the_api
