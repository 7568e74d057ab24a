"""Hostile and broken input is refused naming the field, on SQLite and PostgreSQL alike:
numbers beyond the database's range, NUL characters (PostgreSQL refuses them) and lone
surrogates (half a UTF-16 pair, which no UTF-8 page can hold). What was stored before
this check existed is still shown, never a page that fails."""

import datetime
import json

import pytest
from django.db import connection
from django.urls import reverse

from liaison.cases.models import IntakeSubmission, Report
from liaison.cases.services import intake
from liaison.core.api_input import DB_INT_MAX

from .test_api_cases import intake_payload, post_json, token_client
from .test_intake_safety import quick

pytestmark = pytest.mark.django_db


def fields(response) -> set[str]:
    return {error["field"] for error in response.json()["errors"]}


@pytest.mark.parametrize(
    "url",
    [
        f"/api/v1/cases/?offset={DB_INT_MAX + 1}",
        "/api/v1/cases/?offset=449497196681892724736",
        f"/api/v1/agreements/?offset={DB_INT_MAX + 1}",
        "/api/v1/agreements/?limit=13798728038004379648",
        f"/api/v1/partners/bodies?offset={DB_INT_MAX + 1}",
        f"/api/v1/users?offset={DB_INT_MAX + 1}",
    ],
)
def test_an_offset_or_limit_beyond_the_database_range_is_422_naming_it(url, personas, posts):
    response = token_client(personas.ico).get(url)
    assert response.status_code == 422
    assert fields(response) & {"offset", "limit"}


def test_the_largest_offset_the_database_holds_is_an_empty_page(personas, open_case):
    response = token_client(personas.ico).get(f"/api/v1/cases/?offset={DB_INT_MAX}")
    assert response.status_code == 200 and response.json()["items"] == []


def test_a_timeline_offset_beyond_the_range_is_422(personas, open_case):
    url = f"/api/v1/cases/{open_case.pk}/timeline?offset={DB_INT_MAX + 1}"
    response = token_client(personas.ico).get(url)
    assert response.status_code == 422 and fields(response) == {"offset"}


@pytest.mark.parametrize("year", [100000, 1899, 2101, -1495416])
def test_a_year_no_agreement_can_mean_is_422_naming_it(year, personas, task_force_mou):
    client = token_client(personas.ico)
    for url in (
        f"/api/v1/agreements/{task_force_mou.pk}/assessment?year={year}",
        f"/api/v1/agreements/?year={year}",
    ):
        response = client.get(url)
        assert response.status_code == 422, url
        assert fields(response) == {"year"}
    response = post_json(
        client,
        f"/api/v1/agreements/{task_force_mou.pk}/annual-reports",
        {"year": year, "exchange_status": "active"},
    )
    assert response.status_code == 422 and "year" in fields(response)


def test_an_activity_count_beyond_the_database_range_is_422(personas, task_force_mou):
    response = post_json(
        token_client(personas.ico),
        f"/api/v1/agreements/{task_force_mou.pk}/activities",
        {
            "kind": "joint_operation",
            "occurred_on": "2026-03-02",
            "description": "Joint raid",
            "count": 2**64,
        },
    )
    assert response.status_code == 422 and fields(response) == {"count"}


@pytest.mark.parametrize("bad", ["held\x00since Tuesday", "held \ud800 since Tuesday"])
def test_unstorable_text_in_an_api_intake_is_422_naming_the_field_and_stores_nothing(
    bad, personas, posts
):
    body = json.dumps(intake_payload(posts, narrative=bad))  # "\u0000", "\ud800" escapes
    response = token_client(personas.overseas).post(
        "/api/v1/cases/reports", body, content_type="application/json"
    )
    assert response.status_code == 422
    assert fields(response) == {"narrative"}
    assert "cannot be stored" in response.json()["errors"][0]["message"]
    assert not IntakeSubmission.objects.exists() and not Report.objects.exists()


