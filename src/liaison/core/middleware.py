"""Request plumbing: request ids and addresses for the audit trail, structured request
logs, early refusal of oversized bodies, API tokens, idle and absolute expiry of sessions,
user preferences, login by default, and read-your-writes with a read replica."""

from __future__ import annotations

import functools
import ipaddress
import logging
import re
import time
import uuid
import zoneinfo

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import routing
from .audit import RequestContext, reset_request_context, set_request_context
from .models import ApiToken, User
from .services import api_token_authenticate, user_session_expired

log = logging.getLogger("liaison.request")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class LiaisonRequest(HttpRequest):
    """A request as the middleware below leaves it, for the type checker."""

    id: str
    api_token: ApiToken | None
    _dont_enforce_csrf_checks: bool  # read by Django's CSRF middleware


class AuthenticatedRequest(LiaisonRequest):
    """A request that reached a view behind sign-in (any view not `login_not_required`)."""

    user: User


def is_api_request(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


@functools.lru_cache(maxsize=8)
def _networks(
    proxies: tuple[str, ...],
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(proxy.strip(), strict=False) for proxy in proxies)


def _is_trusted_proxy(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in _networks(tuple(settings.LIAISON_TRUSTED_PROXIES)))


def client_address(request: HttpRequest) -> str | None:
    """The client's address, for the audit trail and the rate limits. X-Forwarded-For is
    believed only from LIAISON_TRUSTED_PROXIES: anyone else could write any address there
    (and so dodge a rate limit, or put a stranger's address in the audit trail). Read from
    the right, the first hop that is not a trusted proxy is the client."""
    remote = request.META.get("REMOTE_ADDR") or None
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if not forwarded or remote is None or not _is_trusted_proxy(remote):
        return remote
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _is_trusted_proxy(hop):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return remote  # not an address: made up before our proxies saw it
    return hops[0] if hops else remote


def error_response(request: HttpRequest, status: int, message: str) -> HttpResponse:
    if is_api_request(request):
        return JsonResponse({"detail": message}, status=status)
    return render(request, "error.html", {"status": status, "message": message}, status=status)


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: LiaisonRequest) -> HttpResponse:
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request.id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        token = set_request_context(
            RequestContext(
                ip_address=client_address(request),
                user_agent=request.META.get("HTTP_USER_AGENT", ""),
                request_id=request.id,
            )
        )
        started = time.perf_counter()
        try:
            response = self.get_response(request)
        finally:
            reset_request_context(token)
        response["X-Request-ID"] = request.id
        user = getattr(request, "user", None)
        # The access log of the product (gunicorn writes none): the path without its query
        # string, always, since a list's query holds what was searched for (a name, a phone)
        # and a log is kept and copied where the audit trail's protections do not reach.
        log.info(
            "request",
            extra={
                "method": request.method,
                "path": request.path,
                "client": client_address(request),
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "user": user.get_username() if user is not None and user.is_authenticated else None,
                "request_id": request.id,
            },
        )
        return response


