"""The JSON endpoints core/static/core/passkeys.js talks to, and the removal of a passkey
from the profile. Every refusal answers 4xx with {"detail": …} in the reader's language
(and "redirect" when the user must first confirm it is them)."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from . import mfa, mfa_views, passkeys
from .middleware import AuthenticatedRequest
from .ratelimit import rate_limited
from .views import safe_url


def _json_body(request: HttpRequest) -> dict:
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError) as error:
        raise passkeys.PasskeyRefused(_("The request is not valid JSON.")) from error
    if not isinstance(body, dict):
        raise passkeys.PasskeyRefused(_("The request is not valid JSON."))
    return body


def _ceremony(view: Callable[[AuthenticatedRequest, dict], dict]) -> Callable[..., HttpResponse]:
    """POST only, never cached; refusals become JSON answers a person can read."""

    @never_cache
    @require_POST
    @wraps(view)
    def endpoint(request: AuthenticatedRequest) -> HttpResponse:
        try:
            return JsonResponse(view(request, _json_body(request)))
        except passkeys.PasskeyRefused as refusal:
            answer = {"detail": str(refusal)}
            if refusal.redirect:
                answer["redirect"] = refusal.redirect
            return JsonResponse(answer, status=refusal.status)
        except mfa.SecondFactorRefused as refusal:
            return JsonResponse({"detail": str(refusal)}, status=400)

    return endpoint


def _back_to(request: HttpRequest, body: dict) -> str:
    # The page the ceremony started from, for the detour through re-authentication.
    return mfa.safe_path(str(body.get("back") or reverse("core:profile")))


@_ceremony
def registration_begin(request: AuthenticatedRequest, body: dict) -> dict:
    return passkeys.registration_begin(request=request, back_to=_back_to(request, body))


@_ceremony
def registration_complete(request: AuthenticatedRequest, body: dict) -> dict:
    device = passkeys.registration_complete(
        request=request,
        credential=body.get("credential"),
        name=body.get("name"),
        back_to=_back_to(request, body),
    )
    messages.success(request, _("Passkey “%(name)s” added.") % {"name": device.name})
    return {"redirect": reverse("core:profile")}


@mfa.second_factor_not_required
@rate_limited("login", rate=lambda: str(settings.LIAISON_LOGIN_RATE))
@_ceremony
def verification_begin(request: AuthenticatedRequest, body: dict) -> dict:
    _refuse_if_locked(request)
    return passkeys.verification_begin(request=request)


@mfa.second_factor_not_required
@rate_limited("login", rate=lambda: str(settings.LIAISON_LOGIN_RATE))
@_ceremony
def verification_complete(request: AuthenticatedRequest, body: dict) -> dict:
    _refuse_if_locked(request)
    password = body.get("password")
    reauthenticating = mfa.is_verified(request)
    passkeys.verification_complete(
        request=request,
        credential=body.get("credential"),
        password=password if isinstance(password, str) else None,
    )
    if reauthenticating:
        mfa_views.confirmed(request)
    return {"redirect": safe_url(request, str(body.get("next") or ""))}


def _refuse_if_locked(request: AuthenticatedRequest) -> None:
    if request.user.is_locked:
        raise passkeys.PasskeyRefused(mfa.locked_message(), status=403)


@never_cache
@require_POST
def passkey_remove(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    # Another person's passkey is not found, whoever asks (its existence is not revealed).
    get_object_or_404(passkeys.passkeys_of(request.user), pk=pk)
    if refusal := mfa.reauthentication_required(request):
        return refusal
    try:
        name = passkeys.passkey_remove(actor=request.user, credential_id=pk)
    except passkeys.PasskeyRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("Passkey “%(name)s” removed.") % {"name": name})
    return redirect(reverse("core:profile") + "#passkeys")
