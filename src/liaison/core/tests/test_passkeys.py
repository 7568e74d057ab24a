"""Passkeys around their ceremonies: who may start one, what a refused answer costs, and
what is audited. The ceremonies themselves run against a real authenticator in
test_passkeys_browser.py."""

import json
import time

import pytest
from django.test import Client
from django_otp_webauthn.models import WebAuthnCredential

from liaison.core import mfa
from liaison.core.choices import AuditAction, Role
from liaison.core.models import AuditEvent
from liaison.core.tests.factories import UserFactory, stored_passkey
from liaison.core.tests.second_factor import authenticator_for

pytestmark = pytest.mark.django_db

GARBAGE_ANSWER = {
    "id": "AAAA",
    "rawId": "AAAA",
    "type": "public-key",
    "response": {"clientDataJSON": "e30", "authenticatorData": "AAAA", "signature": "AAAA"},
}


@pytest.fixture
def officer(institutions):
    user = UserFactory(username="key.holder", role=Role.ICO_OFFICER, institution=institutions.ico)
    authenticator_for(user)
    return user


def _post(client, name, body=None, *, raw=None):
    return client.post(
        f"/{name}/", raw if raw is not None else json.dumps(body or {}), "application/json"
    )


def _password_only(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def _proof_is_old(client) -> None:
    session = client.session
    session[mfa.VERIFIED_AT_SESSION_KEY] = int(time.time()) - 3600
    session.save()


def test_adding_a_passkey_starts_with_a_challenge_for_this_site(client_for, officer):
    answer = _post(client_for(officer), "profile/passkeys/begin", {"back": "/profile/"})
    assert answer.status_code == 200
    options = answer.json()
    assert options["rp"]["id"] == "testserver"
    assert options["user"]["name"] == "key.holder"
    assert len(options["challenge"]) >= 43  # 32 random bytes, base64url


def test_adding_a_passkey_needs_both_factors_proved_in_the_last_minutes(client_for, officer):
    client = client_for(officer)
    _proof_is_old(client)
    answer = _post(client, "profile/passkeys/begin", {"back": "/profile/"})
    assert answer.status_code == 403
    assert answer.json()["redirect"] == "/login/again/?next=%2Fprofile%2F"
    assert "Confirm it is you" in answer.json()["detail"]


def test_a_password_only_session_cannot_add_a_passkey(officer):
    answer = _post(_password_only(officer), "profile/passkeys/begin")
    assert answer.status_code == 302
    assert answer.url.startswith("/login/second-factor/")


@pytest.mark.parametrize(
    "name, message",
    [("", "Give the passkey a name"), ("x" * 61, "at most 60 characters")],
)
def test_a_passkey_needs_a_short_name(client_for, officer, name, message):
    client = client_for(officer)
    _post(client, "profile/passkeys/begin")
    answer = _post(client, "profile/passkeys/complete", {"credential": {}, "name": name})
    assert answer.status_code == 400
    assert message in answer.json()["detail"]


def test_an_answer_that_does_not_verify_adds_nothing(client_for, officer):
    client = client_for(officer)
    _post(client, "profile/passkeys/begin")
    answer = _post(
        client, "profile/passkeys/complete", {"credential": GARBAGE_ANSWER, "name": "Key"}
    )
    assert answer.status_code == 400
    assert "could not be verified" in answer.json()["detail"]
    assert not WebAuthnCredential.objects.filter(user=officer).exists()
    # The challenge was spent by the refused answer: a second try needs a new one.
    again = _post(client, "profile/passkeys/complete", {"credential": GARBAGE_ANSWER, "name": "K"})
    assert "expired" in again.json()["detail"]


@pytest.mark.parametrize("raw", ["not json", "[1, 2]", "\udcff", '{"credential": "\\u0000"}'])
def test_a_body_that_is_not_a_ceremony_answer_is_refused_in_words(client_for, officer, raw):
    stored_passkey(officer)
    client = client_for(officer)
    _post(client, "login/passkey/begin")
    answer = _post(client, "login/passkey/complete", raw=raw.encode("utf-8", "surrogatepass"))
    assert answer.status_code in (400, 403)
    assert answer.json()["detail"]


def test_without_a_passkey_the_second_step_asks_for_the_code(officer):
    answer = _post(_password_only(officer), "login/passkey/begin")
    assert answer.status_code == 400
    assert "no passkey" in answer.json()["detail"]


def test_the_second_step_offers_the_passkey_in_korean(officer):
    officer.language = "ko"
    officer.save(update_fields=["language"])
    stored_passkey(officer)
    client = _password_only(officer)
    page = client.get("/login/second-factor/")
    assert "패스키 사용" in page.content.decode()
    assert "vendor/simplewebauthn/browser.umd.min.js" in page.content.decode()


def test_a_refused_passkey_counts_toward_the_lockout(officer, settings):
    stored_passkey(officer)
    client = _password_only(officer)
    for _attempt in range(settings.LIAISON_LOCKOUT_FAILURES):
        assert _post(client, "login/passkey/begin").status_code == 200
        answer = _post(client, "login/passkey/complete", {"credential": GARBAGE_ANSWER})
    officer.refresh_from_db()
    assert officer.is_locked
    assert answer.status_code == 403
    failures = AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED, object_id=officer.pk)
    assert failures.filter(reason="second factor: passkey").count() == 5
    assert _post(client, "login/passkey/begin").status_code == 403  # locked: no new challenge


