"""The second factor of a sign-in (CJIS 5.6.2.2 IA-2, OWASP ASVS 5.0 V6.3/V6.5): an
authenticator app's time-based codes (TOTP, django-otp), single-use recovery codes, their
enrolment, an administrator's reset of lost factors, and the middleware that keeps a
password-only session out of every page but the second step.

A session that passed the password is signed in (Django's `login`) but not verified; it
becomes verified when a factor's code is accepted (`django_otp.login`). API tokens stay the
machine credential: a token request is never asked for a second factor."""

from __future__ import annotations

import time
from base64 import b32encode
from collections.abc import Callable
from typing import TypeVar
from urllib.parse import urlsplit

import django_otp
import segno
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from . import audit, jobs, services
from .choices import AuditAction
from .models import User
from .permissions import Perm, require

RECOVERY_CODE_COUNT = 10
# When the session last proved the second factor, for re-authentication before sensitive acts.
VERIFIED_AT_SESSION_KEY = "liaison_second_factor_at"
AUTHENTICATOR_NAME = "authenticator"
AUTHENTICATOR_DIGITS = 6  # django-otp's default, which every authenticator app shows
RECOVERY_NAME = "recovery codes"

View = TypeVar("View", bound=Callable[..., HttpResponse])


USE_NOTICE_ACKNOWLEDGED = "system-use notice acknowledged"


def use_notice() -> str:
    """The system-use notice in the language of the page (settings LIAISON_USE_NOTICE_*)."""
    if (translation.get_language() or "").startswith("ko"):
        return str(settings.LIAISON_USE_NOTICE_KO)
    return str(settings.LIAISON_USE_NOTICE_EN)


class SecondFactorRefused(Exception):
    """The code was not accepted; the message is safe to show."""


def second_factor_not_required(view: View) -> View:
    """Marks a view a password-only session may reach: the second step, enrolment, sign-out."""
    view.second_factor_required = False  # type: ignore[attr-defined]
    return view


def is_enrolled(user: User) -> bool:
    """An authenticator app or a passkey. Recovery codes alone do not count: they are the
    fallback of the others."""
    return (
        TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        or WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()
    )


def next_step(user: User) -> str:
    """After the password: the second step, or enrolment for an account without a factor."""
    return "core:second_factor" if is_enrolled(user) else "core:mfa_enrol"


def is_verified(request: HttpRequest) -> bool:
    verified = getattr(request.user, "is_verified", None)
    return bool(verified and verified())


