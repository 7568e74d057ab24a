"""The agreements dashboard: the registry counted by status, region, country and year
signed for the charts, this month's deadlines and the termination candidates, each
limited to what the person may see."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from liaison.agreements.choices import AgreementStatus
from liaison.agreements.dashboard import region_of
from liaison.agreements.models import Agreement
from liaison.core.tests.factories import CountryFactory, PartnerBodyFactory

from .factories import AgreementFactory

pytestmark = pytest.mark.django_db
URL = reverse("agreements:dashboard")


def chart(response, key):
    return next(c for c in response.context["charts"] if c["id"] == key)["rows"]


@pytest.fixture
def registry(institutions, cambodia_police):
    france = PartnerBodyFactory(
        name_en="French National Police",
        country=CountryFactory(
            code="FR", alpha3="FRA", numeric="250", name_en="France", name_ko="프랑스"
        ),
    )
    for year, body, status in [
        (2015, cambodia_police, AgreementStatus.ACTIVE),
        (2015, france, AgreementStatus.EXPIRED),
        (2019, cambodia_police, AgreementStatus.ACTIVE),
    ]:
        AgreementFactory(
            counterpart=body,
            institution=institutions.ico,
            status=status,
            signed_on=datetime.date(year, 5, 1),
        )
    AgreementFactory(counterpart=cambodia_police, institution=institutions.university)


def test_the_charts_count_the_registry_by_status_year_region_and_country(
    client_for, personas, registry
):
    response = client_for(personas.ico).get(URL)

    assert response.status_code == 200
    assert response.context["total"] == 4
    assert {"label": "Active", "count": 2} in chart(response, "by-status")
    assert chart(response, "by-year") == [
        {"label": "2015", "count": 2},
        {"label": "2019", "count": 1},
    ]
    assert chart(response, "by-region") == [
        {"label": "Asia", "count": 3},
        {"label": "Europe", "count": 1},
    ]
    assert chart(response, "by-country")[0] == {"label": "Cambodia", "count": 3}
    page = response.content.decode()
    assert 'data-chart="by-status-data"' in page
    assert 'id="by-status-data"' in page
    assert "vendor/chart.js/chart.umd.min.js" in page


def test_a_requester_sees_only_their_institutions_agreements_counted(
    client_for, personas, registry
):
    response = client_for(personas.requester).get(URL)
    assert response.context["total"] == 1
    assert chart(response, "by-year") == []


def test_regions_come_from_the_time_zone_database():
    assert region_of("KH") == "Asia"
    assert region_of("FR") == "Europe"
    assert region_of("BR") == "Americas"
    assert region_of("FJ") == "Oceania"
    assert region_of(None) == "International organisations"


def test_deadlines_this_month_and_termination_candidates_are_listed(
    client_for, personas, walk, draft
):
    signed = walk.to(draft, "signed")
    today = timezone.localdate()
    Agreement.objects.filter(pk=signed.pk).update(result_report_due=today)
    idle = AgreementFactory(
        counterpart=draft.counterpart,
        institution=draft.institution,
        status=AgreementStatus.ACTIVE,
        signed_on=datetime.date(today.year - 6, 1, 1),
    )
    recommended = AgreementFactory(
        counterpart=draft.counterpart,
        institution=draft.institution,
        status=AgreementStatus.TERMINATION_RECOMMENDED,
        signed_on=datetime.date(today.year - 6, 1, 1),
    )

    response = client_for(personas.ico).get(URL)

    assert ("result_report", signed) in [(d.kind, d.agreement) for d in response.context["due"]]
    candidates = dict(response.context["candidates"])
    assert candidates[recommended] is None
    assert "no recorded activity" in candidates[idle].text
    assert f'data-agreement="{idle.pk}"' in response.content.decode()


def test_the_dashboard_needs_the_right_to_see_agreements(client, client_for, personas):
    assert client_for(personas.auditor).get(URL).status_code == 403
    assert client.get(URL).status_code == 302


def test_the_dashboard_runs_a_fixed_number_of_queries(
    client_for, personas, registry, django_assert_max_num_queries
):
    for _ in range(10):
        AgreementFactory(
            institution=personas.requester.institution,
            status=AgreementStatus.ACTIVE,
            signed_on=datetime.date(2016, 1, 1),
        )
    client = client_for(personas.ico)
    with django_assert_max_num_queries(21):
        client.get(URL)
