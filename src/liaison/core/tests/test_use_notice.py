"""The system-use notice (CJIS 5.5.4 AC-8): shown on the sign-in page in the reader's
language, acknowledged before any password is checked, the acknowledgement recorded."""

import pytest
from django.test import Client
from django.urls import reverse

from liaison.core.choices import AuditAction
from liaison.core.mfa import USE_NOTICE_ACKNOWLEDGED
from liaison.core.models import AuditEvent, User
from liaison.core.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "setting"), [("en", "LIAISON_USE_NOTICE_EN"), ("ko", "LIAISON_USE_NOTICE_KO")]
)
def test_the_sign_in_page_shows_the_configured_notice_in_the_readers_language(
    settings, language, setting
):
    setattr(settings, setting, f"Notice for {language} readers: all use is recorded.")
    page = Client(HTTP_ACCEPT_LANGUAGE=language).get(reverse("core:login")).content.decode()
    assert f"Notice for {language} readers: all use is recorded." in page
    assert 'name="acknowledge"' in page


def test_the_default_notices_say_use_is_monitored():
    from django.conf import settings

    assert "monitored" in settings.LIAISON_USE_NOTICE_EN
    assert "감시" in settings.LIAISON_USE_NOTICE_KO


@pytest.mark.parametrize("password", [PASSWORD, "not-the-password"])
def test_without_the_acknowledgement_no_password_is_checked(client, personas, password):
    response = client.post(reverse("core:login"), {"username": "ico", "password": password})
    assert response.status_code == 400
    assert "Acknowledge the system-use notice to sign in." in response.content.decode()
    assert not AuditEvent.objects.filter(
        action__in=[AuditAction.LOGIN, AuditAction.LOGIN_FAILED]
    ).exists()
    assert User.objects.get(pk=personas.ico.pk).failed_login_count == 0
    assert client.get("/").status_code == 302


def test_the_acknowledgement_is_in_the_sign_in_audit_entry(client, personas):
    client.post(
        reverse("core:login"), {"username": "ico", "password": PASSWORD, "acknowledge": "on"}
    )
    event = AuditEvent.objects.get(action=AuditAction.LOGIN)
    assert (event.actor, event.reason) == (personas.ico, USE_NOTICE_ACKNOWLEDGED)
