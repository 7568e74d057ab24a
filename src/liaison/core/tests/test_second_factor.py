"""Every account signs in with a second factor (CJIS 5.6.2.2 IA-2; ASVS 5.0 V6.3, V6.5):
a password alone reaches only the second step, codes are single-use, wrong ones are
recorded and count toward the lockout, and an administrator can reset lost factors."""

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from liaison.core import mfa
from liaison.core.choices import AuditAction
from liaison.core.models import AuditEvent, User
from liaison.core.services import api_token_create
from liaison.core.tests.factories import PASSWORD
from liaison.core.tests.second_factor import authenticator_for

pytestmark = pytest.mark.django_db

SECOND_STEP = reverse("core:second_factor")
ENROL = reverse("core:mfa_enrol")


def password_only(username: str, **extra) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = client.post(
        reverse("core:login"),
        {"username": username, "password": PASSWORD, "acknowledge": "on", **extra},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def test_a_password_alone_reaches_only_the_second_step(personas):
    device = authenticator_for(personas.ico)
    client = password_only("ico")
    for page in ("/", "/cases/", reverse("core:profile"), reverse("core:user_list")):
        response = client.get(page)
        assert response.status_code == 302 and response.url.startswith(SECOND_STEP), page
    assert client.get(SECOND_STEP).status_code == 200
    api = client.get("/api/v1/me")
    assert api.status_code == 401 and "Second factor required" in api.json()["detail"]
    client.post(SECOND_STEP, {"code": mfa.current_code(device)})
    assert client.get("/").status_code == 200
    assert client.get("/api/v1/me").status_code == 200


def test_the_second_step_returns_to_the_page_first_asked_for(personas):
    device = authenticator_for(personas.ico)
    client = Client()
    first = client.get("/cases/")
    response = client.post(
        first.url, {"username": "ico", "password": PASSWORD, "acknowledge": "on"}
    )
    assert response.url == f"{SECOND_STEP}?next=%2Fcases%2F"
    verified = client.post(response.url, {"code": mfa.current_code(device)})
    assert verified.status_code == 302 and verified.url == "/cases/"


def test_anonymous_visitors_of_the_second_step_are_sent_to_sign_in(client):
    for page in (SECOND_STEP, ENROL):
        response = client.get(page)
        assert response.status_code == 302 and response.url.startswith(reverse("core:login"))


def test_a_wrong_code_is_refused_audited_and_counted_toward_the_lockout(personas):
    authenticator_for(personas.ico)
    client = password_only("ico")
    response = client.post(SECOND_STEP, {"code": "000000"})
    assert response.status_code == 400
    assert "The code is not correct" in response.content.decode()
    event = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    assert (event.reason, event.object_id) == ("second factor", str(personas.ico.pk))
    assert User.objects.get(pk=personas.ico.pk).failed_login_count == 1
    assert client.get("/").status_code == 302


def test_repeated_wrong_codes_lock_the_account(personas, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp's own delay would refuse them first
    settings.OTP_STATIC_THROTTLE_FACTOR = 0
    device = authenticator_for(personas.ico)
    client = password_only("ico")
    for _ in range(settings.LIAISON_LOCKOUT_FAILURES):
        response = client.post(SECOND_STEP, {"code": "000000"})
    assert "locked" in response.content.decode()
    assert User.objects.get(pk=personas.ico.pk).is_locked
    assert AuditEvent.objects.filter(action=AuditAction.LOCKOUT).count() == 1
    # Even the right code does not get past a locked account's second step: it is signed out.
    response = client.post(SECOND_STEP, {"code": mfa.current_code(device)})
    assert response.status_code == 302 and response.url == reverse("core:login")
    assert client.get("/").url.startswith(reverse("core:login"))


def test_right_after_a_wrong_code_the_device_is_throttled(personas):
    device = authenticator_for(personas.ico)
    client = password_only("ico")
    client.post(SECOND_STEP, {"code": "000000"})
    response = client.post(SECOND_STEP, {"code": mfa.current_code(device)})
    assert response.status_code == 400 and "Too many wrong codes" in response.content.decode()


def test_a_code_already_used_is_refused(personas):
    device = authenticator_for(personas.ico)
    code = mfa.current_code(device)
    first = password_only("ico")
    assert first.post(SECOND_STEP, {"code": code}).status_code == 302
    again = password_only("ico")
    response = again.post(SECOND_STEP, {"code": code})
    assert response.status_code == 400
    assert "already used" in response.content.decode()
    assert again.get("/").status_code == 302


def _enrol(client: Client) -> list[str]:
    """Enrolment through the pages: the secret shown, its code, the recovery codes."""
    page = client.get(ENROL)
    assert page.status_code == 200 and "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(confirmed=False)
    assert mfa.authenticator_secret(device) in page.content.decode()
    refused = client.post(ENROL, {"code": "123456"})
    assert refused.status_code == 400 and "not correct" in refused.content.decode()
    done = client.post(ENROL, {"code": mfa.current_code(device)})
    assert done.status_code == 200
    return list(done.context["codes"])


def test_an_account_without_a_factor_enrols_then_gets_ten_recovery_codes_once(personas):
    client = password_only("ico")
    assert client.get("/").url.startswith(ENROL)
    codes = _enrol(client)
    assert len(codes) == mfa.RECOVERY_CODE_COUNT == len(set(codes))
    assert client.get("/").status_code == 200
    assert mfa.is_enrolled(personas.ico)
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, object_id=str(personas.ico.pk))
    assert "second_factor" in event.changes
    # Enrolled now: the enrolment page shows no new secret.
    assert client.get(ENROL).status_code == 302


def test_a_recovery_code_does_not_throttle_the_authenticator(personas):
    codes = _enrol(password_only("ico"))
    device = TOTPDevice.objects.get(user=personas.ico)
    assert password_only("ico").post(SECOND_STEP, {"code": codes[0]}).status_code == 302
    assert password_only("ico").post(SECOND_STEP, {"code": codes[1]}).status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_a_recovery_code_works_once(personas):
    codes = _enrol(password_only("ico"))
    client = password_only("ico")
    assert client.post(SECOND_STEP, {"code": codes[0]}).status_code == 302
    assert client.get("/").status_code == 200
    event = AuditEvent.objects.filter(action=AuditAction.LOGIN).latest("pk")
    assert event.reason == "second factor: recovery code"
    again = password_only("ico")
    assert again.post(SECOND_STEP, {"code": codes[0]}).status_code == 400


def test_new_recovery_codes_replace_the_old_ones(personas, settings):
    settings.OTP_STATIC_THROTTLE_FACTOR = 0  # the refused old code would delay the new one
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    client = password_only("ico")
    old = _enrol(client)
    new = client.post(reverse("core:recovery_codes_regenerate")).context["codes"]
    assert set(new).isdisjoint(old)
    assert StaticDevice.objects.get(user=personas.ico).token_set.count() == len(new)
    assert password_only("ico").post(SECOND_STEP, {"code": old[1]}).status_code == 400
    assert password_only("ico").post(SECOND_STEP, {"code": new[1]}).status_code == 302


def test_an_administrator_resets_lost_factors_with_an_audit_entry(client_for, personas):
    authenticator_for(personas.ico)
    response = client_for(personas.admin).post(
        reverse("core:user_second_factors_reset", args=[personas.ico.pk])
    )
    assert response.status_code == 302
    assert not mfa.is_enrolled(personas.ico)
    event = AuditEvent.objects.get(
        action=AuditAction.UPDATE, reason="second factors reset; sessions ended"
    )
    assert (event.actor, event.object_id) == (personas.admin, str(personas.ico.pk))
    assert password_only("ico").get("/").url.startswith(ENROL)


@pytest.mark.parametrize("who", ["ico", "requester"])
def test_only_an_administrator_may_reset_factors(client_for, personas, who):
    authenticator_for(personas.admin)
    response = client_for(getattr(personas, who)).post(
        reverse("core:user_second_factors_reset", args=[personas.admin.pk])
    )
    assert response.status_code == 403
    assert mfa.is_enrolled(personas.admin)


def test_an_anonymous_reset_is_sent_to_sign_in(client, personas):
    response = client.post(reverse("core:user_second_factors_reset", args=[personas.ico.pk]))
    assert response.status_code == 302 and response.url.startswith(reverse("core:login"))


def test_an_api_token_needs_no_second_factor(personas):
    assert not mfa.is_enrolled(personas.ico)
    _token, raw = api_token_create(actor=personas.ico, name="partner system")
    response = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200 and response.json()["username"] == "ico"


def test_sign_out_works_before_the_second_factor(personas):
    client = password_only("ico")
    assert client.post(reverse("core:logout")).status_code == 302
    assert client.get(SECOND_STEP).url.startswith(reverse("core:login"))
