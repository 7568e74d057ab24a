"""The daily review disables temporary accounts past their expiry and accounts unused for
LIAISON_INACTIVE_DAYS (CJIS AC-2(3)), each audited as the scheduler's change."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from liaison.core import jobs, services
from liaison.core.account_jobs import KIND
from liaison.core.choices import AuditAction, JobState, Role
from liaison.core.models import AuditEvent, User
from liaison.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def account(
    username, *, last_login=None, joined_days_ago=1, expires_at=None, usable=True, **fields
):
    user = UserFactory(username=username, expires_at=expires_at, **fields)
    user.last_login = last_login
    user.date_joined = timezone.now() - DAY * joined_days_ago
    if not usable:
        user.set_unusable_password()
    user.save()
    return user


def test_expired_and_unused_accounts_are_disabled_by_the_scheduled_job(
    personas,
    queue,
    settings,
    django_capture_on_commit_callbacks,
):
    now = timezone.now()
    days = settings.LIAISON_INACTIVE_DAYS
    expired = account("temp-expired", expires_at=now - DAY)
    unused = account("unused", last_login=now - DAY * (days + 1), joined_days_ago=400)
    never_signed_in = account("never", joined_days_ago=days + 5)
    keeps = [
        account("temp-valid", expires_at=now + DAY),
        account("recent", last_login=now - DAY * (days - 1), joined_days_ago=400),
        account("new", joined_days_ago=3),
        account("illustrative", joined_days_ago=400, usable=False),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.fire(KIND)
    queue.run_pending()
    job.refresh_from_db()
    assert job.state == JobState.DONE, job.error
    assert job.result["expired"] == ["temp-expired"]
    assert sorted(job.result["unused"]) == ["never", "unused"]
    for user in (expired, unused, never_signed_in):
        assert not User.objects.get(pk=user.pk).is_active
    for user in keeps:
        assert User.objects.get(pk=user.pk).is_active
    events = AuditEvent.objects.filter(action=AuditAction.UPDATE, actor=None)
    assert {(e.object_id, e.reason, e.actor_label) for e in events} == {
        (str(expired.pk), "account expired; sessions ended", "liaison scheduler"),
        (str(unused.pk), f"unused for {days} days; sessions ended", "liaison scheduler"),
        (str(never_signed_in.pk), f"unused for {days} days; sessions ended", "liaison scheduler"),
    }
    assert all(e.changes == {"is_active": {"before": True, "after": False}} for e in events)


def test_the_review_runs_daily_in_the_small_hours():
    entry = jobs.PERIODIC[KIND]
    assert entry.slot == "%Y-%m-%d" and entry.job_kind == KIND
    # 04:15 in Seoul is 19:15 UTC the day before; Huey asks with naive UTC times.
    assert entry.when(datetime.datetime(2026, 12, 1, 19, 15))
    assert not entry.when(datetime.datetime(2026, 12, 1, 19, 16))


def test_an_administrator_sets_an_expiry_in_the_future_only(client_for, personas):
    admin = client_for(personas.admin)
    form = {
        "full_name": personas.ico.full_name,
        "email": personas.ico.email,
        "role": personas.ico.role,
        "institution": personas.ico.institution_id,
        "language": "en",
        "time_zone": "Asia/Seoul",
        "is_active": "on",
    }
    url = reverse("core:user_edit", args=[personas.ico.pk])
    past = admin.post(url, {**form, "expires_at": "2020-01-01T09:00"})
    assert past.status_code == 400
    assert "expiry must be in the future" in past.content.decode()
    future = (timezone.localtime() + DAY * 30).strftime("%Y-%m-%dT%H:%M")
    assert admin.post(url, {**form, "expires_at": future}).status_code == 302
    assert User.objects.get(pk=personas.ico.pk).expires_at is not None
    change = AuditEvent.objects.filter(action=AuditAction.UPDATE, actor=personas.admin).latest("at")
    assert "expires_at" in change.changes


def test_only_an_administrator_edits_an_account(client_for, personas):
    url = reverse("core:user_edit", args=[personas.requester.pk])
    assert client_for(personas.ico).post(url, {"expires_at": "2030-01-01T09:00"}).status_code == 403


def test_an_account_enabled_again_is_not_disabled_again_the_next_night(personas, settings):
    days = settings.LIAISON_INACTIVE_DAYS
    unused = account("unused", last_login=timezone.now() - DAY * (days + 1), joined_days_ago=400)
    assert services.users_disable_stale().unused == ["unused"]
    services.user_update(actor=personas.admin, user=unused, is_active=True)
    assert services.users_disable_stale(now=timezone.now() + DAY).unused == []
    # Unused again for the whole period since, it is disabled again (with everyone else).
    later = services.users_disable_stale(now=timezone.now() + DAY * (days + 1))
    assert "unused" in later.unused


def test_an_expired_account_is_enabled_again_only_with_a_later_expiry(personas):
    expired = account("temp", expires_at=timezone.now() - DAY)
    services.users_disable_stale()
    with pytest.raises(ValidationError) as refused:
        services.user_update(actor=personas.admin, user=expired, is_active=True)
    assert "expires_at" in refused.value.message_dict
    services.user_update(
        actor=personas.admin, user=expired, is_active=True, expires_at=timezone.now() + DAY * 7
    )
    assert User.objects.get(pk=expired.pk).is_active


def stale_administrators(settings):
    """The only two administrators: one unused for months, one temporary whose expiry has
    passed but who signed in two days ago."""
    now = timezone.now()
    away = account(
        "admin-away",
        role=Role.ADMINISTRATOR,
        email="away@police.invalid",
        last_login=now - DAY * (settings.LIAISON_INACTIVE_DAYS + 10),
        joined_days_ago=400,
    )
    temporary = account(
        "admin-temp",
        role=Role.ADMINISTRATOR,
        email="temp@police.invalid",
        last_login=now - DAY * 2,
        joined_days_ago=400,
        expires_at=now - DAY,
    )
    return away, temporary


def test_the_review_leaves_the_most_recently_active_administrator_and_says_so(
    settings, queue, mailoutbox, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    away, temporary = stale_administrators(settings)
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.fire(KIND)
    with django_capture_on_commit_callbacks(execute=True):
        queue.run_pending()
    job.refresh_from_db()
    assert job.state == JobState.DONE, job.error
    assert job.result == {"expired": [], "unused": ["admin-away"], "spared": "admin-temp"}
    # The worker writes in the agency's language (Korean here).
    assert "admin-temp 계정은 마지막 활성 관리자이므로" in job.summary
    assert User.objects.get(pk=temporary.pk).is_active
    assert not User.objects.get(pk=away.pk).is_active
    spared = AuditEvent.objects.get(object_id=str(temporary.pk))
    assert (spared.action, spared.actor, spared.actor_label) == (
        AuditAction.UPDATE,
        None,
        "liaison scheduler",
    )
    assert spared.reason == "left active: the last active administrator (account expired)"
    assert spared.changes == {}
    # The administrators are told as a lock tells them: in the agency's language (Korean).
    assert len(mailoutbox) == 1
    alert = mailoutbox[0]
    assert alert.to == ["temp@police.invalid"]
    assert "admin-temp" in alert.subject and "관리자" in alert.subject


def test_stale_administrators_are_disabled_while_another_stays_active(
    personas, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    stale_administrators(settings)
    with django_capture_on_commit_callbacks(execute=True):
        done = services.users_disable_stale()
    assert (done.expired, done.unused, done.spared) == (["admin-temp"], ["admin-away"], "")
    assert User.objects.filter(role=Role.ADMINISTRATOR, is_active=True).get() == personas.admin
    assert mailoutbox == []


def test_an_administrator_spared_once_is_spared_again_until_another_is_appointed(settings):
    stale_administrators(settings)
    assert services.users_disable_stale().spared == "admin-temp"
    assert services.users_disable_stale(now=timezone.now() + DAY).spared == "admin-temp"
    successor = account("admin-new", role=Role.ADMINISTRATOR)
    done = services.users_disable_stale(now=timezone.now() + DAY * 2)
    assert (done.expired, done.spared) == (["admin-temp"], "")
    assert User.objects.filter(role=Role.ADMINISTRATOR, is_active=True).get() == successor
