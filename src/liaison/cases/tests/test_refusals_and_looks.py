"""Every refusal and every look at the cases' personal data is in the audit trail: a case
out of the reader's scope answered 404 (measured before: 0 of 50 were recorded), by page
and API; a role refused inside a service's transaction; the case and report lists with
the filters they were read with, a passport number masked."""

import pytest
from django.urls import reverse

from liaison.core.choices import AuditAction
from liaison.core.models import AuditEvent

from .conftest import make_case

pytestmark = pytest.mark.django_db


def refusals(user):
    return AuditEvent.objects.filter(action=AuditAction.ACCESS_DENIED, actor=user)


def test_fifty_cases_out_of_scope_are_fifty_refusals_with_route_and_record(
    posts, personas, client_for, cambodia_police
):
    cases = [make_case(cambodia_police.country, post=posts.task_force) for _ in range(50)]
    manila = client_for(posts.manila_officer)
    for case in cases:
        assert manila.get(reverse("cases:detail", args=[case.pk])).status_code == 404
    recorded = refusals(posts.manila_officer).order_by("pk")
    assert recorded.count() == 50
    assert [e.object_id for e in recorded] == [str(c.pk) for c in cases]
    first = recorded.first()
    assert (first.object_type, first.reason) == ("cases:detail", "not found or out of scope")
    assert first.changes["request"] == {
        "route": "cases:detail",
        "method": "GET",
        "path": f"/cases/{cases[0].pk}/",
        "status": 404,
        "kwargs": {"pk": str(cases[0].pk)},
    }
    assert first.request_id  # the request's id, as every entry


def test_a_case_out_of_scope_by_api_is_a_refusal_too(posts, personas, client_for, open_case):
    response = client_for(posts.manila_officer).get(f"/api/v1/cases/{open_case.pk}")
    assert response.status_code == 404
    refusal = refusals(posts.manila_officer).get()
    assert refusal.object_id == str(open_case.pk)
    assert refusal.changes["request"]["route"] == "api:case_detail"


def test_a_mistyped_address_is_not_a_refusal(personas, client_for):
    client = client_for(personas.ico)
    assert client.get("/cases/no-such-page/").status_code == 404
    assert client.get("/api/v1/no-such-operation").status_code == 404
    assert not refusals(personas.ico).exists()


def test_a_refusal_named_by_the_code_is_recorded_once_with_its_right(
    personas, client_for, open_case
):
    response = client_for(personas.analyst).post(
        reverse("cases:action", args=[open_case.pk, "edit"]), {"title": "Mine now"}
    )
    assert response.status_code == 403
    refusal = refusals(personas.analyst).get()
    assert (refusal.object_type, refusal.reason) == ("cases.work", "permission")
    assert refusal.changes["request"]["route"] == "cases:action"


def test_a_passport_refused_by_its_service_is_recorded_once(personas, client_for, open_case):
    victim = open_case.victims.first()
    client = client_for(personas.commissioner)  # sees people, not their passport numbers
    response = client.post(reverse("cases:passport", args=[open_case.pk, "victim", victim.pk]))
    assert response.status_code == 403
    refusal = refusals(personas.commissioner).get()
    assert refusal.object_type == "cases.view_passports"
    assert refusal.changes["request"]["kwargs"] == {
        "pk": str(open_case.pk),
        "kind": "victim",
        "item": str(victim.pk),
    }


def test_the_case_list_is_recorded_with_its_filters_and_a_passport_masked(
    personas, client_for, open_case
):
    client = client_for(personas.ico)
    response = client.get(reverse("cases:list"), {"passport": "M12345678", "page": "1"})
    assert open_case.reference in response.content.decode()
    look = AuditEvent.objects.get(action=AuditAction.VIEW, object_type="cases.case", object_id="")
    assert look.object_repr == "case list: 1 cases"
    assert look.reason == "filters: passport=•••••••78"
    assert "M12345678" not in str(look.changes) + look.reason + look.object_repr


def test_the_case_list_of_an_analyst_shows_no_one_and_records_no_look(
    personas, client_for, open_case
):
    client_for(personas.analyst).get(reverse("cases:list"))
    assert not AuditEvent.objects.filter(action=AuditAction.VIEW).exists()


def test_the_report_list_is_recorded_with_its_filters(personas, client_for, received_report):
    client_for(personas.ico).get(reverse("cases:report_list"), {"q": "Kim"})
    look = AuditEvent.objects.get(action=AuditAction.VIEW, object_type="cases.report")
    assert (look.object_id, look.reason) == ("", "filters: q=Kim")
    assert look.object_repr == "report list: 1 reports"
