"""The daily review disables temporary accounts past their expiry and accounts unused for
LIAISON_INACTIVE_DAYS (CJIS AC-2(3)), each audited as the scheduler's change."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from liaison.core import jobs, services
from liaison.core.account_jobs import KIND
from liaison.core.choices import AuditAction, JobState
from liaison.core.models import AuditEvent, User
from liaison.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def account(username, *, last_login=None, joined_days_ago=1, expires_at=None, usable=True):
    user = UserFactory(username=username, expires_at=expires_at)
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
        (str(expired.pk), "account expired", "liaison scheduler"),
        (str(unused.pk), f"unused for {days} days", "liaison scheduler"),
        (str(never_signed_in.pk), f"unused for {days} days", "liaison scheduler"),
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
