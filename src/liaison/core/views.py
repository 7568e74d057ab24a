"""Core pages: sign-in, home, profile and tokens, users, institutions, audit trail, errors."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import audit, looks, mfa, passkeys, refusals, services
from .forms import (
    ApiTokenForm,
    AuditFilterForm,
    InstitutionForm,
    LoginForm,
    PasswordChangeForm,
    PreferencesForm,
    UserFilterForm,
    UserForm,
)
from .formstyle import bootstrapify
from .listing import build_listing, export_audited, wants_export
from .middleware import AuthenticatedRequest, error_response
from .models import ApiToken, AuditEvent, Institution, User
from .permissions import Perm, can, require
from .ratelimit import rate_limited
from .selectors import (
    AUDIT_COLUMNS,
    USER_COLUMNS,
    audit_filter,
    institution_tree,
    user_filter,
)


def _safe_next(request: HttpRequest, fallback: str = "home") -> str:
    return safe_url(request, request.POST.get("next") or request.GET.get("next") or "", fallback)


def safe_url(request: HttpRequest, target: str, fallback: str = "home") -> str:
    """`target` when it is a page of this site, else the fallback page (no open redirect)."""
    if url_has_allowed_host_and_scheme(
        target, {request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(fallback)


def apply_errors(form, error: ValidationError) -> None:
    """Puts a service's validation errors on the form's fields (or on the form)."""
    if hasattr(error, "error_dict"):
        for field, messages_ in error.message_dict.items():
            name = field.removesuffix("_id")
            form.add_error(name if name in form.fields else None, messages_)
    else:
        form.add_error(None, error.messages)


def save_form(request: HttpRequest, form, save):
    """On a valid POST, calls `save(cleaned_data)` (a service) and returns what it saved;
    otherwise, or when the service refuses, returns None with the errors on the form."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return save(form.cleaned_data)
    except ValidationError as error:
        apply_errors(form, error)
        return None


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
@rate_limited("login", rate=lambda: str(settings.LIAISON_LOGIN_RATE))
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(_safe_next(request))
    form = bootstrapify(LoginForm(request.POST or None))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                user = services.user_login(
                    request=request,
                    username=form.cleaned_data["username"],
                    password=form.cleaned_data["password"],
                    reason=mfa.USE_NOTICE_ACKNOWLEDGED,
                )
            except services.LoginRefused as refusal:
                form.add_error(None, str(refusal))
            else:
                login(request, user)  # password only: the second factor is asked next
                return mfa.redirect_with_next(mfa.next_step(user), _safe_next(request))
        status = 400
    return render(
        request,
        "core/login.html",
        {"form": form, "next": request.GET.get("next", ""), "use_notice": mfa.use_notice()},
        status=status,
    )


@mfa.second_factor_not_required
@require_POST
def logout_view(request: AuthenticatedRequest) -> HttpResponse:
    services.user_logout_recorded(user=request.user)
    logout(request)
    return redirect("core:login")


@login_not_required
@require_POST
def set_language(request: HttpRequest) -> HttpResponse:

    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        return error_response(request, 400, _("Choose Korean or English."))
    if request.user.is_authenticated:
        services.user_update_preferences(actor=request.user, language=language)
    response = redirect(_safe_next(request))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=request.is_secure(),
    )
    return response


