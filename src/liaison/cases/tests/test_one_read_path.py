"""The case list page and `GET /api/v1/cases/` read cases through one selector: the same
filters give the same cases to the same user, a day is bounded at the reader's midnight in
both, and the free-text search never matches a passport number in either."""

import datetime
import zoneinfo

import pytest
from django.urls import reverse

from liaison.cases.choices import CaseStatus, Priority
from liaison.cases.services import intake
from liaison.core.choices import AuditAction
from liaison.core.models import AuditEvent
from liaison.core.tests.read_path import ids_in_api, ids_on_page

from .conftest import make_case, report_data

pytestmark = pytest.mark.django_db

SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")


def page_cases(client, params: dict) -> set[int]:
    page_params = {**params, "status": params.get("status", "all")}
    return ids_on_page(client, reverse("cases:list"), page_params, r'data-case="(\d+)"')


def api_cases(client, params: dict) -> set[int]:
    api_params = {**params, "status": params.get("status", "")}
    return ids_in_api(client, "/api/v1/cases/", api_params)


@pytest.fixture
def spread(posts, cambodia_police, philippines):
    """Cases of two posts, countries, priorities and statuses, two of them reported either
    side of midnight in Seoul on 1 March."""
    kh, ph = cambodia_police.country, philippines
    late_on_the_first = datetime.datetime(2026, 3, 1, 23, 30, tzinfo=SEOUL)
    early_on_the_second = datetime.datetime(2026, 3, 2, 0, 30, tzinfo=SEOUL)
    return [
        make_case(kh, post=posts.task_force, reported=late_on_the_first),
        make_case(kh, post=posts.task_force, reported=early_on_the_second),
        make_case(kh, post=posts.task_force, priority=Priority.URGENT),
        make_case(kh, post=posts.task_force, status=CaseStatus.CLOSED),
        make_case(ph, post=posts.manila, priority=Priority.URGENT),
        make_case(ph, post=posts.manila, status=CaseStatus.INVESTIGATION),
    ]


FILTERS = [
    {},
    {"country": "KH"},
    {"priority": Priority.URGENT},
    {"status": CaseStatus.INVESTIGATION},
    {"reported_from": "2026-03-02"},
    {"reported_to": "2026-03-01"},
    {"reported_from": "2026-03-01", "reported_to": "2026-03-01"},
    {"q": "T-0"},
]


@pytest.mark.parametrize(
    "filters", FILTERS, ids=lambda f: "&".join(f"{k}={v}" for k, v in f.items())
)
@pytest.mark.parametrize("who", ["ico", "overseas"])
def test_the_page_and_the_api_give_the_same_cases_for_the_same_filters(
    spread, personas, client_for, filters, who
):
    client = client_for(getattr(personas, who))
    on_the_page = page_cases(client, filters)
    assert on_the_page == api_cases(client, filters)
    if who == "overseas":  # the task force's officer sees none of Manila's cases
        assert not on_the_page & {spread[4].pk, spread[5].pk}


def test_a_day_ends_at_midnight_in_the_readers_time_zone_in_both(spread, personas, client_for):
    personas.ico.time_zone = "Asia/Seoul"
    personas.ico.save()
    client = client_for(personas.ico)
    first_of_march = {"reported_from": "2026-03-01", "reported_to": "2026-03-01"}
    assert api_cases(client, first_of_march) == {spread[0].pk} == page_cases(client, first_of_march)


def test_the_free_text_search_never_matches_a_passport_number(
    posts, personas, client_for, cambodia_police
):
    report = intake.report_receive(
        actor=personas.ico,
        data=report_data(cambodia_police.country, passport_number="M98765432"),
    )
    case = intake.case_open(actor=personas.ico, reports=[report], title="Held in Bavet")
    client = client_for(personas.ico)
    assert api_cases(client, {"q": "M98765432"}) == set() == page_cases(client, {"q": "M98765432"})
    assert api_passport(client, "M98765432") == {case.pk} == page_passport(client, "M98765432")


def api_passport(client, number: str) -> set[int]:
    response = client.post(
        "/api/v1/cases/search", {"passport": number}, content_type="application/json"
    )
    assert response.status_code == 200
    return {item["id"] for item in response.json()["items"]}


def page_passport(client, number: str) -> set[int]:
    response = client.post(reverse("cases:passport_search"), {"passport": number})
    assert response.status_code == 302 and number not in response.url
    return ids_on_page(client, response.url, {}, r'data-case="(\d+)"')


def test_a_passport_search_by_api_is_refused_to_a_role_that_may_not_see_passports(
    spread, personas, client_for
):
    response = client_for(personas.analyst).post(
        "/api/v1/cases/search", {"passport": "M12345678"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert AuditEvent.objects.filter(
        action=AuditAction.ACCESS_DENIED, actor=personas.analyst
    ).exists()


def test_a_passport_searched_by_api_is_kept_masked_in_the_audit_trail(
    posts, personas, client_for, cambodia_police
):
    report = intake.report_receive(
        actor=personas.ico, data=report_data(cambodia_police.country, passport_number="M55512345")
    )
    intake.case_open(actor=personas.ico, reports=[report], title="Held in Poipet")
    client_for(personas.ico).post(
        "/api/v1/cases/search", {"passport": "M55512345"}, content_type="application/json"
    )
    viewed = AuditEvent.objects.filter(action=AuditAction.VIEW, actor=personas.ico).last()
    assert "M55512345" not in viewed.reason
    assert "passport=•••••••45 (hmac k1:" in viewed.reason


def test_a_filter_the_page_refuses_is_refused_by_the_api_with_the_same_message(
    personas, client_for
):
    backwards = {"reported_from": "2026-03-02", "reported_to": "2026-03-01"}
    client = client_for(personas.ico)
    response = client.get("/api/v1/cases/", backwards)
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error == {"field": "reported_to", "message": "The end date comes before the start date."}
    assert error["message"] in client.get(reverse("cases:list"), backwards).content.decode()
