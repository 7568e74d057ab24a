"""The counts the dashboard keeps: rewritten by the services as cases are opened and
changed, always equal to counting the cases afresh, and read into the reader's own months
whatever their time zone."""

import datetime
import io
import zoneinfo
from decimal import Decimal

import pytest
from django.utils import timezone

from liaison.cases import figures, workflow
from liaison.cases.choices import CaseStatus, Category, Outcome
from liaison.cases.dashboard import counts, places
from liaison.cases.dashboard.common import Countries, period_for
from liaison.cases.models import Case, CaseMonthCount, CasePlaceCount
from liaison.cases.services import casework, intake

from .conftest import make_case, report_data

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


def kept() -> list[tuple]:
    months = CaseMonthCount.objects.values_list("month", "country", "category", "cases")
    spots = CasePlaceCount.objects.values_list(
        "month", "country", "latitude", "longitude", "closed", "cases"
    )
    return sorted(months) + sorted(spots, key=str)


def assert_kept_counts_are_exact():
    maintained = kept()
    figures.rebuild()
    assert maintained == kept()
    assert maintained  # something is counted: the comparison is not of two empty lists


def test_the_services_keep_the_counts_equal_to_counting_the_cases_afresh(
    personas, open_case, cambodia_police, philippines, posts
):
    officer = personas.overseas
    assert_kept_counts_are_exact()

    # A report received last month attached: the case now starts a month earlier.
    earlier = intake.report_receive(
        actor=officer,
        data=report_data(
            cambodia_police.country,
            received_at=open_case.first_reported_at - datetime.timedelta(days=40),
            categories=[Category.KIDNAPPING],
            post=posts.task_force,
        ),
    )
    case = intake.report_attach(actor=officer, report=earlier, case=open_case)
    assert_kept_counts_are_exact()

    case = casework.case_update(
        actor=personas.ico,
        case=case,
        data={
            "country": philippines,
            "categories": [Category.HOMICIDE],
            "latitude": Decimal("14.5995"),
            "longitude": Decimal("120.9842"),
        },
        expected_version=case.version,
    )
    assert_kept_counts_are_exact()

    workflow.case_transition(
        actor=personas.ico,
        case=case,
        to_status=CaseStatus.CLOSED,
        outcome=Outcome.VICTIM_SAFE,
        reason="Closed for the test.",
    )
    assert CasePlaceCount.objects.get(country=philippines).closed is True
    assert_kept_counts_are_exact()


@pytest.fixture
def cases_around_month_boundaries(cambodia_police, philippines):
    """Cases a few hours either side of midnight UTC on the first of several months, and
    some in mid-month: in Seoul, in UTC and in New York they fall in different months."""
    made, n = [], 0
    for month in (1, 2, 3, 6, 11):
        boundary = datetime.datetime(2025, month, 1, tzinfo=UTC)
        for hours in (-13, -8, -1, 0, 2, 6, 12, 24 * 14):
            n += 1
            country = cambodia_police.country if n % 3 else philippines
            closed = n % 4 == 0
            made.append(
                make_case(
                    country,
                    reported=boundary + datetime.timedelta(hours=hours),
                    categories=[Category.CONFINEMENT] if n % 2 else [Category.HOMICIDE],
                    latitude=(None, Decimal("10.62"), Decimal("10.25"), Decimal("-8.35"))[
                        n // 2 % 4
                    ],
                    longitude=(None, Decimal("103.52"), Decimal("103.55"), Decimal("115.25"))[
                        n // 2 % 4
                    ],
                    status=CaseStatus.CLOSED if closed else CaseStatus.TRIAGED,
                )
            )
    return made


@pytest.mark.parametrize("zone", ["Asia/Seoul", "UTC", "America/New_York", "Asia/Kolkata"])
@pytest.mark.parametrize("year", [2025, None])
def test_the_kept_counts_give_the_readers_months_exactly_in_every_time_zone(
    cases_around_month_boundaries, zone, year
):
    now = datetime.datetime(2026, 11, 21, 12, tzinfo=UTC) if year is None else None
    with timezone.override(zoneinfo.ZoneInfo(zone)):
        period = period_for(year, now=now or timezone.now())
        cases = Case.objects.order_by()
        countries = Countries()

        from_kept = counts.monthly(cases, period, countries, kept=True)
        from_cases = counts.monthly(cases, period, countries)
        assert from_kept == from_cases
        assert places.map_points(cases, period, countries, kept=True) == places.map_points(
            cases, period, countries
        )
    if year:
        assert from_kept["total"] == sum(
            1
            for c in cases_around_month_boundaries
            if c.first_reported_at >= period.start and c.first_reported_at < period.end
        )
        assert from_kept["total"] > 0


def test_one_country_is_read_from_the_kept_counts_of_that_country(
    cases_around_month_boundaries, philippines
):
    with timezone.override(zoneinfo.ZoneInfo("Asia/Seoul")):
        period = period_for(2025, now=timezone.now())
        cases = Case.objects.filter(country=philippines).order_by()
        countries = Countries()
        from_kept = counts.monthly(cases, period, countries, kept=philippines)
        assert from_kept == counts.monthly(cases, period, countries)
        assert [d["label"] for d in from_kept["by_country"]["datasets"]] == ["Philippines"]


def test_recount_figures_counts_cases_loaded_past_the_services(cambodia_police):
    from django.core.management import call_command

    from liaison.core.models import AuditEvent

    Case.objects.create(
        reference="F-LOAD",
        title="Loaded from a backup",
        country=cambodia_police.country,
        first_reported_at=datetime.datetime(2025, 5, 5, tzinfo=UTC),
    )
    assert not CaseMonthCount.objects.exists()

    call_command("recount_figures", stdout=io.StringIO())

    assert CaseMonthCount.objects.get(category="").cases == 1
    assert AuditEvent.objects.filter(object_type="cases.figures").exists()