class SecondFactorRequiredMiddleware:
    """After AuthenticationMiddleware and django-otp's OTPMiddleware: a signed-in browser
    session that has not proved its second factor reaches only the pages marked
    `second_factor_not_required` and the public ones (`login_not_required`: sign-in,
    language, health, metrics). Pages redirect to the second step (or to enrolment when
    the account has no factor yet); the API answers 401 in JSON."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not getattr(view_func, "login_required", True):
            return None
        if not getattr(view_func, "second_factor_required", True):
            return None
        if not request.user.is_authenticated or getattr(request, "api_token", None):
            return None
        if is_verified(request):
            return None
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"detail": _("Second factor required: finish signing in in the browser.")},
                status=401,
            )
        return redirect_with_next(next_step(request.user), request.get_full_path())


def redirect_with_next(name: str, next_url: str) -> HttpResponse:
    response = redirect(name)
    if next_url and next_url != "/":
        response["Location"] += "?" + urlencode({"next": next_url})
    return response


def recently_authenticated(request: HttpRequest) -> bool:
    """Password and second factor proved within LIAISON_REAUTH_SECONDS (at sign-in or since)."""
    proved = request.session.get(VERIFIED_AT_SESSION_KEY, 0)
    return time.time() - proved < settings.LIAISON_REAUTH_SECONDS


def reauthentication_required(request: HttpRequest) -> HttpResponse | None:
    """Before a sensitive act (a passport number in clear, an export of personal data, a
    change of role; ASVS 5.0 V7.5.3): None when the password and the second factor were
    proved within the last minutes; otherwise the answer that sends the user to prove them
    again and then back to the page they were on (htmx follows HX-Redirect)."""
    if jobs.current_run() is not None:
        # A queued export renders its list in the worker, without a session: the person
        # proved themselves in the request that queued it, which passed here.
        return None
    if recently_authenticated(request):
        return None
    if request.method == "GET" and not request.headers.get("HX-Request"):
        back = request.get_full_path()
    else:  # a button's POST or an htmx fetch: back to the page that holds it
        back = request.headers.get("HX-Current-URL") or request.headers.get("Referer") or "/"
        back = safe_path(back)
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": _("Sign in again in the browser (password and second factor) first.")},
            status=401,
        )
    response: HttpResponse = redirect(reauthenticate_url(back))
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204, headers={"HX-Redirect": response["Location"]})
    return response


def reauthenticate_url(back_to: str) -> str:
    """The page that asks for the password and a second factor again, then returns."""
    return redirect_with_next("core:reauthenticate", back_to)["Location"]


def safe_path(url: str) -> str:
    # Only the path and query of this site's page: never a redirect elsewhere.
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "") if parts.path else "/"


def reauthenticate(*, request: HttpRequest, password: str, code: str) -> None:
    """The password and a second factor again; a wrong one counts toward the lockout (each
    write commits on its own: a refusal must not roll back its record)."""
    check_password_again(request.user, password)  # type: ignore[arg-type]
    second_factor_verify(request=request, code=code, purpose="re-authentication")


def check_password_again(user: User, password: str) -> None:
    """The password of a signed-in user, asked again; a wrong one counts toward the lockout."""
    if not user.check_password(password):
        record_failure(user, reason="re-authentication password")
        raise SecondFactorRefused(_("The password is not correct."))


def mark_verified(request: HttpRequest, device: Device) -> None:
    """The session proved its second factor with this device, now."""
    django_otp.login(request, device)
    request.session[VERIFIED_AT_SESSION_KEY] = int(time.time())


def record_failure(user: User, reason: str = "second factor") -> None:
    """A wrong code counts toward the account's lockout as a wrong password does; it
    commits on its own, so the refusal that follows does not roll it back."""
    with transaction.atomic():
        services.register_failed_sign_in(user, user.username, reason)


def locked_message() -> str:
    return str(services.LOCKED_MESSAGE)


def second_factor_verify(
    *, request: HttpRequest, code: str, purpose: str = "second factor"
) -> Device:
    """Accepts the current code of the authenticator or an unused recovery code (which is
    then spent). TOTP refuses a code already used (django-otp keeps the last time step),
    and django-otp throttles a device after wrong codes."""
    user: User = request.user  # type: ignore[assignment]
    code = "".join(code.split())
    # Six digits are the authenticator's, anything else a recovery code: each kind is tried
    # alone, because django-otp counts a refused code against the device that refused it,
    # and a recovery code must not throttle the authenticator (nor a typo the codes).
    kind = TOTPDevice if code.isdigit() and len(code) == AUTHENTICATOR_DIGITS else StaticDevice
    devices = list(kind.objects.filter(user=user, confirmed=True))
    with transaction.atomic():
        if not all(device.verify_is_allowed()[0] for device in devices):
            raise SecondFactorRefused(
                _("Too many wrong codes in a row: wait a few seconds and try again.")
            )
        accepted = next((device for device in devices if device.verify_token(code)), None)
        if accepted is None:
            record_failure(user, reason=purpose)
        else:
            kind = "recovery code" if isinstance(accepted, StaticDevice) else "authenticator"
            audit.record(AuditAction.LOGIN, actor=user, obj=user, reason=f"{purpose}: {kind}")
    if accepted is None:
        user.refresh_from_db()
        if user.is_locked:
            raise SecondFactorRefused(str(services.LOCKED_MESSAGE))
        raise SecondFactorRefused(_("The code is not correct, or it was already used."))
    mark_verified(request, accepted)
    return accepted


def pending_authenticator(user: User) -> TOTPDevice:
    """The authenticator being enrolled: the same secret until it is confirmed, so that a
    reload of the enrolment page does not invalidate the one already scanned."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)


def authenticator_secret(device: TOTPDevice) -> str:
    """The secret in base32, as authenticator apps take it when typed in."""
    return b32encode(device.bin_key).decode()


def authenticator_qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// address as an inline SVG (no image request, no style attribute)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=4, dark="#000", light="#fff")


def _new_recovery_codes(user: User) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


@transaction.atomic
def authenticator_confirm(*, request: HttpRequest, device: TOTPDevice, code: str) -> list[str]:
    """Confirms the authenticator with its first code, verifies the session with it and
    returns the recovery codes, to be shown once."""
    user: User = request.user  # type: ignore[assignment]
    if device.user_id != user.pk or device.confirmed:
        raise ValidationError(_("Start the enrolment again."))
    if not device.verify_token("".join(code.split())):
        raise ValidationError({"code": _("The code is not correct: check the app's clock.")})
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _new_recovery_codes(user)
    audit.record(
        AuditAction.UPDATE,
        actor=user,
        obj=user,
        changes={"second_factor": {"before": "", "after": "authenticator, recovery codes"}},
    )
    mark_verified(request, device)
    return codes


@transaction.atomic
def recovery_codes_regenerate(*, actor: User) -> list[str]:
    """New recovery codes for one's own account; the old ones stop working."""
    codes = _new_recovery_codes(actor)
    audit.record(
        AuditAction.UPDATE,
        actor=actor,
        obj=actor,
        changes={"recovery_codes": {"before": "***", "after": "***"}},
    )
    return codes


@transaction.atomic
def second_factors_reset(*, actor: User, user: User) -> None:
    """An administrator removes a user's lost factors; the user enrols anew at the next
    sign-in, with the password."""
    require(actor, Perm.MANAGE_USERS)
    removed = [d.name for d in django_otp.devices_for_user(user, confirmed=None)]
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    WebAuthnCredential.objects.filter(user=user).delete()
    audit.record(
        AuditAction.UPDATE,
        actor=actor,
        obj=user,
        reason="second factors reset",
        changes={"second_factor": {"before": ", ".join(removed), "after": ""}},
    )


def authenticator_enrol_for_demo(user: User) -> str:
    """Demo and tests only: a confirmed authenticator with a fresh secret; its base32."""
    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=True)
    return authenticator_secret(device)


def current_code(device: TOTPDevice) -> str:
    """The code an authenticator app would show now (for the demo and the tests)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"
