"""The case dashboard: who may read it, what it counts, and that it counts only the cases
the reader may see."""

import datetime
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from liaison.cases import dashboard
from liaison.cases.choices import (
    ArrestStatus,
    CaseStatus,
    Category,
    ReturnStatus,
    VictimStatus,
)
from liaison.cases.dashboard.common import Countries
from liaison.cases.dashboard.counts import open_now
from liaison.cases.models import Case, Suspect, Victim
from liaison.core.models import AuditEvent

from .conftest import make_case

pytestmark = pytest.mark.django_db

H = datetime.timedelta(hours=1)


@pytest.fixture(autouse=True)
def _no_kept_figures():
    """The dashboard keeps its history figures a few minutes; each test starts afresh."""
    cache.clear()
    yield
    cache.clear()


def page(client, **params):
    return client.get(reverse("cases:dashboard"), params)


@pytest.mark.parametrize("who", ["requester", "auditor", "partner", "outsider"])
def test_roles_without_case_access_are_refused_the_dashboard(client_for, personas, who):
    response = page(client_for(getattr(personas, who)))
    assert response.status_code == 403
    assert AuditEvent.objects.filter(action="access_denied", object_type="cases.view").exists()


def test_an_analyst_reads_the_figures_but_no_name_of_anyone_in_a_case(
    client_for, personas, open_case
):
    response = page(client_for(personas.analyst))
    assert response.status_code == 200
    html = response.content.decode()
    assert response.context["open_total"] == 1
    for personal in ("Kim Young-hee", "김민준", "KIM Minjun", "+855", "M12345678"):
        assert personal not in html


def test_the_median_and_90th_percentile_of_time_to_rescue_come_from_the_cases(
    client_for, personas, cambodia_police
):
    start = timezone.now() - 10 * 24 * H
    for hours in (10, 20, 30):
        make_case(
            cambodia_police.country,
            reported=start,
            rescued_at=start + hours * H,
            status=CaseStatus.RESCUED,
        )
    make_case(cambodia_police.country, reported=start)  # not rescued: not measured

    response = page(client_for(personas.ico))

    rescue = response.context["response_times"][0]
    assert rescue.n == 3
    assert rescue.median == 20 * H
    assert rescue.p90 == 28 * H  # between 20 h and 30 h, as percentile_cont interpolates
    assert [(c.label, c.n) for c in rescue.by_country] == [("Cambodia", 3)]
    assert "20 h" in response.content.decode() and "28 h" in response.content.decode()


def test_time_from_identification_to_surrender_is_measured_per_country(
    personas, cambodia_police, philippines
):
    start = timezone.now() - 300 * 24 * H
    for country, days in ((cambodia_police.country, 30), (philippines, 90), (philippines, 150)):
        make_case(
            country,
            reported=start - 24 * H,
            suspects_identified_at=start,
            surrendered_at=start + days * 24 * H,
            status=CaseStatus.SURRENDERED,
        )
    figures = dashboard.dashboard(personas.ico, year=None)
    surrender = figures["response_times"][1]
    assert (surrender.n, surrender.median) == (3, 90 * 24 * H)
    per_country = {c.label: (c.n, c.median) for c in surrender.by_country}
    assert per_country == {"Philippines": (2, 120 * 24 * H), "Cambodia": (1, 30 * 24 * H)}
    assert surrender.median_text == "90 d"


def test_a_period_without_a_rescue_shows_no_figure_rather_than_zero(personas):
    rescue = dashboard.dashboard(personas.ico, year=None)["response_times"][0]
    assert (rescue.n, rescue.median, rescue.median_text) == (0, None, "—")


def test_open_cases_and_confined_victims_are_counted_by_country_now(
    personas, cambodia_police, philippines
):
    kh = make_case(cambodia_police.country, priority="urgent")
    make_case(cambodia_police.country)
    make_case(philippines)
    make_case(philippines, status=CaseStatus.CLOSED)
    for status in (VictimStatus.CONFINED, VictimStatus.CONFINED, VictimStatus.RESCUED):
        Victim.objects.create(case=kh, status=status)

    rows = {r["code"]: r for r in dashboard.dashboard(personas.ico, year=None)["open_now"]}

    assert (rows["KH"]["open"], rows["KH"]["urgent"], rows["KH"]["confined"]) == (2, 1, 2)
    assert (rows["PH"]["open"], rows["PH"]["confined"]) == (1, 0)


