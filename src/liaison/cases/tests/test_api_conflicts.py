"""One answer to a stale version in every API: a change sent with an `expected_version`
the record is no longer at is a conflict (409), with the same JSON shape in every domain
and the version the record is at now, so a client can reload and retry."""

import json

import pytest
from django.test import Client

from liaison.agreements.tests.factories import AgreementFactory
from liaison.core.services import api_token_create
from liaison.core.tests.second_factor import verify_session

pytestmark = pytest.mark.django_db


def token_client(user) -> Client:
    _token, raw = api_token_create(actor=user, name="conflict test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_ACCEPT_LANGUAGE="en")


def twice(client, url, first: dict, second: dict):
    """Two changes sent from the same read of the record: the first wins, the second is
    stale."""
    for data in (first, second):
        answer = client.post(url, json.dumps(data), content_type="application/json")
    return answer


def test_a_stale_version_is_409_with_the_same_shape_for_an_agreement_and_a_case(
    open_case, personas, institutions, cambodia_police
):
    agreement = AgreementFactory(counterpart=cambodia_police, institution=institutions.university)
    read = agreement.version
    on_agreement = twice(
        token_client(personas.requester),
        f"/api/v1/agreements/{agreement.pk}/transition",
        {"to_status": "withdrawn", "reason": "Postponed.", "expected_version": read},
        {"to_status": "submitted", "expected_version": read},
    )
    on_case = twice(
        token_client(personas.overseas),
        f"/api/v1/cases/{open_case.pk}/transitions",
        {"to_status": "triaged", "expected_version": open_case.version},
        {"to_status": "investigation", "expected_version": open_case.version},
    )
    assert (on_agreement.status_code, on_case.status_code) == (409, 409)
    agreement_body, case_body = on_agreement.json(), on_case.json()
    assert set(agreement_body) == set(case_body) == {"detail", "errors", "current_version"}
    assert agreement_body["detail"] == (
        "Someone else changed this agreement in the meantime (it is now 'Withdrawn'). "
        "Reload the page and try again."
    )
    assert case_body["detail"].startswith("Someone else changed this case while you were")
    assert (agreement_body["errors"], agreement_body["current_version"]) == ([], read + 1)
    assert (case_body["errors"], case_body["current_version"]) == ([], open_case.version + 1)


def test_a_stale_submission_by_its_query_parameter_is_409_too(
    personas, institutions, cambodia_police
):
    agreement = AgreementFactory(counterpart=cambodia_police, institution=institutions.university)
    answer = token_client(personas.requester).post(
        f"/api/v1/agreements/{agreement.pk}/submit?expected_version={agreement.version - 1}"
    )
    assert answer.status_code == 409
    assert answer.json()["current_version"] == agreement.version


def test_the_openapi_description_names_the_409_of_every_endpoint_taking_a_version(personas):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(personas.ico)
    verify_session(client, personas.ico)
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/agreements/{pk}/submit",
        "/api/v1/agreements/{pk}/transition",
        "/api/v1/agreements/{pk}/reviews",
        "/api/v1/cases/{pk}/transitions",
    ):
        assert "409" in paths[path]["post"]["responses"], path
