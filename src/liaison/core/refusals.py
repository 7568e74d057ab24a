"""Every refusal recorded, once (CJIS AU-2: "attempts to access"). A request's refusals are
gathered here and written when its answer is known, by `RefusalAuditMiddleware`, with the
route and the record asked for:

- a refusal named by the code (`permissions.refuse`, a record out of scope noted with
  `refused`) is recorded as named, even when the view catches it and answers otherwise;
- any other 403 or 404 answered to a signed-in user on a URL that resolved is recorded
  too: `get_object_or_404` on a `visible_to` queryset, a CSRF refusal, a bare
  `PermissionDenied`. A record out of scope and one that does not exist answer alike (so
  that a record's existence is not revealed) and are recorded alike.

A URL that resolves to no route (a mistyped address) is deliberately not recorded: no
record and no right stands behind it, nothing was refused; the request log keeps its path
and status. Anonymous requests are not recorded here either: the sign-in wall answers them
before any view, and the probes that are public record their own refusals (metrics, the
rate limits).

The entry is written after the view's transaction has ended, so a service that refuses
inside `transaction.atomic` cannot roll its own refusal back. Outside a request (a job, a
command) a refusal is recorded at once."""

from __future__ import annotations

import contextvars
from dataclasses import dataclass, field

from django.http import HttpRequest, HttpResponse

from . import audit
from .choices import AuditAction

REFUSED_STATUSES = {403: "forbidden", 404: "not found or out of scope"}


@dataclass
class _Refusal:
    user: object
    what: str
    reason: str
    object_id: str = ""


@dataclass
class _Pending:
    refusals: list[_Refusal] = field(default_factory=list)


_pending: contextvars.ContextVar[_Pending | None] = contextvars.ContextVar(
    "liaison_pending_refusals", default=None
)


def refused(user, *, what: str, reason: str, object_id: str = "") -> None:
    """Records that `user` was refused `what` (a right, a record type): at the end of the
    request when there is one, with its route; at once otherwise."""
    refusal = _Refusal(user=user, what=what, reason=reason, object_id=str(object_id))
    pending = _pending.get()
    if pending is None:
        _write(refusal, route={})
    else:
        pending.refusals.append(refusal)


def _route_of(request: HttpRequest, response: HttpResponse) -> dict:
    """Where the refusal happened, never the query string (it may carry a passport
    number or a name searched for)."""
    match = request.resolver_match
    return {
        "route": match.view_name if match else "",
        "method": request.method,
        "path": request.path,
        "status": response.status_code,
        "kwargs": {key: str(value) for key, value in (match.kwargs if match else {}).items()},
    }


def _write(refusal: _Refusal, *, route: dict) -> None:
    audit.record(
        AuditAction.ACCESS_DENIED,
        actor=refusal.user,
        object_type=refusal.what[:100],
        object_id=refusal.object_id[:64],
        reason=refusal.reason,
        changes={"request": route} if route else None,
    )


def _record_id(kwargs: dict) -> str:
    """The record a route names: its `pk`, else its only argument that is a number."""
    if "pk" in kwargs:
        return str(kwargs["pk"])
    numbers = [str(v) for v in kwargs.values() if str(v).isdigit()]
    return numbers[0] if len(numbers) == 1 else ""


class RefusalAuditMiddleware:
    """Writes the request's refusals once its answer is known (see the module). Sits after
    the user is known (sessions and API tokens) and inside RequestContextMiddleware, so the
    entry carries the request id and the address."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        pending = _Pending()
        token = _pending.set(pending)
        try:
            response = self.get_response(request)
        finally:
            _pending.reset(token)
        route = _route_of(request, response)
        for refusal in pending.refusals or self._unnamed_refusal(request, response):
            _write(refusal, route=route)
        return response

    @staticmethod
    def _unnamed_refusal(request: HttpRequest, response: HttpResponse) -> list[_Refusal]:
        """A 403 or 404 that no code named, for a signed-in user on a route that resolved."""
        user = getattr(request, "user", None)
        match = request.resolver_match
        if (
            response.status_code not in REFUSED_STATUSES
            or user is None
            or not user.is_authenticated
            or match is None
        ):
            return []
        return [
            _Refusal(
                user=user,
                what=match.view_name,
                reason=REFUSED_STATUSES[response.status_code],
                object_id=_record_id(match.kwargs),
            )
        ]


def password_change_refused(user) -> None:
    """A password change with a wrong current password: someone at a signed-in session
    who does not know its password."""
    refused(user, what="core.user:password", reason="wrong current password", object_id=user.pk)


def locked_account_attempt(user, *, step: str) -> None:
    """A session that reached a sign-in step of an account locked meanwhile (its own wrong
    codes, or passwords tried elsewhere): recorded as the password step records an attempt
    on a locked account (core.services.user_login), before the session is ended."""
    audit.record(
        AuditAction.LOGIN_FAILED,
        actor=None,
        obj=user,
        reason=f"locked: {step}",
        actor_label=user.get_username()[:150],
    )