@require_http_methods(["GET", "POST"])
def profile(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    preferences = bootstrapify(
        PreferencesForm(initial={"language": user.language, "time_zone": user.time_zone})
    )
    password_form = bootstrapify(PasswordChangeForm(user=user))
    token_form = bootstrapify(ApiTokenForm())
    new_token = None
    status = 200
    action = request.POST.get("action")
    if action == "preferences":
        preferences = bootstrapify(PreferencesForm(request.POST))
        if preferences.is_valid():
            services.user_update_preferences(actor=user, **preferences.cleaned_data)
            messages.success(request, _("Your preferences are saved."))
            return redirect("core:profile")
        status = 400
    elif action == "password":
        password_form = PasswordChangeForm(request.POST, user=user)
        if password_form.is_bound and password_form.has_error("current_password"):
            refusals.password_change_refused(user)
        if password_form.is_valid():
            try:
                services.user_set_password(
                    actor=user, user=user, password=password_form.cleaned_data["new_password"]
                )
            except ValidationError as error:
                password_form.add_error("new_password", error.messages)
            else:
                update_session_auth_hash(request, user)
                messages.success(
                    request, _("Your password is changed; your other sessions are signed out.")
                )
                return redirect("core:profile")
        bootstrapify(password_form)
        status = 400
    elif action == "token":
        token_form = ApiTokenForm(request.POST)
        if token_form.is_valid():
            try:
                _token, new_token = services.api_token_create(actor=user, **token_form.cleaned_data)
            except ValidationError as error:
                apply_errors(token_form, error)
                status = 400
        else:
            status = 400
        bootstrapify(token_form)
    elif request.method == "POST":
        return error_response(request, 400, _("Unknown action."))
    tokens = (
        ApiToken.objects.filter(user=user)
        if can(user, Perm.USE_API_TOKENS)
        else ApiToken.objects.none()
    )
    return render(
        request,
        "core/profile.html",
        {
            "preferences": preferences,
            "password_form": password_form,
            "token_form": token_form,
            "tokens": tokens,
            "new_token": new_token,
            "can_use_tokens": can(user, Perm.USE_API_TOKENS),
            "passkeys": passkeys.passkeys_of(user),
            "passkey_proof_fresh": mfa.recently_authenticated(request),
        },
        status=status,
    )


@require_POST
def token_revoke(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    services.api_token_revoke(actor=request.user, token=token)
    messages.success(request, _("The token is revoked; clients using it are refused from now on."))
    return redirect("core:profile")


@require_GET
def user_list(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, Perm.MANAGE_USERS)
    listing, queryset = build_listing(
        request,
        User.objects.select_related("institution", "partner_body"),
        form_class=UserFilterForm,
        columns=USER_COLUMNS,
        apply_filters=user_filter,
        default_sort="username",
    )
    if fmt := wants_export(request):
        # Officers' names, e-mails and roles: personal data, as a case's are.
        if again := mfa.reauthentication_required(request):
            return again
        return export_audited(request, queryset, USER_COLUMNS, fmt=fmt, filename="users")
    return render(
        request,
        "core/user_list.html",
        {"listing": listing, "can_export": True, "active_nav": "users"},
    )


@require_http_methods(["GET", "POST"])
def user_edit(request: AuthenticatedRequest, pk: int | None = None) -> HttpResponse:
    require(request.user, Perm.MANAGE_USERS)
    user = get_object_or_404(User, pk=pk) if pk else None
    role_before = user.role if user else None  # the form's validation writes the instance
    form = UserForm(request.POST or None, instance=user)

    def save(data):
        fields = {k: v for k, v in data.items() if k not in ("username", "password")}
        if user is None:
            return services.user_create(
                actor=request.user, username=data["username"], password=data["password"], **fields
            )
        return services.user_update(actor=request.user, user=user, **fields)

    if _changes_role(request, form, role_before) and (
        again := mfa.reauthentication_required(request)
    ):
        return again
    if save_form(request, form, save):
        created = user is None
        messages.success(
            request, _("The account is created.") if created else _("The account is saved.")
        )
        return redirect("core:user_list")
    bootstrapify(form)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "core/user_form.html",
        {"form": form, "subject": user, "active_nav": "users"},
        status=status,
    )


def _changes_role(request: AuthenticatedRequest, form: UserForm, role_before: str | None) -> bool:
    """A new account's role, or another role for an account: asks for re-authentication."""
    if request.method != "POST" or not form.is_valid():
        return False
    return role_before is None or form.cleaned_data.get("role") != role_before


@require_POST
def user_unlock(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    require(request.user, Perm.MANAGE_USERS)
    user = get_object_or_404(User, pk=pk)
    services.user_unlock(actor=request.user, user=user)
    messages.success(request, _("The account is unlocked and signed out everywhere."))
    return redirect("core:user_edit", pk=user.pk)


@require_GET
def institution_list(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, Perm.VIEW_INSTITUTIONS)
    return render(
        request,
        "core/institution_list.html",
        {"tree": institution_tree(), "active_nav": "institutions"},
    )


@require_GET
def institution_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    require(request.user, Perm.VIEW_INSTITUTIONS)
    institution = get_object_or_404(Institution.objects.select_related("parent"), pk=pk)
    return render(
        request,
        "core/institution_detail.html",
        {
            "institution": institution,
            "children": institution.children.all(),
            "staff_count": institution.users.filter(is_active=True).count(),
            "active_nav": "institutions",
        },
    )


@require_http_methods(["GET", "POST"])
def institution_edit(request: AuthenticatedRequest, pk: int | None = None) -> HttpResponse:
    require(request.user, Perm.MANAGE_INSTITUTIONS)
    institution = get_object_or_404(Institution, pk=pk) if pk else None
    form = InstitutionForm(request.POST or None, instance=institution)

    def save(data):
        fields = {k: v for k, v in data.items() if k != "parent"}
        fields["parent_id"] = data["parent"] and data["parent"].pk
        if institution is None:
            return services.institution_create(actor=request.user, **fields)
        return services.institution_update(actor=request.user, institution=institution, **fields)

    if saved := save_form(request, form, save):
        messages.success(request, _("The institution is saved."))
        return redirect("core:institution_detail", pk=saved.pk)
    bootstrapify(form)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "core/institution_form.html",
        {"form": form, "institution": institution, "active_nav": "institutions"},
        status=status,
    )


@require_GET
def audit_list(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, Perm.VIEW_AUDIT)
    trail: QuerySet[AuditEvent] = AuditEvent.objects.all()
    if not wants_export(request):  # an export is recorded as one, after its rows are read
        trail = looks.trail_before(
            looks.audit_trail_read(
                request.user, shown="audit trail", filters=looks.filters_text(request.GET)
            )
        )
    listing, queryset = build_listing(
        request,
        trail,
        form_class=AuditFilterForm,
        columns=AUDIT_COLUMNS,
        apply_filters=audit_filter,
        default_sort="-at",
        per_page=50,
    )
    if fmt := wants_export(request):
        # Who did what from which address, and the before and after of personal records.
        if again := mfa.reauthentication_required(request):
            return again
        return export_audited(
            request, queryset, AUDIT_COLUMNS, fmt=fmt, filename="audit-trail", perm=Perm.VIEW_AUDIT
        )
    return render(
        request,
        "core/audit_list.html",
        {"listing": listing, "can_export": True, "active_nav": "audit"},
    )


@require_GET
def audit_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    require(request.user, Perm.VIEW_AUDIT)
    event = get_object_or_404(AuditEvent, pk=pk)
    audit.record_viewed(event, actor=request.user)
    return render(request, "core/audit_detail.html", {"event": event, "active_nav": "audit"})


# Error pages: a clear message, the request id to quote, never a traceback.
@login_not_required
def bad_request(request, exception=None):
    if isinstance(exception, RequestDataTooBig):
        return error_response(request, 413, _("The upload is larger than the limit."))
    return error_response(request, 400, _("The request could not be understood."))


@login_not_required
def permission_denied(request, exception=None):
    message = (
        str(exception)
        if isinstance(exception, PermissionDenied) and str(exception)
        else _("You do not have access to this page.")
    )
    return error_response(request, 403, message)


@login_not_required
def csrf_failure(request, reason=""):
    """A form sent after its session ended, or from another site. Django's own page styles
    itself inline, which the Content-Security-Policy refuses; this one is the product's."""
    return error_response(
        request, 403, _("The form has expired. Go back, reload the page and send it again.")
    )


@login_not_required
def page_not_found(request, exception=None):
    return error_response(
        request, 404, _("There is no such page or record, or it is not visible to you.")
    )


@login_not_required
def server_error(request):
    return error_response(
        request,
        500,
        _(
            "An unexpected error occurred; nothing was saved. "
            "Please try again or report the reference below."
        ),
    )
