import datetime

from django.utils import timezone

from liaison.agreements.models import Agreement
from liaison.agreements.rules import submission_deadline

from .factories import pdf

BASE = "/api/v1/agreements/"


def _application(institutions, counterpart, planned):
    return {
        "title": "MOU on fugitives",
        "counterpart_id": counterpart.pk,
        "institution_id": institutions.university.pk,
        "purpose": "Repatriation of fugitives.",
        "scope_areas": ["fugitives"],
        "planned_signing_on": planned.isoformat(),
    }


def test_a_late_application_by_api_is_refused_with_422_naming_the_deadline(
    client_for, personas, institutions, cambodia_police
):
    planned = timezone.localdate() + datetime.timedelta(days=30)
    response = client_for(personas.requester).post(
        BASE, _application(institutions, cambodia_police, planned), content_type="application/json"
    )
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["field"] == "planned_signing_on"
    assert submission_deadline(planned).isoformat() in error["message"]
    assert not Agreement.objects.exists()


def test_the_api_walks_an_application_to_submission(
    client_for, personas, institutions, cambodia_police
):
    client = client_for(personas.requester)
    planned = timezone.localdate() + datetime.timedelta(days=90)
    created = client.post(
        BASE, _application(institutions, cambodia_police, planned), content_type="application/json"
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    assert created.json()["submission_deadline"] == submission_deadline(planned).isoformat()
    refused = client.post(f"{BASE}{pk}/submit")
    assert refused.status_code == 422
    assert "draft text attached" in refused.json()["errors"][0]["message"]
    uploaded = client.post(f"{BASE}{pk}/documents", {"kind": "draft", "file": pdf()})
    assert uploaded.status_code == 201, uploaded.content
    submitted = client.post(f"{BASE}{pk}/submit")
    assert submitted.status_code == 200
    assert submitted.json()["status"] == "submitted"


def test_the_api_answers_403_and_404_like_the_pages(client_for, personas, draft):
    assert client_for(personas.auditor).get(f"{BASE}{draft.pk}").status_code == 403
    assert client_for(personas.outsider).get(f"{BASE}{draft.pk}").status_code == 404
    listing = client_for(personas.outsider).get(BASE).json()
    assert listing["count"] == 0


def test_an_illegal_transition_by_api_is_422_with_the_message(client_for, personas, draft):
    response = client_for(personas.ico).post(
        f"{BASE}{draft.pk}/transition", {"to_status": "signed"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert "Signing" in response.json()["errors"][0]["message"]


def test_activities_and_annual_reports_by_api(client_for, personas, draft, walk):
    agreement = walk.to(draft, "active")
    client = client_for(personas.requester)
    today = timezone.localdate().isoformat()
    logged = client.post(
        f"{BASE}{agreement.pk}/activities",
        {"kind": "meeting", "occurred_on": today, "description": "Bilateral meeting"},
        content_type="application/json",
    )
    assert logged.status_code == 201
    report = client.post(
        f"{BASE}{agreement.pk}/annual-reports",
        {"year": timezone.localdate().year, "exchange_status": "Regular meetings."},
        content_type="application/json",
    )
    assert report.status_code == 201
    assert report.json()["activity_counts"]["meeting"] == 1
    assert client.get(f"{BASE}{agreement.pk}/assessment").json()["verdict"] == "not_assessed"
