import datetime

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from liaison.core.choices import AuditAction
from liaison.core.mfa import USE_NOTICE_ACKNOWLEDGED
from liaison.core.models import AuditEvent, User
from liaison.core.tests.factories import PASSWORD, UserFactory
from liaison.core.tests.second_factor import fresh_code

pytestmark = pytest.mark.django_db


def sign_in(client, username, password=PASSWORD):
    """The password with the system-use notice acknowledged, then, if it was accepted, the
    authenticator's code: the answer of the last step."""
    code = fresh_code(username) if User.objects.filter(username=username).exists() else ""
    response = client.post(
        reverse("core:login"), {"username": username, "password": password, "acknowledge": "on"}
    )
    if response.status_code == 302 and response.url.startswith(reverse("core:second_factor")):
        response = client.post(response.url, {"code": code})
    return response


@pytest.mark.argon2
def test_passwords_are_hashed_with_argon2():
    user = UserFactory(username="hashed", password="a-long-enough-secret-phrase")
    assert user.password.startswith("argon2$")
    assert user.check_password("a-long-enough-secret-phrase")


def test_successful_sign_in_is_audited_with_the_address(client, personas):
    response = sign_in(client, "ico")
    assert response.status_code == 302 and response.url == reverse("home")
    event = AuditEvent.objects.get(action=AuditAction.LOGIN, reason=USE_NOTICE_ACKNOWLEDGED)
    assert (event.actor, event.ip_address, event.object_id) == (
        personas.ico,
        "127.0.0.1",
        str(personas.ico.pk),
    )


def test_failed_sign_in_is_refused_and_audited_without_revealing_which_part_was_wrong(
    client, personas
):
    wrong_password = sign_in(client, "ico", "not-the-password")
    unknown_user = sign_in(client, "nobody", "whatever")
    for response in (wrong_password, unknown_user):
        assert response.status_code == 400
        assert "The username or password is not correct." in response.content.decode()
    labels = list(
        AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED).values_list(
            "actor_label", flat=True
        )
    )
    assert sorted(labels) == ["ico", "nobody"]


def test_five_failures_lock_the_account_even_against_the_right_password(client, personas, settings):
    for _ in range(settings.LIAISON_LOCKOUT_FAILURES):
        sign_in(client, "ico", "wrong")
    response = sign_in(client, "ico")
    assert response.status_code == 400
    assert "locked" in response.content.decode()
    assert User.objects.get(username="ico").is_locked
    assert (
        AuditEvent.objects.filter(
            action=AuditAction.LOCKOUT, object_id=str(personas.ico.pk)
        ).count()
        == 1
    )


def test_a_lock_outlasts_the_window_until_an_administrator_releases_it(client, personas, settings):
    for _ in range(settings.LIAISON_LOCKOUT_FAILURES):
        sign_in(client, "ico", "wrong")
    days_later = datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(days=3)
    with time_machine.travel(days_later):
        assert sign_in(client, "ico").status_code == 400
        assert User.objects.get(username="ico").is_locked


def test_administrator_unlocks_an_account(client, client_for, personas, settings):
    for _ in range(settings.LIAISON_LOCKOUT_FAILURES):
        sign_in(client, "ico", "wrong")
    response = client_for(personas.admin).post(reverse("core:user_unlock", args=[personas.ico.pk]))
    assert response.status_code == 302
    assert sign_in(Client(), "ico").status_code == 302
    assert AuditEvent.objects.filter(action=AuditAction.UNLOCK, actor=personas.admin).exists()


def test_only_an_administrator_may_unlock(client_for, personas):
    response = client_for(personas.ico).post(
        reverse("core:user_unlock", args=[personas.requester.pk])
    )
    assert response.status_code == 403


def test_idle_session_expires(client, personas, settings):
    sign_in(client, "ico")
    assert client.get(reverse("home")).status_code == 200
    idle = datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(
        seconds=settings.SESSION_COOKIE_AGE + 60
    )
    with time_machine.travel(idle):
        response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(reverse("core:login"))


def test_activity_keeps_the_session_alive(client, personas, settings):
    sign_in(client, "ico")
    start = datetime.datetime.now(tz=datetime.UTC)
    step = datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE * 2 // 3)
    for n in (1, 2):
        with time_machine.travel(start + step * n):
            assert client.get(reverse("home")).status_code == 200


def test_forms_require_the_csrf_token(personas):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("core:login"), {"username": "ico", "password": PASSWORD})
    assert response.status_code == 403


def test_sign_out_is_audited_and_ends_the_session(client, personas):
    sign_in(client, "ico")
    client.post(reverse("core:logout"))
    assert AuditEvent.objects.filter(action=AuditAction.LOGOUT, actor=personas.ico).exists()
    assert client.get(reverse("home")).status_code == 302


def test_sign_in_redirects_only_to_this_site(client, personas):
    response = client.post(
        reverse("core:login") + "?next=https://evil.example/",
        {
            "username": "ico",
            "password": PASSWORD,
            "next": "https://evil.example/",
            "acknowledge": "on",
        },
    )
    assert response.url == reverse("core:mfa_enrol")


def test_deactivated_account_cannot_sign_in(client, personas):
    User.objects.filter(pk=personas.ico.pk).update(is_active=False)
    assert sign_in(client, "ico").status_code == 400


def _session_writes(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return [
        q["sql"]
        for q in captured.captured_queries
        if "django_session" in q["sql"] and not q["sql"].lstrip().upper().startswith("SELECT")
    ]


def test_a_session_in_use_is_written_at_most_once_per_refresh_interval(client, personas, settings):
    sign_in(client, "ico")
    key = client.session.session_key
    start = datetime.datetime.now(tz=datetime.UTC)
    with time_machine.travel(start, tick=False):
        _session_writes(client, reverse("home"))
        expiry = Session.objects.get(pk=key).expire_date
    # Within the interval a page view reads the session and writes nothing.
    with time_machine.travel(start + datetime.timedelta(seconds=30), tick=False):
        assert _session_writes(client, reverse("home")) == []
    assert Session.objects.get(pk=key).expire_date == expiry
    # Past it, the view pushes the idle expiry forward.
    later = start + datetime.timedelta(seconds=settings.LIAISON_SESSION_REFRESH_SECONDS + 1)
    with time_machine.travel(later, tick=False):
        assert _session_writes(client, reverse("home"))
    assert Session.objects.get(pk=key).expire_date == later + datetime.timedelta(
        seconds=settings.SESSION_COOKIE_AGE
    )


def test_an_anonymous_visitor_is_given_no_session(client, settings):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("core:login")).status_code == 200
    assert not any("django_session" in q["sql"] for q in captured.captured_queries)
    assert settings.SESSION_COOKIE_NAME not in client.cookies


def test_the_user_menu_names_the_institution_without_a_query_of_its_own(client_for, personas):
    officer = client_for(personas.ico)
    with CaptureQueriesContext(connection) as captured:
        page = officer.get(reverse("core:profile"))
    assert personas.ico.institution.name_en in page.content.decode()
    affiliation_reads = ('SELECT "core_institution"', 'SELECT "partners_partnerbody"')
    statements = [q["sql"].lstrip() for q in captured.captured_queries]
    assert [sql for sql in statements if sql.startswith(affiliation_reads)] == []


def test_an_account_deactivated_while_signed_in_is_signed_out(client_for, personas):
    officer = client_for(personas.ico)
    User.objects.filter(pk=personas.ico.pk).update(is_active=False)
    page = officer.get(reverse("core:profile"))
    assert page.status_code == 302 and page["Location"].startswith(reverse("core:login"))
