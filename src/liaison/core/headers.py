"""The response headers that keep what a page shows from being kept or reused elsewhere
(OWASP ASVS 5.0 V3.4 and V14.3): no cache of personal data, no powerful browser features.

The Content-Security-Policy itself comes from django-csp (`CONTENT_SECURITY_POLICY` in the
settings; its refusals are reported to core.csp_reports); X-Frame-Options, nosniff, the
referrer and opener policies from Django's SecurityMiddleware and XFrameOptionsMiddleware."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

# Nothing in Liaison uses the camera, the microphone, the position, payments or devices:
# a script that got in anyway (a compromised dependency) must not be able to ask for them.
# Nor may the browser file the officer's visits under an advertising interest:
# `interest-cohort` (FLoC) for the browsers that tried it, `browsing-topics` for its successor.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "interest-cohort",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
        "xr-spatial-tracking",
    )
)


def reporting_endpoints() -> str | None:
    """The Reporting-Endpoints header that names the address of the policy's `report-to`
    group: its `report-uri`, so that browsers of either kind report to one place.
    django-csp writes the directives, not this header."""
    directives: dict[str, Any] = settings.CONTENT_SECURITY_POLICY.get("DIRECTIVES", {})
    group, addresses = directives.get("report-to"), directives.get("report-uri")
    if not group or not addresses:
        return None
    return f'{group}="{addresses[0]}"'


def carries_personal_data(request: HttpRequest) -> bool:
    """Every answer to a signed-in person or an API token may show a victim, a suspect or a
    passport: the simplest rule that cannot forget a page, an export or an endpoint."""
    if getattr(request, "api_token", None) is not None:
        return True
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated


class SecurityHeadersMiddleware:
    """Adds `Cache-Control: no-store` to answers that carry personal data, so that neither
    the browser's cache nor a proxy keeps a copy after sign-out (a shared office computer,
    the back button), and the Permissions-Policy to every answer. Static files never reach
    it: WhiteNoise, outside it, answers them first, and they stay cacheable."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if carries_personal_data(request):
            # no-store, and Django's no-cache, must-revalidate, private and Expires beside it
            # for the older proxies that read only those.
            add_never_cache_headers(response)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if "Content-Security-Policy" in response and (endpoints := reporting_endpoints()):
            response.headers.setdefault("Reporting-Endpoints", endpoints)
        return response
