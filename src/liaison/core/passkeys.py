"""Passkeys and security keys (WebAuthn), the second choice of second factor beside the
authenticator app (CJIS 5.6.2.2 IA-2, OWASP ASVS 5.0 V6.5.x, phishing-resistant).

django-otp-webauthn keeps the credentials (a django-otp device, so django-otp's
`is_verified` counts them) and py_webauthn checks every ceremony; this module adds our
rules around them: a passkey is added only by a session that proved both factors in the
last minutes, it is a second factor after the password (never a sign-in on its own), a
refused one counts toward the lockout as a wrong code does, re-authentication with a
passkey asks for the password too, and everything is audited. The browser side is
core/static/core/passkeys.js over @simplewebauthn/browser, served from our static files.

The ceremony's challenge lives in the session and is taken out before it is checked, so
an answer is never accepted twice; py_webauthn refuses a signature counter that went back
(a cloned authenticator)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.http.request import split_domain_port
from django.utils.translation import gettext as _
from django_otp_webauthn import exceptions as webauthn_errors
from django_otp_webauthn.helpers import WebAuthnHelper
from django_otp_webauthn.models import WebAuthnCredential
from webauthn.helpers.exceptions import WebAuthnException

from . import audit, mfa
from .choices import AuditAction
from .models import User

REGISTER_STATE = "liaison_passkey_register"
VERIFY_STATE = "liaison_passkey_verify"
NAME_MAX_LENGTH = 60


class PasskeyRefused(Exception):
    """A ceremony refused; the message is safe to show. `status` is the HTTP answer's, and
    `redirect` where the user should go first (to confirm it is them)."""

    def __init__(self, message: str, *, status: int = 400, redirect: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.redirect = redirect


def relying_party_id(request: HttpRequest) -> str:
    """The site's host name (LIAISON_WEBAUTHN_RP_ID, or the host the page came from)."""
    if settings.LIAISON_WEBAUTHN_RP_ID:
        return str(settings.LIAISON_WEBAUTHN_RP_ID)
    host, _port = split_domain_port(request.get_host())
    return host


class PasskeyHelper(WebAuthnHelper):
    """The library's ceremonies with our relying party, origins and names."""

    credential_name = ""

    def get_allowed_origins(self) -> list[str]:
        if settings.LIAISON_WEBAUTHN_ORIGINS:
            return list(settings.LIAISON_WEBAUTHN_ORIGINS)
        return [f"{self.request.scheme}://{self.request.get_host()}"]

    def create_credential(self, user, response, parsed_credential, original_data):
        device = super().create_credential(user, response, parsed_credential, original_data)
        device.name = self.credential_name
        return device


def _helper(request: HttpRequest, name: str = "") -> PasskeyHelper:
    helper = PasskeyHelper(request)
    helper.credential_name = name
    return helper


def passkeys_of(user: User):
    return WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("created_at")


def has_passkey(user: User) -> bool:
    return passkeys_of(user).exists()


def _take_state(request: HttpRequest, key: str) -> dict:
    # Out of the session before anything is checked, and saved at once: never reused.
    state = request.session.pop(key, None)
    request.session.save()
    if not isinstance(state, dict):
        raise PasskeyRefused(_("The passkey request expired: try again."))
    return state


def _refusal(error: Exception) -> PasskeyRefused:
    """What py_webauthn or the library refused, in words for the user (their own messages
    are for developers and in English only)."""
    if isinstance(
        error, webauthn_errors.CredentialNotFound | webauthn_errors.CredentialUserMismatch
    ):
        return PasskeyRefused(_("This passkey is not registered to your account."))
    return PasskeyRefused(_("The passkey's answer could not be verified: try again."))


# Registration ----------------------------------------------------------------------------


def _require_fresh_proof(request: HttpRequest, back_to: str) -> None:
    """Adding a factor needs both factors proved in the last minutes (ASVS 5.0 V6.4.x)."""
    if mfa.is_verified(request) and mfa.recently_authenticated(request):
        return
    raise PasskeyRefused(
        _("Confirm it is you (password and code) before adding a passkey."),
        status=403,
        redirect=mfa.reauthenticate_url(back_to),
    )


