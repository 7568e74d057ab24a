"""Re-authentication before the most sensitive acts (issue 14; ASVS 5.0 V7.5.3): a passport
number in clear, an export with personal data and a change of role need the password and
the second factor proved within LIAISON_REAUTH_SECONDS; then the page comes back."""

import time

import pytest
from django.urls import reverse

from liaison.core import mfa
from liaison.core.choices import AuditAction, Role
from liaison.core.models import AuditEvent, User
from liaison.core.tests.factories import PASSWORD
from liaison.core.tests.second_factor import authenticator_for

pytestmark = pytest.mark.django_db

AGAIN = reverse("core:reauthenticate")


def stale(client, settings) -> None:
    """The session proved its factors longer ago than the re-authentication window."""
    session = client.session
    session[mfa.VERIFIED_AT_SESSION_KEY] = int(time.time()) - settings.LIAISON_REAUTH_SECONDS - 1
    session.save()


def reauthenticate(client, user, password=PASSWORD, **extra):
    code = mfa.current_code(authenticator_for(user))
    return client.post(AGAIN + "?next=/cases/", {"password": password, "code": code, **extra})


def test_a_passport_needs_a_recent_sign_in_then_is_revealed(
    client_for, personas, open_case, settings
):
    client = client_for(personas.overseas)
    stale(client, settings)
    victim = open_case.victims.get()
    url = reverse("cases:passport", args=[open_case.pk, "victim", victim.pk])
    case_page = reverse("cases:detail", args=[open_case.pk])
    refused = client.post(
        url, HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL=f"http://testserver{case_page}"
    )
    assert refused.status_code == 204
    assert refused["HX-Redirect"] == f"{AGAIN}?next={case_page.replace('/', '%2F')}"
    assert not AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_type="cases.victim"
    ).exists()
    done = reauthenticate(client, personas.overseas)
    assert done.status_code == 302 and done.url == "/cases/"
    back = client.get(done.url).content.decode()
    assert "It is you. Do again what you were doing: it will not be asked for 5 minutes." in back
    stated = {"purpose": "investigation"}
    assert "M12345678" in client.post(url, stated, HTTP_HX_REQUEST="true").content.decode()


def test_an_export_with_personal_data_needs_a_recent_sign_in(
    client_for, personas, open_case, settings
):
    client = client_for(personas.ico)
    stale(client, settings)
    response = client.get(reverse("cases:list"), {"export": "csv"})
    assert response.status_code == 302 and response.url.startswith(AGAIN)
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()
    intake = client.get(reverse("cases:report_list"), {"export": "csv"})
    assert intake.status_code == 302 and intake.url.startswith(AGAIN)


def test_an_export_without_personal_data_needs_no_new_sign_in(
    client_for, personas, open_case, settings
):
    client = client_for(personas.analyst)
    stale(client, settings)
    assert client.get(reverse("cases:list"), {"export": "csv"}).status_code == 200


def test_changing_a_role_needs_a_recent_sign_in(client_for, personas, settings):
    client = client_for(personas.admin)
    stale(client, settings)
    target = personas.requester
    url = reverse("core:user_edit", args=[target.pk])
    form = {
        "username": target.username,
        "full_name": target.full_name,
        "email": target.email,
        "role": Role.ICO_OFFICER,
        "institution": target.institution_id,
        "language": target.language,
        "time_zone": target.time_zone,
        "is_active": "on",
    }
    response = client.post(url, form)
    assert response.status_code == 302 and response.url.startswith(AGAIN)
    assert User.objects.get(pk=target.pk).role == Role.REQUESTER
    assert reauthenticate(client, personas.admin).status_code == 302
    assert client.post(url, form).status_code == 302
    assert User.objects.get(pk=target.pk).role == Role.ICO_OFFICER


def test_a_wrong_password_at_re_authentication_is_refused_and_counted(
    client_for, personas, settings
):
    client = client_for(personas.ico)
    stale(client, settings)
    response = reauthenticate(client, personas.ico, password="not-the-password")
    assert response.status_code == 400 and "password is not correct" in response.content.decode()
    event = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    assert event.reason == "re-authentication password"
    assert User.objects.get(pk=personas.ico.pk).failed_login_count == 1
    assert client.get(reverse("cases:list"), {"export": "csv"}).url.startswith(AGAIN)