def test_new_cases_per_month_count_each_case_once_and_once_in_each_of_its_categories(
    personas, cambodia_police, philippines
):
    now = timezone.now()
    make_case(
        cambodia_police.country,
        reported=now - H,
        categories=[Category.KIDNAPPING, Category.CONFINEMENT],
    )
    make_case(philippines, reported=now - H, categories=[Category.CONFINEMENT])
    make_case(philippines, reported=now - 800 * 24 * H, categories=[Category.HOMICIDE])  # old

    monthly = dashboard.dashboard(personas.ico, year=None, now=now)["monthly"]

    assert monthly["total"] == 2
    labels = monthly["by_category"]["labels"]
    assert len(labels) == 24 and labels[-1] == f"{timezone.localdate(now):%Y-%m}"
    series = {s["label"]: s["data"] for s in monthly["by_category"]["datasets"]}
    assert series["Kidnapping"][-1] == 1
    assert series["Confinement or forced labour in a scam compound"][-1] == 2
    assert "Homicide" not in series
    by_country = {s["label"]: s["data"][-1] for s in monthly["by_country"]["datasets"]}
    assert by_country == {"Cambodia": 1, "Philippines": 1}


def test_arrests_and_surrenders_are_counted_in_the_chosen_year(
    personas, cambodia_police, philippines
):
    this_year = timezone.localdate().year
    case = make_case(cambodia_police.country, arrested_at=timezone.now() - H)
    Suspect.objects.create(
        case=case,
        arrest_status=ArrestStatus.ARRESTED,
        arrested_on=datetime.date(this_year, 1, 2),
        return_status=ReturnStatus.SURRENDERED,
        surrendered_on=datetime.date(this_year, 1, 20),
    )
    Suspect.objects.create(
        case=case, arrest_status=ArrestStatus.ARRESTED, arrested_on=datetime.date(this_year, 1, 3)
    )
    old = make_case(philippines)
    Suspect.objects.create(
        case=old,
        arrest_status=ArrestStatus.ARRESTED,
        arrested_on=datetime.date(this_year - 1, 6, 1),
    )

    figures = dashboard.dashboard(personas.ico, year=None)
    assert figures["arrests_year"] == this_year
    assert figures["arrests"] == [
        {"code": "KH", "name": "Cambodia", "cases": 1, "arrested": 2, "surrendered": 1}
    ]
    last_year = dashboard.dashboard(personas.ico, year=this_year - 1)["arrests"]
    assert [(r["code"], r["arrested"]) for r in last_year] == [("PH", 1)]


def test_an_overseas_officer_sees_figures_of_their_own_post_only(
    client_for, personas, posts, cambodia_police, philippines
):
    make_case(cambodia_police.country, post=posts.task_force, priority="urgent")
    make_case(philippines, post=posts.manila)
    make_case(philippines, post=posts.manila)

    mine = page(client_for(personas.overseas)).context
    everyone = page(client_for(personas.ico)).context

    assert [(r["code"], r["open"]) for r in mine["open_now"]] == [("KH", 1)]
    assert mine["monthly"]["total"] == 1
    assert everyone["open_total"] == 3
    assert page(client_for(posts.manila_officer)).context["open_total"] == 2


def test_an_overseas_officer_also_counts_the_cases_assigned_to_them_elsewhere(
    client_for, personas, posts, cambodia_police, philippines
):
    make_case(cambodia_police.country, post=posts.task_force)
    elsewhere = make_case(philippines, post=posts.manila, rescued_at=timezone.now())
    make_case(philippines, post=posts.manila)
    elsewhere.officers.add(personas.overseas)

    mine = page(client_for(personas.overseas)).context

    assert sorted((r["code"], r["open"]) for r in mine["open_now"]) == [("KH", 1), ("PH", 1)]
    assert mine["monthly"]["total"] == 2
    assert mine["response_times"][0].n == 1


