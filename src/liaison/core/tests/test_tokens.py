import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from liaison.core import services
from liaison.core.choices import AuditAction
from liaison.core.models import ApiToken, AuditEvent
from liaison.core.tests.second_factor import verify_session

pytestmark = pytest.mark.django_db


def api(token):
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_ACCEPT_LANGUAGE="en")


def test_a_token_is_shown_once_and_only_its_hash_is_stored(personas):
    token, raw = services.api_token_create(actor=personas.ico, name="reporting")
    assert raw.startswith(f"lia_{token.prefix}_")
    stored = ApiToken.objects.get(pk=token.pk)
    assert raw.split("_", 2)[2] not in stored.token_hash and len(stored.token_hash) == 64
    assert AuditEvent.objects.filter(
        action=AuditAction.TOKEN_CREATE, object_id=str(token.pk)
    ).exists()


def test_a_machine_client_uses_the_api_with_its_token(personas):
    _token, raw = services.api_token_create(actor=personas.ico, name="reporting")
    response = api(raw).get("/api/v1/me")
    assert response.status_code == 200
    assert response.json()["username"] == "ico"


def test_a_revoked_token_is_refused(personas):
    token, raw = services.api_token_create(actor=personas.ico, name="reporting")
    services.api_token_revoke(actor=personas.ico, token=token)
    response = api(raw).get("/api/v1/me")
    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]


def test_an_expired_token_is_refused(personas):
    _token, raw = services.api_token_create(actor=personas.ico, name="short", expires_in_days=1)
    with time_machine.travel(datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(days=2)):
        assert api(raw).get("/api/v1/me").status_code == 401


def test_a_forged_token_is_refused(personas):
    token, _raw = services.api_token_create(actor=personas.ico, name="reporting")
    assert api(f"lia_{token.prefix}_forged-secret").get("/api/v1/me").status_code == 401
    assert api("not-a-token").get("/api/v1/me").status_code == 401


def test_token_writes_need_no_csrf_but_session_writes_do(personas):
    _token, raw = services.api_token_create(actor=personas.ico, name="automation")
    by_token = api(raw).post("/api/v1/tokens", {"name": "second"}, content_type="application/json")
    assert by_token.status_code == 201
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(personas.ico)
    verify_session(browser, personas.ico)
    by_session = browser.post("/api/v1/tokens", {"name": "third"}, content_type="application/json")
    assert by_session.status_code == 403


def test_a_user_revokes_a_token_from_the_profile_page(client_for, personas):
    token, raw = services.api_token_create(actor=personas.ico, name="reporting")
    client_for(personas.ico).post(reverse("core:token_revoke", args=[token.pk]))
    assert api(raw).get("/api/v1/me").status_code == 401


def test_nobody_revokes_another_users_token_from_the_profile_page(client_for, personas):
    token, raw = services.api_token_create(actor=personas.ico, name="reporting")
    response = client_for(personas.analyst).post(reverse("core:token_revoke", args=[token.pk]))
    assert response.status_code == 404
    assert api(raw).get("/api/v1/me").status_code == 200


def test_the_profile_page_creates_a_token_and_shows_it_once(client_for, personas):
    client = client_for(personas.ico)
    response = client.post(
        reverse("core:profile"), {"action": "token", "name": "etl", "expires_in_days": 30}
    )
    assert response.status_code == 200
    raw = response.context["new_token"]
    assert raw in response.content.decode()
    assert raw not in client.get(reverse("core:profile")).content.decode()


def test_the_auditor_has_no_api_tokens(personas):
    with pytest.raises(Exception, match="role"):
        services.api_token_create(actor=personas.auditor, name="x")
