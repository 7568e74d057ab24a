"""The second factor for tests that sign in: a confirmed authenticator for a user, a
session marked as having proved it, and the code the app would show now."""

from __future__ import annotations

import time

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from liaison.core import mfa


def authenticator_for(user) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="test", confirmed=True)


def verify_session(client, user) -> None:
    """After `client.force_login(user)`: the session has passed the second step too."""
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = authenticator_for(user).persistent_id
    session[mfa.VERIFIED_AT_SESSION_KEY] = int(time.time())  # as at a sign-in just now
    session.save()


def fresh_code(username: str) -> str:
    """A code for a new authenticator of the user (so that a code never repeats between
    two sign-ins of the same user within one 30-second step, which TOTP refuses)."""
    from liaison.core.models import User

    user = User.objects.get(username__iexact=username)
    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    return mfa.current_code(device)
