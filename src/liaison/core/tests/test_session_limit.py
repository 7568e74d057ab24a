"""Sessions end 12 hours after sign-in however busy (CJIS AC-12), beside the idle expiry."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from liaison.core.choices import AuditAction
from liaison.core.models import AuditEvent
from liaison.core.tests.factories import PASSWORD
from liaison.core.tests.test_auth import sign_in

pytestmark = pytest.mark.django_db


def test_a_busy_session_ends_at_the_absolute_limit_and_says_why(client, personas, settings):
    start = datetime.datetime.now(tz=datetime.UTC)
    with time_machine.travel(start, tick=False):
        sign_in(client, "ico", PASSWORD)
    step = datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE // 2)
    limit = datetime.timedelta(seconds=settings.LIAISON_SESSION_ABSOLUTE_SECONDS)
    moment = start + step
    while moment < start + limit:  # a request every quarter hour: never idle
        with time_machine.travel(moment, tick=False):
            assert client.get(reverse("home")).status_code == 200
        moment += step
    with time_machine.travel(start + limit + datetime.timedelta(seconds=1), tick=False):
        ended = client.get(reverse("core:profile"))
        assert ended.status_code == 302
        assert ended.url == reverse("core:login") + "?next=" + reverse("core:profile")
        page = client.get(ended.url)
    assert "Your session has reached its time limit" in page.content.decode()
    logout = AuditEvent.objects.get(action=AuditAction.LOGOUT)
    assert (logout.actor, logout.reason) == (personas.ico, "session expired")


def test_the_limit_counts_from_sign_in_also_for_a_forced_login(client_for, personas, settings):
    # A limit shorter than the idle expiry, so that only the limit can end the session.
    settings.LIAISON_SESSION_ABSOLUTE_SECONDS = settings.SESSION_COOKIE_AGE // 3
    officer = client_for(personas.ico)
    later = datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(
        seconds=settings.LIAISON_SESSION_ABSOLUTE_SECONDS + 1
    )
    with time_machine.travel(later, tick=False):
        # An API request with the session cookie is answered in JSON.
        response = officer.get("/api/v1/cases/")
    assert response.status_code == 401
    assert "time limit" in response.json()["detail"]
    assert AuditEvent.objects.filter(action=AuditAction.LOGOUT, reason="session expired").exists()


def test_a_session_within_the_limit_goes_on(client_for, personas, settings):
    officer = client_for(personas.ico)
    within = datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(
        seconds=settings.SESSION_COOKIE_AGE - 120
    )
    with time_machine.travel(within, tick=False):
        assert officer.get(reverse("home")).status_code == 200
    assert not AuditEvent.objects.filter(action=AuditAction.LOGOUT).exists()