def test_unstorable_text_deep_in_a_body_or_in_the_query_is_named(personas, posts):
    client = token_client(personas.overseas)
    body = json.dumps(intake_payload(posts, categories=["confinement", "x\ud800"]))
    response = client.post("/api/v1/cases/reports", body, content_type="application/json")
    assert response.status_code == 422 and fields(response) == {"categories.1"}
    response = client.get("/api/v1/cases/", {"q": "kim\x00"})
    assert response.status_code == 422 and fields(response) == {"q"}


def test_a_nul_in_the_intake_form_is_refused_on_the_form_and_the_submission_kept(
    client_for, personas, posts, cambodia_police
):
    client = client_for(personas.overseas)
    response = client.post(
        reverse("cases:quick_intake"), quick(cambodia_police.country, narrative="held\x00")
    )
    assert response.status_code == 400
    assert "narrative" in response.context["form"].errors
    submission = IntakeSubmission.objects.get()  # stored, with the NUL made storable
    assert submission.payload["narrative"] == "held\ufffd"
    assert submission.refused_at is not None
    assert client.get(reverse("cases:unprocessed")).status_code == 200


@pytest.mark.skipif(
    connection.vendor == "postgresql", reason="PostgreSQL never stored one: it refuses them"
)
def test_a_lone_surrogate_stored_before_the_check_does_not_break_the_unprocessed_page(
    client_for, personas, posts
):
    submission = IntakeSubmission.objects.create(
        submitted_by=personas.overseas,
        payload={"narrative": "held \ud800 since Tuesday", "intake_form": "quick"},
        failure="UnicodeEncodeError: 'utf-8' codec can't encode character",
    )
    client = client_for(personas.overseas)
    page = client.get(reverse("cases:unprocessed"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "held \ufffd since Tuesday" in html
    reopened = client.get(f"{reverse('cases:quick_intake')}?submission={submission.pk}")
    assert reopened.status_code == 200
    assert reopened.context["form"].initial["narrative"] == "held \ufffd since Tuesday"


def test_intake_keeps_a_submission_storable_whatever_it_holds(personas, posts):
    stored = intake.submission_record(
        actor=personas.overseas,
        payload={"narrative": "a\x00b\ud800c", "categories": ["x\udfff"]},
    )
    stored.refresh_from_db()
    assert stored.payload == {"narrative": "a\ufffdb\ufffdc", "categories": ["x\ufffd"]}


def test_a_submission_whose_processing_was_cut_off_appears_under_unprocessed(
    client_for, personas, posts, cambodia_police, time_machine
):
    """The process died between storing the submission and processing it: neither a
    report nor a failure was recorded. Once no request can still be working on it, the
    officer finds it under Unprocessed, to reopen and save."""
    time_machine.move_to(datetime.datetime(2026, 5, 4, 9, 0, tzinfo=datetime.UTC), tick=False)
    cut_off = intake.submission_record(
        actor=personas.overseas, payload=quick(cambodia_police.country)
    )
    client = client_for(personas.overseas)
    assert client.get(reverse("cases:unprocessed")).context["items"] == []  # still working

    time_machine.shift(intake.PROCESSING_GRACE + datetime.timedelta(seconds=1))
    page = client.get(reverse("cases:unprocessed"))
    (item,) = page.context["items"]
    assert item["submission"] == cut_off
    assert "Processing was cut off before it finished." in page.content.decode()
    reopened = client.get(item["url"])
    assert reopened.context["form"].initial["narrative"] == cut_off.payload["narrative"]
    assert client_for(posts.manila_officer).get(reverse("cases:unprocessed")).context["items"] == []


def test_a_refused_submission_never_counts_as_cut_off(
    client_for, personas, posts, cambodia_police, time_machine
):
    time_machine.move_to(datetime.datetime(2026, 5, 4, 9, 0, tzinfo=datetime.UTC), tick=False)
    client = client_for(personas.overseas)
    response = client.post(
        reverse("cases:quick_intake"), quick(cambodia_police.country, narrative="")
    )
    assert response.status_code == 400
    api = post_json(token_client(personas.overseas), "/api/v1/cases/reports", {"quick": True})
    assert api.status_code == 422
    time_machine.shift(intake.PROCESSING_GRACE * 10)
    assert client.get(reverse("cases:unprocessed")).context["items"] == []