def test_re_authentication_with_a_passkey_checks_the_password_first(client_for, officer):
    stored_passkey(officer)
    client = client_for(officer)
    _post(client, "login/passkey/begin")
    answer = _post(
        client, "login/passkey/complete", {"credential": GARBAGE_ANSWER, "password": "wrong"}
    )
    assert answer.status_code == 400
    assert "password is not correct" in answer.json()["detail"]
    assert AuditEvent.objects.filter(
        action=AuditAction.LOGIN_FAILED, reason="re-authentication password"
    ).exists()


def test_one_removes_ones_own_passkey_after_confirming_it_is_them(client_for, officer):
    key = stored_passkey(officer, name="Desk YubiKey")
    client = client_for(officer)
    _proof_is_old(client)
    answer = client.post(f"/profile/passkeys/{key.pk}/remove/", HTTP_REFERER="/profile/")
    assert answer.url == "/login/again/?next=%2Fprofile%2F"
    assert WebAuthnCredential.objects.filter(pk=key.pk).exists()

    fresh = client_for(officer)
    answer = fresh.post(f"/profile/passkeys/{key.pk}/remove/", follow=True)
    assert "Passkey “Desk YubiKey” removed." in answer.content.decode()
    assert not WebAuthnCredential.objects.filter(pk=key.pk).exists()
    removal = AuditEvent.objects.get(reason="passkey removed")
    assert removal.actor == officer
    assert removal.changes == {"passkeys": {"before": "Desk YubiKey", "after": ""}}


def test_another_persons_passkey_is_not_found(client_for, officer, personas):
    key = stored_passkey(personas.ico)
    assert client_for(officer).post(f"/profile/passkeys/{key.pk}/remove/").status_code == 404
    assert WebAuthnCredential.objects.filter(pk=key.pk).exists()


def test_an_administrators_reset_removes_the_passkeys_too(client_for, officer, personas):
    stored_passkey(officer)
    client_for(personas.admin).post(f"/users/{officer.pk}/second-factors/reset/")
    assert not WebAuthnCredential.objects.filter(user=officer).exists()
    assert not mfa.is_enrolled(officer)


def test_the_profile_lists_ones_passkeys(client_for, officer):
    stored_passkey(officer, name="Desk YubiKey")
    page = client_for(officer).get("/profile/").content.decode()
    assert "Desk YubiKey" in page
    assert 'data-passkey="register"' in page
