"""Bad input gets a clear 4xx answer and writes nothing."""

import pytest
from django.urls import reverse

from liaison.core.models import AuditEvent, User

pytestmark = pytest.mark.django_db


def test_a_malformed_form_is_answered_with_field_errors_and_nothing_written(client_for, personas):
    before = User.objects.count()
    response = client_for(personas.admin).post(
        reverse("core:user_create"), {"username": "", "role": "pirate"}
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert {"username", "role", "full_name", "password"} <= set(errors)
    assert User.objects.count() == before


def test_a_weak_password_is_refused_with_the_reason(client_for, personas):
    response = client_for(personas.admin).post(
        reverse("core:user_create"),
        {
            "username": "newbie",
            "full_name": "New Officer",
            "role": "analyst",
            "password": "12345",
            "institution": personas.analyst.institution_id,
            "language": "ko",
            "time_zone": "Asia/Seoul",
            "is_active": "on",
        },
    )
    assert response.status_code == 400
    assert "password" in response.context["form"].errors
    assert not User.objects.filter(username="newbie").exists()


def test_an_unknown_id_is_404_on_pages_and_api(client_for, personas):
    client = client_for(personas.admin)
    assert client.get(reverse("core:user_edit", args=[999999])).status_code == 404
    response = client.get("/api/v1/users/999999")
    assert response.status_code == 404 and "detail" in response.json()


def test_an_oversized_upload_is_refused_before_it_is_read(client_for, personas, settings):
    settings.LIAISON_MAX_UPLOAD_BYTES = 1024
    client = client_for(personas.admin)
    page = client.post(reverse("core:profile"), {"action": "token", "name": "x" * 4000})
    assert page.status_code == 413
    api = client.post("/api/v1/tokens", {"name": "x" * 4000}, content_type="application/json")
    assert api.status_code == 413 and "limit" in api.json()["detail"]


def test_a_wrong_content_type_is_refused(client_for, personas):
    response = client_for(personas.admin).post(
        "/api/v1/tokens", "name=x", content_type="text/plain"
    )
    assert response.status_code == 415
    assert "application/json" in response.json()["detail"]


def test_broken_json_is_refused(client_for, personas):
    response = client_for(personas.admin).post(
        "/api/v1/tokens", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert "detail" in response.json()


def test_invalid_api_fields_are_named(client_for, personas):
    response = client_for(personas.admin).post(
        "/api/v1/users", {"username": "x"}, content_type="application/json"
    )
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"password", "full_name", "role"} <= fields


def test_a_service_validation_error_names_the_field_in_the_api(client_for, personas):
    response = client_for(personas.admin).post(
        "/api/v1/users",
        {
            "username": "noinst",
            "password": "a-long-enough-secret-phrase",
            "full_name": "No Institution",
            "role": "analyst",
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["institution"]
    assert not User.objects.filter(username="noinst").exists()


def test_an_unknown_language_is_refused(client_for, personas):
    response = client_for(personas.ico).post(reverse("core:set_language"), {"language": "xx"})
    assert response.status_code == 400


def test_a_wrong_method_is_refused(client_for, personas):
    assert client_for(personas.ico).post(reverse("home")).status_code == 405


def test_a_failed_action_leaves_no_audit_entry(client_for, personas):
    before = AuditEvent.objects.count()
    client_for(personas.admin).post(reverse("core:user_create"), {"username": "x"})
    assert AuditEvent.objects.count() == before
