"""The second step of a sign-in, enrolment of an authenticator with its recovery codes,
new recovery codes from the profile, and an administrator's reset of a user's factors."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from . import mfa, passkeys, refusals, services
from .forms import CodeForm, ReauthenticateForm
from .formstyle import bootstrapify
from .middleware import AuthenticatedRequest
from .models import User
from .permissions import Perm, require
from .ratelimit import rate_limited
from .views import _safe_next


@never_cache
@mfa.second_factor_not_required
@require_http_methods(["GET", "POST"])
# Codes guessed from one address are slowed as passwords are (the same limit and counter).
@rate_limited("login", rate=lambda: str(settings.LIAISON_LOGIN_RATE))
def second_factor(request: AuthenticatedRequest) -> HttpResponse:
    if mfa.is_verified(request):
        return redirect(_safe_next(request))
    if not mfa.is_enrolled(request.user):
        return mfa.redirect_with_next("core:mfa_enrol", _safe_next(request))
    if request.user.is_locked:
        return _signed_out_locked(request, step="second factor")
    form = bootstrapify(CodeForm(request.POST or None))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                mfa.second_factor_verify(request=request, code=form.cleaned_data["code"])
            except mfa.SecondFactorRefused as refusal:
                form.add_error("code", str(refusal))
            else:
                return redirect(_safe_next(request))
        status = 400
    return render(
        request,
        "core/second_factor.html",
        {
            "form": form,
            "next": request.GET.get("next", ""),
            "has_passkey": passkeys.has_passkey(request.user),
        },
        status=status,
    )


@never_cache
@mfa.second_factor_not_required
@require_http_methods(["GET", "POST"])
def enrol(request: AuthenticatedRequest) -> HttpResponse:
    if mfa.is_enrolled(request.user):
        return mfa.redirect_with_next("core:second_factor", _safe_next(request))
    device = mfa.pending_authenticator(request.user)
    form = bootstrapify(CodeForm(request.POST or None))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                codes = mfa.authenticator_confirm(
                    request=request, device=device, code=form.cleaned_data["code"]
                )
            except ValidationError as error:
                form.add_error("code", error.messages)
            else:
                return _recovery_codes_page(request, codes, _safe_next(request))
        status = 400
    context = {
        "form": form,
        "next": request.GET.get("next", ""),
        "qr": mfa.authenticator_qr_svg(device),
        "secret": mfa.authenticator_secret(device),
    }
    return render(request, "core/mfa_enrol.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def reauthenticate(request: AuthenticatedRequest) -> HttpResponse:
    """Password and second factor again before a sensitive act, then back to the page."""
    if request.user.is_locked:
        return _signed_out_locked(request, step="re-authentication")
    form = bootstrapify(ReauthenticateForm(request.POST or None))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                mfa.reauthenticate(
                    request=request,
                    password=form.cleaned_data["password"],
                    code=form.cleaned_data["code"],
                )
            except mfa.SecondFactorRefused as refusal:
                form.add_error(None, str(refusal))
            else:
                confirmed(request)
                return redirect(_safe_next(request))
        status = 400
    return render(
        request,
        "core/reauthenticate.html",
        {
            "form": form,
            "next": request.GET.get("next", ""),
            "has_passkey": passkeys.has_passkey(request.user),
        },
        status=status,
    )


def confirmed(request: HttpRequest) -> None:
    """After re-authentication the person is back on the page, not in the act: say so."""
    messages.success(
        request,
        _("It is you. Do again what you were doing: it will not be asked for %(minutes)d minutes.")
        % {"minutes": max(1, settings.LIAISON_REAUTH_SECONDS // 60)},
    )


def _signed_out_locked(request: AuthenticatedRequest, *, step: str) -> HttpResponse:
    # Locked by wrong codes (or passwords elsewhere): this session ends too.
    refusals.locked_account_attempt(request.user, step=step)
    messages.error(request, str(services.LOCKED_MESSAGE))
    logout(request)
    return redirect("core:login")


def _recovery_codes_page(request, codes: list[str], continue_to: str) -> HttpResponse:
    """Shown once: the codes are kept only as django-otp keeps them, for checking."""
    return render(request, "core/recovery_codes.html", {"codes": codes, "continue_to": continue_to})


@never_cache
@require_POST
def recovery_codes_regenerate(request: AuthenticatedRequest) -> HttpResponse:
    if not mfa.is_enrolled(request.user):
        return redirect("core:mfa_enrol")
    codes = mfa.recovery_codes_regenerate(actor=request.user)
    return _recovery_codes_page(request, codes, reverse("core:profile"))


@require_POST
def user_second_factors_reset(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    require(request.user, Perm.MANAGE_USERS)
    user = get_object_or_404(User, pk=pk)
    mfa.second_factors_reset(actor=request.user, user=user)
    messages.success(
        request,
        _(
            "The second factors are removed and the user is signed out everywhere: the user "
            "enrols anew at the next sign-in."
        ),
    )
    return redirect("core:user_edit", pk=user.pk)