def test_the_country_filter_narrows_every_figure(
    client_for, personas, cambodia_police, philippines
):
    make_case(cambodia_police.country)
    make_case(philippines)
    context = page(client_for(personas.ico), country="PH").context
    assert [r["code"] for r in context["open_now"]] == ["PH"]
    assert context["monthly"]["total"] == 1


def test_the_year_filter_shows_that_year_month_by_month(personas, cambodia_police):
    year = timezone.localdate().year - 1
    make_case(cambodia_police.country, reported=timezone.now() - 400 * 24 * H)
    figures = dashboard.dashboard(personas.ico, year=year)
    labels = figures["monthly"]["by_country"]["labels"]
    assert labels[0] == f"{year}-01" and labels[-1] == f"{year}-12" and len(labels) == 12


@pytest.mark.parametrize("params", [{"year": "last"}, {"year": "1890"}, {"country": "ZZ"}])
def test_a_bad_filter_is_refused_with_the_field_named(client_for, personas, params):
    response = page(client_for(personas.ico), **params)
    assert response.status_code == 400
    assert next(iter(params)) in response.context["form"].errors


def test_the_map_gets_nearby_cases_as_one_point_and_the_rest_by_country(
    personas, cambodia_police, philippines
):
    for lat, lon in (("10.62101", "103.52202"), ("10.63999", "103.51001")):
        make_case(cambodia_police.country, latitude=Decimal(lat), longitude=Decimal(lon))
    make_case(
        cambodia_police.country,
        latitude=Decimal("10.62"),
        longitude=Decimal("103.52"),
        status=CaseStatus.CLOSED,
    )
    make_case(philippines)  # no coordinates

    points = dashboard.dashboard(personas.ico, year=None)["map"]

    assert sorted(points["points"]) == [[10.6, 103.5, "closed", 1], [10.6, 103.5, "open", 2]]
    assert points["unplaced"] == [
        {"numeric": "608", "name": "Philippines", "state": "open", "n": 1}
    ]
    assert points["truncated"] is False


def test_the_map_is_drawn_from_files_the_product_serves_itself(client_for, personas):
    html = page(client_for(personas.ico)).content.decode()
    assert "/static/vendor/world-atlas/countries-50m.json" in html
    assert "/static/vendor/topojson-client/topojson-client.min.js" in html
    assert "https://" not in html.split("<main", 1)[1]


def test_the_number_of_queries_does_not_grow_with_the_number_of_cases(
    client_for, personas, cambodia_police, philippines
):
    client = client_for(personas.ico)
    page(client)  # the session's first idle-expiry write, which the next views skip

    def queries() -> int:
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            assert page(client).status_code == 200
        return len(captured)

    make_case(cambodia_police.country, rescued_at=timezone.now())
    few = queries()
    for country in (cambodia_police.country, philippines) * 10:
        case = make_case(country, rescued_at=timezone.now(), latitude=1, longitude=2)
        Suspect.objects.create(case=case, arrested_on=timezone.localdate())
        Victim.objects.create(case=case, status=VictimStatus.CONFINED)
    assert queries() == few


def test_the_history_is_kept_a_few_minutes_but_open_cases_are_counted_live(
    personas, cambodia_police
):
    start = timezone.now() - 48 * H
    make_case(cambodia_police.country, reported=start, rescued_at=start + 10 * H)
    first = dashboard.dashboard(personas.ico, year=None)
    make_case(cambodia_police.country, reported=start, rescued_at=start + 30 * H)

    again = dashboard.dashboard(personas.ico, year=None)
    assert again["open_total"] == 2  # live
    assert again["response_times"][0].n == first["response_times"][0].n == 1  # kept
    assert dashboard.dashboard(personas.ico, year=None, fresh=True)["response_times"][0].n == 2
    other_reader = dashboard.dashboard(personas.analyst, year=None)
    assert other_reader["response_times"][0].n == 2  # each reader has their own figures


