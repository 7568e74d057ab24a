"""What the Content-Security-Policy refuses in a real Chromium reaches /csp-report/ and is
logged and counted without the query strings (ASVS 5.0 V3.4.7).

Chromium posts report-uri's report itself. Its Reporting API reports (report-to) it builds
but, headless against a test server, never sends (none arrived within 80 seconds, with or
without --short-reporting-delay): the page reads them with a ReportingObserver, the same
objects the browser would upload, and posts them as the uploader does."""

import logging
import time

import pytest
from django.db import connection
from django.urls import reverse

from liaison.core.tests.test_csp_reports import reported

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor == "postgresql",
        reason="what the browser reports does not depend on the database: it runs once",
    ),
]

# A script from elsewhere, which the policy refuses; its query is a search for a person,
# and so is the page's.
INJECTED = "https://cdn.invalid/steal.js?victim=Kim"
PAGE = reverse("core:login")

INJECT = """(src) => {
    const script = document.createElement('script');
    script.src = src;
    document.head.appendChild(script);
}"""

# The browser's own reports of the page, posted as its Reporting API uploader posts them:
# a list, each report with its age and the user agent beside what the observer sees.
UPLOAD = """async () => {
    const reports = await new Promise((resolve) => new ReportingObserver(
        (found, observer) => { observer.disconnect(); resolve(found); },
        {types: ['csp-violation'], buffered: true},
    ).observe());
    const batch = reports.map((r) => ({age: 0, user_agent: navigator.userAgent, ...r.toJSON()}));
    const answer = await fetch('/csp-report/', {
        method: 'POST',
        headers: {'Content-Type': 'application/reports+json'},
        body: JSON.stringify(batch),
    });
    return [answer.status, batch.length];
}"""


def _violate(page, live_server) -> None:
    page.goto(f"{live_server.url}{PAGE}?next=/cases/%3Fq%3DKim")
    page.evaluate(INJECT, INJECTED)


def _logged(caplog, before: float, timeout: float = 10) -> logging.LogRecord:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        records = [r for r in caplog.records if r.name == "liaison.csp"]
        if records and reported("script-src-elem") > before:
            return records[0]
        time.sleep(0.1)
    raise AssertionError("no report reached /csp-report/")


def _assert_logged_without_queries(record: logging.LogRecord, live_server) -> None:
    assert record.levelno == logging.WARNING
    assert record.directive == "script-src-elem"
    assert record.blocked_uri == "https://cdn.invalid/steal.js"
    assert record.page == f"{live_server.url}{PAGE}"
    assert "Kim" not in record.getMessage()


def test_chromium_posts_report_uri_reports_which_are_logged_and_counted(
    browser_page, live_server, caplog, settings
):
    # Without report-to, which Chromium would use instead.
    policy = settings.CONTENT_SECURITY_POLICY
    directives = {k: v for k, v in policy["DIRECTIVES"].items() if k != "report-to"}
    settings.CONTENT_SECURITY_POLICY = {**policy, "DIRECTIVES": directives}
    caplog.set_level(logging.WARNING, logger="liaison.csp")
    before = reported("script-src-elem")
    _violate(browser_page, live_server)
    _assert_logged_without_queries(_logged(caplog, before), live_server)


def test_chromiums_reporting_api_reports_are_logged_and_counted(browser_page, live_server, caplog):
    caplog.set_level(logging.WARNING, logger="liaison.csp")
    before = reported("script-src-elem")
    _violate(browser_page, live_server)
    assert browser_page.evaluate(UPLOAD) == [204, 1]
    _assert_logged_without_queries(_logged(caplog, before), live_server)
