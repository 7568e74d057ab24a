"""Lockout (CJIS AC-7): five consecutive failures within the window lock the account until
an administrator releases it; every attempt on it is audited; administrators are told."""

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from liaison.core import services
from liaison.core.choices import AuditAction, Role
from liaison.core.models import AuditEvent, User
from liaison.core.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_rate_limit(settings):
    # These tests are about the account, not the address: one address may try freely.
    settings.LIAISON_LOGIN_RATE = "1000/m"


def sign_in(client, username, password=PASSWORD):
    """The whole sign-in (notice, password, second factor), as test_auth signs in."""
    from liaison.core.tests.test_auth import sign_in as signed_in

    return signed_in(client, username, password)


def fail(times, username="ico"):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    for _ in range(times):
        sign_in(client, username, "wrong")


def test_four_failures_do_not_lock_and_a_success_starts_the_count_again(personas, settings):
    fail(settings.LIAISON_LOCKOUT_FAILURES - 1)
    assert sign_in(Client(HTTP_ACCEPT_LANGUAGE="en"), "ico").status_code == 302
    fail(settings.LIAISON_LOCKOUT_FAILURES - 1)
    assert not User.objects.get(username="ico").is_locked


def test_failures_spread_beyond_the_window_do_not_lock(personas, settings):
    start = datetime.datetime.now(tz=datetime.UTC)
    gap = datetime.timedelta(seconds=settings.LIAISON_LOCKOUT_WINDOW_SECONDS + 1)
    for n in range(settings.LIAISON_LOCKOUT_FAILURES):
        with time_machine.travel(start + gap * n):
            fail(1)
    assert not User.objects.get(username="ico").is_locked


def test_attempts_on_a_locked_account_are_audited_even_with_the_right_password(personas, settings):
    fail(settings.LIAISON_LOCKOUT_FAILURES)
    response = sign_in(Client(HTTP_ACCEPT_LANGUAGE="en"), "ico")
    assert response.status_code == 400
    assert "An administrator must release it" in response.content.decode()
    refused = AuditEvent.objects.filter(
        action=AuditAction.LOGIN_FAILED, reason="locked", object_id=str(personas.ico.pk)
    )
    assert refused.count() == 1 and refused.get().actor_label == "ico"


def test_the_lock_alerts_every_active_administrator_by_mail(
    personas, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    User.objects.filter(pk=personas.admin.pk).update(email="admin@police.invalid")
    UserFactory(username="second-admin", role=Role.ADMINISTRATOR, email="second@police.invalid")
    UserFactory(
        username="former-admin",
        role=Role.ADMINISTRATOR,
        email="former@police.invalid",
        is_active=False,
    )
    with django_capture_on_commit_callbacks(execute=True):
        fail(settings.LIAISON_LOCKOUT_FAILURES)
    assert len(mailoutbox) == 1
    alert = mailoutbox[0]
    assert sorted(alert.to) == ["admin@police.invalid", "second@police.invalid"]
    # In the agency's language (Korean here), whoever's request locked it.
    assert "ico" in alert.subject and "잠겼습니다" in alert.subject
    lockout = AuditEvent.objects.get(action=AuditAction.LOCKOUT)
    assert lockout.object_id == str(personas.ico.pk)
    # Further attempts on the locked account send no more mail.
    with django_capture_on_commit_callbacks(execute=True):
        fail(2)
    assert len(mailoutbox) == 1


def test_a_wrong_second_factor_counts_toward_the_same_lockout(personas, settings):
    fail(settings.LIAISON_LOCKOUT_FAILURES - 1)
    assert services.register_failed_sign_in(personas.ico, "ico", "second factor") is True
    assert User.objects.get(pk=personas.ico.pk).is_locked
    assert AuditEvent.objects.filter(
        action=AuditAction.LOGIN_FAILED, reason="second factor"
    ).exists()


def test_the_unlock_is_audited_and_clears_the_count(client_for, personas, settings):
    fail(settings.LIAISON_LOCKOUT_FAILURES)
    client_for(personas.admin).post(reverse("core:user_unlock", args=[personas.ico.pk]))
    ico = User.objects.get(pk=personas.ico.pk)
    assert (ico.is_locked, ico.failed_login_count) == (False, 0)
    fail(settings.LIAISON_LOCKOUT_FAILURES - 1)
    assert not User.objects.get(pk=personas.ico.pk).is_locked