class OversizedUploadMiddleware:
    """Refuses a request larger than LIAISON_MAX_UPLOAD_BYTES before its body is read.
    It sits after the user and their language are known (nothing before it reads the
    body; the CSRF check reads it only later, in process_view), so that the 413 page says
    why in the user's language, under their own menu."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self._refuse_oversized(request) or self.get_response(request)

    def _refuse_oversized(self, request: HttpRequest) -> HttpResponse | None:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return error_response(request, 400, _("The request has an invalid Content-Length."))
        limit = settings.LIAISON_MAX_UPLOAD_BYTES
        if length > limit:
            return error_response(
                request,
                413,
                _("The upload is too large: %(size)s MB; the limit is %(limit)s MB.")
                % {"size": round(length / 1_048_576, 1), "limit": round(limit / 1_048_576, 1)},
            )
        return None


class ReplicaPinMiddleware:
    """Read-your-writes with a read replica: a browser whose request wrote (any method but
    GET, HEAD and OPTIONS, or a write the router saw) carries a signed cookie for
    LIAISON_REPLICA_PIN_SECONDS, and while it does, its pages read the primary even where
    they could read the replica (`routing.reads_from_replica`). It sits outside every other
    middleware so that it sees their writes too (a sign-in, an API token's use). Without a
    replica it does nothing."""

    COOKIE = "liaison_wrote"
    SALT = "liaison.core.routing.wrote"
    SAFE_METHODS = ("GET", "HEAD", "OPTIONS")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not routing.replica_configured():
            return self.get_response(request)
        seconds = settings.LIAISON_REPLICA_PIN_SECONDS
        # The signature carries the time it was made: past the window it no longer counts.
        wrote = request.get_signed_cookie(self.COOKIE, None, salt=self.SALT, max_age=seconds)
        with routing.request_reads(pinned=wrote is not None) as reads:
            response = self.get_response(request)
        if reads.wrote or request.method not in self.SAFE_METHODS:
            response.set_signed_cookie(
                self.COOKIE,
                "1",
                salt=self.SALT,
                max_age=seconds,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response


class ApiTokenMiddleware:
    """Signs in a machine client that presents `Authorization: Bearer <token>` on the API."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: LiaisonRequest) -> HttpResponse:
        header = request.META.get("HTTP_AUTHORIZATION", "")
        request.api_token = None
        if is_api_request(request) and header.lower().startswith("bearer "):
            token = api_token_authenticate(raw=header[7:].strip())
            if token is None:
                return JsonResponse(
                    {"detail": _("The API token is invalid, expired or revoked.")}, status=401
                )
            request.user = token.user
            request.api_token = token
            # A token request carries no cookies, so CSRF protection does not apply to it.
            request._dont_enforce_csrf_checks = True
        return self.get_response(request)


class SessionKeepAliveMiddleware:
    """Pushes a signed-in session's idle expiry forward while it is used, writing it at
    most once every LIAISON_SESSION_REFRESH_SECONDS rather than on every request: a page
    view then reads the session without writing it, and on SQLite it does not wait for the
    database's one write lock. The price: a session may end up to that many seconds before
    SESSION_COOKIE_AGE of idleness."""

    KEY = "_refreshed_at"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = request.session
        user = getattr(request, "user", None)
        # Only a browser session that exists: a token request has none, and an anonymous
        # visitor must not be given one.
        if session.session_key and user is not None and user.is_authenticated:
            now = int(time.time())
            if now - session.get(self.KEY, 0) >= settings.LIAISON_SESSION_REFRESH_SECONDS:
                session[self.KEY] = now  # modified: SessionMiddleware saves it, expiry anew
        return response


SIGNED_IN_AT = "_signed_in_at"


def stamp_sign_in(sender, request: HttpRequest, user: User, **kwargs) -> None:
    """On `user_logged_in`: the time the session's absolute limit counts from."""
    session = getattr(request, "session", None)
    if session is not None:
        session[SIGNED_IN_AT] = int(time.time())


class SessionAbsoluteLimitMiddleware:
    """Ends a browser session LIAISON_SESSION_ABSOLUTE_SECONDS after sign-in however busy it
    is (CJIS AC-12, ASVS 7.3.2), beside the idle expiry: a stolen session cookie stops
    working by the end of the shift. Sits after the messages middleware, to say why."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: LiaisonRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        session = request.session
        if (
            session.session_key
            and user is not None
            and user.is_authenticated
            and getattr(request, "api_token", None) is None
        ):
            now = int(time.time())
            signed_in_at = session.get(SIGNED_IN_AT)
            if signed_in_at is None:  # a session from before the limit: it counts from now
                session[SIGNED_IN_AT] = now
            elif now - signed_in_at >= settings.LIAISON_SESSION_ABSOLUTE_SECONDS:
                return self._end(request, user)
        return self.get_response(request)

    def _end(self, request: LiaisonRequest, user: User) -> HttpResponse:
        user_session_expired(user=user)
        logout(request)
        message = _("Your session has reached its time limit. Sign in again.")
        if is_api_request(request):
            return JsonResponse({"detail": message}, status=401)
        messages.info(request, message)
        return redirect_to_login(request.get_full_path())


class UserPreferencesMiddleware:
    """Speaks the signed-in user's language and shows times in their time zone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            if user.language in dict(settings.LANGUAGES):
                translation.activate(user.language)
                request.LANGUAGE_CODE = user.language
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        return self.get_response(request)


class LoginRequiredByDefaultMiddleware(LoginRequiredMiddleware):
    """Every view needs a signed-in user unless marked `login_not_required`; the API answers
    401 in JSON instead of redirecting to the login page."""

    def handle_no_permission(self, request, view_func):
        if is_api_request(request):
            return JsonResponse(
                {"detail": _("Authentication required: sign in or send an API token.")},
                status=401,
            )
        return super().handle_no_permission(request, view_func)
