"""An administrator's reset of a user's factors, release of a lock, new password or
deactivation ends every session the user had open (ASVS 5.0 V7.4.2, V7.4.3); a user who
changes their own password keeps the session they changed it in, and only that one."""

import pytest
from django.urls import reverse

from liaison.core import services
from liaison.core.choices import AuditAction
from liaison.core.models import AuditEvent, User
from liaison.core.tests.factories import PASSWORD
from liaison.core.tests.second_factor import authenticator_for

pytestmark = pytest.mark.django_db

PROFILE = reverse("core:profile")
LOGIN = reverse("core:login")
NEW_PASSWORD = "amber-lantern-over-quiet-harbour"


def signed_in(client) -> bool:
    response = client.get(PROFILE)
    if response.status_code == 302:
        assert response.url.startswith(LOGIN), response.url
        return False
    assert response.status_code == 200
    return True


def test_a_reset_of_the_second_factors_signs_the_user_out_everywhere(client_for, personas):
    authenticator_for(personas.ico)
    office, laptop = client_for(personas.ico), client_for(personas.ico)
    admin = client_for(personas.admin)
    assert signed_in(office) and signed_in(laptop)
    response = admin.post(reverse("core:user_second_factors_reset", args=[personas.ico.pk]))
    assert response.status_code == 302
    assert not signed_in(office) and not signed_in(laptop)
    assert signed_in(admin)
    assert admin.get(reverse("core:user_list")).status_code == 200
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, object_id=str(personas.ico.pk))
    assert event.actor == personas.admin
    assert event.reason == "second factors reset; sessions ended"


def test_the_release_of_a_lock_ends_the_sessions_opened_before_it(client_for, personas):
    before = client_for(personas.ico)
    User.objects.filter(pk=personas.ico.pk).update(locked_at="2026-01-01T00:00Z")
    admin = client_for(personas.admin)
    assert admin.post(reverse("core:user_unlock", args=[personas.ico.pk])).status_code == 302
    assert not signed_in(before)
    assert signed_in(admin)
    event = AuditEvent.objects.get(action=AuditAction.UNLOCK)
    assert event.reason == "sessions ended"
    # A sign-in after the release is not touched by it.
    assert signed_in(client_for(User.objects.get(pk=personas.ico.pk)))


def test_a_password_set_by_an_administrator_ends_the_users_sessions(client_for, personas):
    session = client_for(personas.ico)
    services.user_set_password(actor=personas.admin, user=personas.ico, password=NEW_PASSWORD)
    assert not signed_in(session)
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, object_id=str(personas.ico.pk))
    assert (event.actor, event.reason) == (personas.admin, "sessions ended")


def test_a_deactivated_account_enabled_again_finds_its_old_sessions_ended(client_for, personas):
    session = client_for(personas.ico)
    services.user_update(actor=personas.admin, user=personas.ico, is_active=False)
    assert not signed_in(session)
    services.user_update(actor=personas.admin, user=personas.ico, is_active=True)
    assert not signed_in(session)
    disabled = AuditEvent.objects.filter(action=AuditAction.UPDATE).earliest("at")
    assert disabled.changes == {"is_active": {"before": True, "after": False}}
    assert disabled.reason == "sessions ended"


def test_changing_ones_own_password_keeps_this_session_and_ends_the_others(client_for, personas):
    here, elsewhere = client_for(personas.ico), client_for(personas.ico)
    response = here.post(
        PROFILE,
        {
            "action": "password",
            "current_password": PASSWORD,
            "new_password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302, response.content.decode()[:800]
    assert signed_in(here)
    assert not signed_in(elsewhere)
    assert User.objects.get(pk=personas.ico.pk).check_password(NEW_PASSWORD)


def test_sessions_signed_with_a_retired_secret_key_stay_valid_while_it_is_a_fallback(
    client_for, personas, settings
):
    session = client_for(personas.ico)
    old_key = settings.SECRET_KEY
    settings.SECRET_KEY = "a-new-secret-key-" + "x" * 40
    settings.SECRET_KEY_FALLBACKS = [old_key]
    assert signed_in(session)
    settings.SECRET_KEY_FALLBACKS = []
    assert signed_in(session)  # the first request after rotation re-signed it