def test_the_dashboard_links_to_the_posts_and_for_the_office_to_the_targets(client_for, personas):
    ico_page = page(client_for(personas.ico)).content.decode()
    analyst_page = page(client_for(personas.analyst)).content.decode()
    assert reverse("posts:post_list") in ico_page and reverse("cases:targets") in ico_page
    assert reverse("posts:post_list") in analyst_page
    assert reverse("cases:targets") not in analyst_page


# sqlite_stat1 as ANALYZE wrote it on the benchmark's 500,000 cases and 583,545 victims:
# what SQLite's planner knows of a database of that size.
AT_SCALE = [
    ("cases_case", "case_ack_due", "500000 1"),
    ("cases_case", "case_arrested_country", "500000 3 3"),
    ("cases_case", "case_country_status", "500000 62500 6250"),
    ("cases_case", "case_id_country", "500000 1 1 1"),
    ("cases_case", "case_newest", "500000 1 1"),
    ("cases_case", "case_open_country_worklist", "74839 9355 2339 1 1"),
    ("cases_case", "case_open_post_figures", "74839 14968 8316 2079"),
    ("cases_case", "case_open_worklist", "74839 18710 1 1"),
    ("cases_case", "case_post_arrests", "500000 100000 3 3"),
    ("cases_case", "case_post_reported_figures", "500000 100000 1 1 1 1 1 1"),
    ("cases_case", "case_post_rescue_times", "500000 100000 4 1 1"),
    ("cases_case", "case_post_status", "500000 100000 11364"),
    ("cases_case", "case_post_surrender_times", "500000 100000 9 3 3"),
    ("cases_case", "case_reported_figures", "500000 1 1 1 1 1 1"),
    ("cases_case", "case_rescue_due", "500000 2"),
    ("cases_case", "case_rescue_times", "500000 4 1 1"),
    ("cases_case", "case_status_reported", "500000 50000 1"),
    ("cases_case", "case_surrender_times", "500000 9 3 3"),
    ("cases_case", "cases_case_agreement_id_1dd86951", "500000 500000"),
    ("cases_case", "cases_case_country_id_ce18dcae", "500000 62500"),
    ("cases_case", "cases_case_created_by_id_91d115ec", "500000 500000"),
    ("cases_case", "cases_case_first_reported_at_51dcedc8", "500000 1"),
    ("cases_case", "cases_case_partner_body_id_b7a46dea", "500000 55556"),
    ("cases_case", "cases_case_post_id_81efff9e", "500000 100000"),
    ("cases_case", "sqlite_autoindex_cases_case_1", "500000 1"),
    ("cases_victim", "cases_victim_case_id_ee3f4a21", "583545 2"),
    ("cases_victim", "cases_victim_passport_hash_8fa2497f", "583545 2"),
    ("cases_victim", "cases_victim_phone_key_8959b051", "583545 1"),
    ("cases_victim", "victim_status_case", "583545 97258 2"),
]


def test_a_posts_confined_victims_are_counted_from_the_victims_at_any_size(posts):
    # Without statistics per value SQLite thinks a sixth of all victims are confined, and
    # would read the post's cases one by one in country order to save a sort: 0.6 s at
    # that size, where starting from the confined victims takes 10 ms.
    if connection.vendor != "sqlite":
        pytest.skip("the plan of SQLite's planner")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.executemany(
            "DELETE FROM sqlite_stat1 WHERE tbl = %s AND idx = %s", [r[:2] for r in AT_SCALE]
        )
        cursor.executemany(
            "INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (%s, %s, %s)", AT_SCALE
        )
        cursor.execute("ANALYZE sqlite_schema")  # the planner reads the statistics again
    post = posts.task_force
    at_post = Case.objects.filter(post_id__in=[post.pk])
    with CaptureQueriesContext(connection) as captured:
        open_now(at_post, Countries())
    count = next(q["sql"] for q in captured.captured_queries if "cases_victim" in q["sql"])
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {count}")
        first_step = cursor.fetchall()[0][3]
    assert first_step.startswith("SEARCH cases_victim USING COVERING INDEX victim_status_case")
