"""What the Content-Security-Policy refused, as browsers report it (ASVS 5.0 V3.4.7): a
script slipped into a page, or a page of ours that the policy breaks, shows up in the log
(logger `liaison.csp`, a warning each) and in the metrics (`liaison_csp_reports_total`).

Browsers post to `/csp-report/` in one of two shapes: `report-uri`'s single `csp-report`
object (application/csp-report, sent at once) and the Reporting API's list of reports
(application/reports+json, sent in batches, for the policy's `report-to` group named in
the Reporting-Endpoints header, core.headers). The address is public, since a browser
reports whether or not anyone is signed in, so its input is a stranger's: a body of at
most 64 KB, one of the two shapes or 400, a rate per address. What is kept is bounded: the
directive, the blocked address and the page, each without its query string (a search for a
person's name must not reach the log), and a directive outside the known set is counted
as "other" so that invented names cannot multiply the metric's series."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .mfa import second_factor_not_required
from .operations import CSP_REPORTS
from .ratelimit import rate_limited

log = logging.getLogger("liaison.csp")

MAX_BODY_BYTES = 64 * 1024
# A batch of the Reporting API holds what the browser queued for the origin (Chromium keeps
# at most 100); a body with more is not a browser's.
MAX_REPORTS = 100
MAX_TEXT = 300  # characters kept of an address

REPORT_URI_TYPE = "application/csp-report"
REPORTING_API_TYPE = "application/reports+json"

# The directives of CSP Level 3 a violation may name.
DIRECTIVES = frozenset(
    {
        "base-uri",
        "child-src",
        "connect-src",
        "default-src",
        "fenced-frame-src",
        "font-src",
        "form-action",
        "frame-ancestors",
        "frame-src",
        "img-src",
        "manifest-src",
        "media-src",
        "object-src",
        "require-trusted-types-for",
        "sandbox",
        "script-src",
        "script-src-attr",
        "script-src-elem",
        "style-src",
        "style-src-attr",
        "style-src-elem",
        "trusted-types",
        "worker-src",
    }
)


class MalformedReport(ValueError):
    """The body is not a report of either shape; the message says what is wrong."""


@dataclass(frozen=True)
class Violation:
    """One refusal: which directive, what it blocked, on which page."""

    directive: str
    blocked: str
    page: str


def _without_query(address: str) -> str:
    """An address without its query or fragment, printable and bounded. Reports name
    `inline`, `eval` or `data` instead of an address for what had none."""
    address = address.split("#", 1)[0].split("?", 1)[0]
    return "".join(c for c in address if c.isprintable())[:MAX_TEXT]


def _text(fields: dict[str, Any], *keys: str) -> str:
    for key in keys:
        value = fields.get(key)
        if isinstance(value, str) and value:
            return value
    return ""


def _violation(fields: dict[str, Any], *, directive: tuple[str, ...], blocked: str, page: str):
    # Browsers of CSP Level 2 name the whole directive ("script-src 'self'"): its name first.
    name = _text(fields, *directive).split(" ", 1)[0]
    if not name:
        raise MalformedReport(_("The report names no directive."))
    return Violation(
        directive=_without_query(name)[:60],
        blocked=_without_query(_text(fields, blocked)),
        page=_without_query(_text(fields, page)),
    )


def parse(content_type: str, body: bytes) -> list[Violation]:
    """The violations a body reports; other kinds of report in a batch are skipped."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:  # JSONDecodeError is a ValueError
        raise MalformedReport(_("The report is not JSON in UTF-8.")) from error
    if content_type == REPORT_URI_TYPE:
        report = data.get("csp-report") if isinstance(data, dict) else None
        if not isinstance(report, dict):
            raise MalformedReport(_('The report is not an object with a "csp-report" object.'))
        return [
            _violation(
                report,
                directive=("effective-directive", "violated-directive"),
                blocked="blocked-uri",
                page="document-uri",
            )
        ]
    if not isinstance(data, list) or not all(isinstance(report, dict) for report in data):
        raise MalformedReport(_("The reports are not a list of objects."))
    if len(data) > MAX_REPORTS:
        raise MalformedReport(
            _("At most %(count)s reports are taken at once.") % {"count": MAX_REPORTS}
        )
    violations = []
    for report in data:
        if report.get("type") != "csp-violation":
            continue
        fields = report.get("body")
        if not isinstance(fields, dict):
            raise MalformedReport(_("A csp-violation report has no body object."))
        violations.append(
            _violation(
                fields, directive=("effectiveDirective",), blocked="blockedURL", page="documentURL"
            )
        )
    return violations


def record(violation: Violation) -> None:
    log.warning(
        "content security policy refused %s on %s (%s)",
        violation.blocked or "-",
        violation.page or "-",
        violation.directive,
        extra={
            "directive": violation.directive,
            "blocked_uri": violation.blocked,
            "page": violation.page,
        },
    )
    CSP_REPORTS.labels(violation.directive if violation.directive in DIRECTIVES else "other").inc()


def _refused(status: int, message: str) -> JsonResponse:
    return JsonResponse({"detail": message}, status=status)


@login_not_required
@csrf_exempt  # a browser's report carries no token, and changes nothing
@second_factor_not_required
@require_POST
@rate_limited("csp-report", rate=lambda: str(settings.LIAISON_CSP_REPORT_RATE))
def receive(request: HttpRequest) -> HttpResponse:
    content_type = request.content_type or ""
    if content_type not in (REPORT_URI_TYPE, REPORTING_API_TYPE):
        return _refused(
            415, _("Send the report as application/csp-report or application/reports+json.")
        )
    body = request.read(MAX_BODY_BYTES + 1)
    if len(body) > MAX_BODY_BYTES:
        return _refused(
            413, _("A report is at most %(size)s KB.") % {"size": MAX_BODY_BYTES // 1024}
        )
    try:
        violations = parse(content_type, body)
    except MalformedReport as error:
        return _refused(400, str(error))
    for violation in violations:
        record(violation)
    return HttpResponse(status=204)
