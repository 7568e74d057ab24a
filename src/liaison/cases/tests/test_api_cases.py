"""The cases API: intake by token, case records in the user's scope, and the errors a
client can act on (401, 403, 404, 409, 422)."""

import json

import pytest
from django.test import Client
from django.utils import timezone

from liaison.cases.choices import CaseStatus
from liaison.cases.models import Case, IntakeSubmission, Report
from liaison.core.models import AuditEvent
from liaison.core.services import api_token_create
from liaison.core.tests.factories import CountryFactory

from .conftest import report_data

pytestmark = pytest.mark.django_db

BASE = "/api/v1/cases/"


def token_client(user) -> Client:
    _token, raw = api_token_create(actor=user, name="hotline system")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_ACCEPT_LANGUAGE="en")


def post_json(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


def intake_payload(posts, **overrides):
    data = report_data(None, post=None)
    data = {k: v for k, v in data.items() if k not in ("country", "post", "received_at")}
    return {**data, "country": "KH", "post_id": posts.task_force.pk, **overrides}


def test_a_report_posted_with_a_token_is_recorded_with_its_submission(posts, personas):
    response = post_json(token_client(personas.overseas), f"{BASE}reports", intake_payload(posts))
    assert response.status_code == 201, response.content
    body = response.json()
    report = Report.objects.get(pk=body["id"])
    assert body["reference"] == report.reference
    assert report.recorded_by == personas.overseas
    assert report.post == posts.task_force
    submission = IntakeSubmission.objects.get(report=report)
    assert submission.payload["narrative"].startswith("My son")
    # The passport number is stored encrypted on the report and never in clear elsewhere.
    assert "M12345678" not in json.dumps(submission.payload)
    assert "M12345678" not in response.content.decode()
    assert body["passport"].endswith("78")
    assert report.passport_number() == "M12345678"


def test_reports_and_cases_are_numbered_by_their_id_within_the_year(posts, personas):
    client = token_client(personas.overseas)
    report = post_json(client, f"{BASE}reports", intake_payload(posts)).json()
    opened = post_json(client, f"{BASE}reports/{report['id']}/open-case", {"title": "Held"})
    case = opened.json()
    year = timezone.localtime().year
    assert report["reference"] == f"R-{year}-{report['id']:06d}"
    assert case["reference"] == f"C-{year}-{case['id']:06d}"
    assert Report.objects.get(pk=report["id"]).reference == report["reference"]
    assert Case.objects.get(pk=case["id"]).reference == case["reference"]
    # The audit trail names each record by the reference it keeps.
    created = AuditEvent.objects.filter(action="create")
    assert created.get(object_type="cases.report").object_repr == report["reference"]
    assert created.get(object_type="cases.case").object_repr == f"{case['reference']} Held"


def test_a_country_added_after_its_code_was_refused_is_accepted_at_once(posts, personas):
    client = token_client(personas.overseas)
    payload = intake_payload(posts, country="tl", post_id=None)
    assert post_json(client, f"{BASE}reports", payload).status_code == 422
    CountryFactory(code="TL", alpha3="TLS", numeric="626", name_en="Timor-Leste")
    response = post_json(client, f"{BASE}reports", payload)
    assert response.status_code == 201, response.content
    assert response.json()["country"] == "TL"


def test_quick_intake_needs_only_country_and_what_happened(posts, personas):
    response = post_json(
        token_client(personas.overseas),
        f"{BASE}reports",
        {"quick": True, "country": "KH", "narrative": "Caller says her brother is held."},
    )
    assert response.status_code == 201, response.content
    assert response.json()["is_quick_intake"] is True


def test_a_missing_field_is_422_naming_it_and_the_submission_is_kept(posts, personas):
    payload = intake_payload(posts)
    del payload["narrative"]
    response = post_json(token_client(personas.overseas), f"{BASE}reports", payload)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert [e["field"] for e in errors] == ["narrative"]
    assert "what happened" in errors[0]["message"]
    assert not Report.objects.exists()
    assert IntakeSubmission.objects.filter(report__isnull=True).count() == 1


def test_an_unknown_country_is_422_on_the_country(posts, personas):
    response = post_json(
        token_client(personas.overseas), f"{BASE}reports", intake_payload(posts, country="XX")
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "country"


def test_an_officer_cannot_file_under_another_post(posts, personas):
    response = post_json(
        token_client(personas.overseas),
        f"{BASE}reports",
        intake_payload(posts, post_id=posts.manila.pk),
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "post"


def test_anonymous_is_401_and_an_analyst_may_not_take_reports(posts, personas, client):
    assert client.get(f"{BASE}").status_code == 401
    response = post_json(token_client(personas.analyst), f"{BASE}reports", intake_payload(posts))
    assert response.status_code == 403
    assert not IntakeSubmission.objects.exists()


def test_a_bad_token_is_401(client):
    response = Client(HTTP_AUTHORIZATION="Bearer lia_nope_nope").get(BASE)
    assert response.status_code == 401


def test_a_report_shows_its_possible_duplicates_with_reasons(posts, personas, open_case):
    client = token_client(personas.overseas)
    created = post_json(client, f"{BASE}reports", intake_payload(posts)).json()
    detail = client.get(f"{BASE}reports/{created['id']}").json()
    duplicates = detail["possible_duplicates"]
    assert duplicates[0]["kind"] == "case"
    assert duplicates[0]["reference"] == open_case.reference
    assert "same passport number" in duplicates[0]["reasons"]


def test_a_report_opens_a_case_and_another_is_attached_to_it(posts, personas):
    client = token_client(personas.overseas)
    first = post_json(client, f"{BASE}reports", intake_payload(posts)).json()
    second = post_json(
        client, f"{BASE}reports", intake_payload(posts, narrative="The embassy calls too.")
    ).json()
    opened = post_json(
        client, f"{BASE}reports/{first['id']}/open-case", {"title": "Held in Sihanoukville"}
    )
    assert opened.status_code == 201, opened.content
    case = opened.json()
    assert case["status"] == CaseStatus.RECEIVED
    assert case["priority"] == "urgent"  # a life at risk
    assert case["people"]["victims"][0]["name_latin"] == "KIM Minjun"
    attached = post_json(client, f"{BASE}reports/{second['id']}/attach", {"case_id": case["id"]})
    assert attached.status_code == 200, attached.content
    assert sorted(attached.json()["reports"]) == sorted([first["reference"], second["reference"]])


def test_the_case_list_filters_and_hides_names_from_analysts(open_case, personas):
    ico = token_client(personas.ico).get(BASE, {"country": "kh", "status": "open"}).json()
    assert ico["count"] == 1
    assert ico["items"][0]["victims"] == ["김민준 (KIM Minjun)"]
    assert AuditEvent.objects.filter(action="view", object_type="cases.case").exists()
    # An analyst works with facts and figures: no search by a person, a list without names.
    refused = token_client(personas.analyst).get(BASE, {"q": "Kim Min-jun"})
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "q"
    analyst = token_client(personas.analyst).get(BASE, {"country": "KH"}).json()
    assert analyst["count"] == 1
    assert analyst["items"][0]["victims"] is None
    assert analyst["items"][0]["summary"] is None
    assert token_client(personas.ico).get(BASE, {"status": "closed"}).json()["count"] == 0
    assert token_client(personas.ico).get(BASE, {"q": "M 1234 5678"}).json()["count"] == 1


def test_a_case_of_another_post_is_404(open_case, posts):
    client = token_client(posts.manila_officer)
    assert client.get(f"{BASE}{open_case.pk}").status_code == 404
    assert client.get(f"{BASE}{open_case.pk}/timeline").status_code == 404
    assert client.get(BASE).json()["count"] == 0


def test_the_case_record_masks_passports_and_is_audited(open_case, personas):
    response = token_client(personas.ico).get(f"{BASE}{open_case.pk}")
    assert response.status_code == 200
    assert "M12345678" not in response.content.decode()
    victim = response.json()["people"]["victims"][0]
    assert victim["passport"] == "••••••78"
    assert AuditEvent.objects.filter(
        action="view", object_type="cases.case", object_id=str(open_case.pk)
    ).exists()
    analyst = token_client(personas.analyst).get(f"{BASE}{open_case.pk}").json()
    assert analyst["people"]["victims"][0]["name_ko"] is None
    assert analyst["people"]["victims"][0]["passport"] is None
    assert analyst["moves"] == []


def test_a_transition_moves_the_case_and_a_stale_version_is_409(open_case, personas):
    client = token_client(personas.overseas)
    url = f"{BASE}{open_case.pk}/transitions"
    moved = post_json(client, url, {"to_status": "triaged", "expected_version": open_case.version})
    assert moved.status_code == 200, moved.content
    assert moved.json()["status"] == "triaged"
    stale = post_json(
        client, url, {"to_status": "investigation", "expected_version": open_case.version}
    )
    assert stale.status_code == 409
    assert "Someone else changed this case" in stale.json()["detail"]
    assert Case.objects.get(pk=open_case.pk).status == "triaged"


def test_an_illegal_transition_is_422_saying_what_is_missing(open_case, personas):
    response = post_json(
        token_client(personas.overseas),
        f"{BASE}{open_case.pk}/transitions",
        {"to_status": "closed"},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "outcome"


def test_an_analyst_may_not_move_a_case(open_case, personas):
    url = f"{BASE}{open_case.pk}/transitions"
    response = post_json(token_client(personas.analyst), url, {"to_status": "triaged"})
    assert response.status_code == 403


def test_the_timeline_lists_entries_with_text_only_for_those_who_may_read_it(open_case, personas):
    entries = token_client(personas.ico).get(f"{BASE}{open_case.pk}/timeline").json()
    assert entries["count"] >= 1
    assert entries["items"][0]["kind"] == "report_attached"
    assert "Telegram" in entries["items"][0]["body"]
    analyst = token_client(personas.analyst).get(f"{BASE}{open_case.pk}/timeline").json()
    assert analyst["items"][0]["body"] is None