def registration_begin(*, request: HttpRequest, back_to: str) -> dict[str, Any]:
    _require_fresh_proof(request, back_to)
    options, state = _helper(request).register_begin(user=request.user)
    request.session[REGISTER_STATE] = state
    return options


def clean_name(name: object) -> str:
    text = " ".join(str(name or "").split())
    if not text:
        raise PasskeyRefused(_("Give the passkey a name, such as the key's label or the device."))
    if len(text) > NAME_MAX_LENGTH:
        raise PasskeyRefused(
            _("The name is too long: at most %(count)d characters.") % {"count": NAME_MAX_LENGTH}
        )
    return text


def registration_complete(
    *, request: HttpRequest, credential: object, name: object, back_to: str
) -> WebAuthnCredential:
    user: User = request.user  # type: ignore[assignment]
    label = clean_name(name)
    _require_fresh_proof(request, back_to)
    state = _take_state(request, REGISTER_STATE)
    if not isinstance(credential, dict):
        raise PasskeyRefused(_("The browser sent no passkey."))
    with transaction.atomic():
        try:
            device = _helper(request, label).register_complete(
                user=user, state=state, data=credential
            )
        except (
            WebAuthnException,
            webauthn_errors.OTPWebAuthnApiError,
            KeyError,
            ValueError,
        ) as error:
            raise _refusal(error) from error
        audit.record(
            AuditAction.UPDATE,
            actor=user,
            obj=user,
            reason="passkey added",
            changes={"passkeys": {"before": "", "after": device.name}},
        )
    return device


# Verification: the second step of a sign-in, or re-authentication ------------------------


def verification_begin(*, request: HttpRequest) -> dict[str, Any]:
    user: User = request.user  # type: ignore[assignment]
    if not has_passkey(user):
        raise PasskeyRefused(_("Your account has no passkey: use the code instead."))
    options, state = _helper(request).authenticate_begin(user=user, require_user_verification=False)
    request.session[VERIFY_STATE] = state
    return options


def verification_complete(
    *, request: HttpRequest, credential: object, password: str | None
) -> WebAuthnCredential:
    """The passkey's answer for the second step of a sign-in; for a session already verified
    this is re-authentication, and the password is checked first."""
    user: User = request.user  # type: ignore[assignment]
    reauthenticating = mfa.is_verified(request)
    purpose = "re-authentication" if reauthenticating else "second factor"
    state = _take_state(request, VERIFY_STATE)
    if reauthenticating:
        mfa.check_password_again(user, password or "")
    if not isinstance(credential, dict):
        raise PasskeyRefused(_("The browser sent no passkey."))
    try:
        with transaction.atomic():
            device = _helper(request).authenticate_complete(user=user, state=state, data=credential)
            if not device.confirmed:
                raise webauthn_errors.CredentialDisabled()
            audit.record(
                AuditAction.LOGIN, actor=user, obj=user, reason=f"{purpose}: passkey {device.name}"
            )
    except (WebAuthnException, webauthn_errors.OTPWebAuthnApiError, KeyError, ValueError) as error:
        # A refused answer counts toward the lockout, as a wrong code does (its own commit).
        mfa.record_failure(user, reason=f"{purpose}: passkey")
        user.refresh_from_db()
        if user.is_locked:
            raise PasskeyRefused(str(mfa.locked_message()), status=403) from error
        raise _refusal(error) from error
    mfa.mark_verified(request, device)
    return device


# Removal ---------------------------------------------------------------------------------


@transaction.atomic
def passkey_remove(*, actor: User, credential_id: int) -> str:
    """One's own passkey removed (the authenticator app and recovery codes remain)."""
    device = (
        WebAuthnCredential.objects.select_for_update().filter(user=actor, pk=credential_id).first()
    )
    if device is None:
        raise PasskeyRefused(
            _("That passkey is not one of yours, or it was already removed."), status=404
        )
    name = device.name
    device.delete()
    audit.record(
        AuditAction.UPDATE,
        actor=actor,
        obj=actor,
        reason="passkey removed",
        changes={"passkeys": {"before": name, "after": ""}},
    )
    return name
