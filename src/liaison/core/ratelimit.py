"""Rate limits per client address, counted by django-ratelimit in the shared cache so that
every process and node counts the same requests (Redis in production, files otherwise).
Ours are the address (`client_address`, which believes X-Forwarded-For only from
LIAISON_TRUSTED_PROXIES), the rates read from settings, the 429 in words and its audit.

Sign-in is limited per address before the lockout per account counts (CJIS AC-7 with
ASVS 6.3.1): a flood from one address is refused with 429 cheaply, before it hashes a
password (Argon2 is meant to be slow) or locks the officer it names."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django_ratelimit.core import get_usage

from . import audit
from .choices import AuditAction
from .middleware import client_address, error_response

_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smh]?)\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "": 1}


@dataclass(frozen=True)
class Rate:
    """So many requests per period of seconds."""

    limit: int
    period: int


def parse_rate(text: str) -> Rate:
    """'10/m', '100/h', '5/30s' or '5/30' (seconds)."""
    found = _RATE.match(text)
    if not found or int(found[1]) < 1:
        raise ImproperlyConfigured(f"A rate is N/s, N/m, N/h or N/<seconds>, not {text!r}")
    count, unit = int(found[2] or 1), found[3]
    if not found[2] and not unit:
        raise ImproperlyConfigured(f"A rate names its period: {text!r}")
    return Rate(limit=int(found[1]), period=count * _UNIT_SECONDS[unit])


def hit(key: str, request: HttpRequest, rate: Rate) -> int:
    """Counts one request of the client's address (django-ratelimit's window in the shared
    cache); returns 0 when it is allowed, else the seconds until the window ends (for
    Retry-After). A cache that cannot count refuses (fails closed), as the library does."""
    usage = get_usage(
        request,
        group=key,
        key=lambda _group, r: client_address(r) or "unknown",
        rate=(rate.limit, rate.period),
        increment=True,
    )
    if usage is None or not usage["should_limit"]:
        return 0
    if usage["count"] == rate.limit + 1:
        # Once per address and window: a flood must not write the audit trail at its rate.
        audit.record(
            AuditAction.ACCESS_DENIED,
            actor=None,
            reason="rate limited",
            object_type=key,
            object_repr=f"{rate.limit} per {rate.period} s exceeded",
            actor_label=client_address(request) or "unknown",
        )
    return max(1, usage["time_left"])


def rate_limited(
    key: str, rate: str | Callable[[], str], methods: tuple[str, ...] = ("POST",)
) -> Callable:
    """Limits a view's `methods` per client address to `rate` (a rate, or a function
    returning one, read on each request so that a setting may change it)."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def limited(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method in methods:
                current = parse_rate(rate() if callable(rate) else rate)
                wait = hit(key, request, current)
                if wait:
                    response = error_response(
                        request,
                        429,
                        _(
                            "Too many attempts from your address. Wait %(seconds)s seconds "
                            "and try again."
                        )
                        % {"seconds": wait},
                    )
                    response["Retry-After"] = str(wait)
                    return response
            return view(request, *args, **kwargs)

        return limited

    return decorate
