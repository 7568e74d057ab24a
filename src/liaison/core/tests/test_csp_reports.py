"""Browsers report what the Content-Security-Policy refused to /csp-report/ (ASVS 5.0
V3.4.7): each report is logged as a warning and counted in the metrics, without the query
strings; a body too large, malformed or one of a flood is refused with a clear 4xx."""

import json
import logging
import re

import pytest
from django.test import Client, override_settings

from liaison.core.choices import AuditAction
from liaison.core.models import AuditEvent

pytestmark = pytest.mark.django_db

URL = "/csp-report/"
METRICS_TOKEN = "s3cret-scrape-token"

# As Chromium 156 builds them (seen in test_csp_reports_browser), on a server of ours, with
# a person's name in each query string.
REPORT_URI_BODY = {
    "csp-report": {
        "document-uri": "https://liaison.police.example/cases/?q=Kim+Minji",
        "referrer": "",
        "violated-directive": "script-src-elem",
        "effective-directive": "script-src-elem",
        "original-policy": "default-src 'self'; script-src 'self'; report-uri /csp-report/",
        "disposition": "enforce",
        "blocked-uri": "https://cdn.invalid/steal.js?victim=Kim",
        "line-number": 1,
        "column-number": 83,
        "status-code": 200,
        "script-sample": "",
    }
}
REPORTING_API_BODY = [
    {
        "age": 0,
        "user_agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/156.0.0.0",
        "type": "csp-violation",
        "url": "https://liaison.police.example/cases/12/?tab=victims",
        "body": {
            "sourceFile": "https://liaison.police.example/static/js/case.js",
            "lineNumber": 121,
            "columnNumber": 39,
            "documentURL": "https://liaison.police.example/cases/12/?tab=victims#passport",
            "referrer": "",
            "blockedURL": "inline",
            "effectiveDirective": "style-src-attr",
            "originalPolicy": "default-src 'self'; report-to csp",
            "sample": "",
            "disposition": "enforce",
            "statusCode": 200,
        },
    },
    # Other kinds of report may share the batch: skipped.
    {"age": 9, "body": {"id": "x"}, "type": "deprecation", "url": "https://liaison.example/"},
]


def reported(directive: str) -> float:
    """The metrics' count of reports for `directive`, as the scraper reads it."""
    with override_settings(LIAISON_METRICS_TOKEN=METRICS_TOKEN):
        metrics = Client().get("/metrics", HTTP_AUTHORIZATION=f"Bearer {METRICS_TOKEN}")
    text = metrics.content.decode()
    found = re.search(rf'^liaison_csp_reports_total{{directive="{directive}"}} (\S+)$', text, re.M)
    return float(found[1]) if found else 0.0


def post(client, body, content_type: str, **extra):
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(URL, data, content_type=content_type, **extra)


def _warnings(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "liaison.csp"]


def test_a_report_uri_report_is_logged_and_counted_without_query_strings(client, caplog):
    caplog.set_level(logging.WARNING, logger="liaison.csp")
    before = reported("script-src-elem")
    response = post(client, REPORT_URI_BODY, "application/csp-report")
    assert response.status_code == 204
    [record] = _warnings(caplog)
    assert record.levelno == logging.WARNING
    assert (record.directive, record.blocked_uri, record.page) == (
        "script-src-elem",
        "https://cdn.invalid/steal.js",
        "https://liaison.police.example/cases/",
    )
    assert "Kim" not in record.getMessage()
    assert reported("script-src-elem") == before + 1


def test_a_reporting_api_batch_is_logged_and_counted_report_by_report(client, caplog):
    caplog.set_level(logging.WARNING, logger="liaison.csp")
    before = reported("style-src-attr")
    response = post(client, REPORTING_API_BODY, "application/reports+json")
    assert response.status_code == 204
    [record] = _warnings(caplog)
    assert (record.directive, record.blocked_uri, record.page) == (
        "style-src-attr",
        "inline",
        "https://liaison.police.example/cases/12/",
    )
    assert reported("style-src-attr") == before + 1


def test_a_directive_nobody_knows_is_counted_as_other(client):
    body = {"csp-report": {**REPORT_URI_BODY["csp-report"], "effective-directive": "made-up-9"}}
    before = reported("other")
    assert post(client, body, "application/csp-report").status_code == 204
    assert reported("other") == before + 1
    assert reported("made-up-9") == 0


def test_a_signed_in_browser_reports_without_a_second_factor_or_csrf_token(personas):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.ico)  # the password only: no second factor yet
    assert post(client, REPORT_URI_BODY, "application/csp-report").status_code == 204


def test_a_body_over_64_kb_is_refused_with_413(client, caplog):
    caplog.set_level(logging.WARNING, logger="liaison.csp")
    padded = {"csp-report": {**REPORT_URI_BODY["csp-report"], "script-sample": "x" * 65_536}}
    response = post(client, padded, "application/csp-report")
    assert response.status_code == 413
    assert response.json() == {"detail": "A report is at most 64 KB."}
    assert _warnings(caplog) == []


@pytest.mark.parametrize(
    ("body", "content_type", "message"),
    [
        ("{not json", "application/csp-report", "The report is not JSON in UTF-8."),
        (b'{"csp-report": "\xff"}', "application/csp-report", "The report is not JSON in UTF-8."),
        (
            {"report": {}},
            "application/csp-report",
            'The report is not an object with a "csp-report" object.',
        ),
        ({"csp-report": {"blocked-uri": "x"}}, "application/csp-report", "names no directive"),
        ({"type": "csp-violation"}, "application/reports+json", "not a list of objects"),
        ([{"type": "csp-violation"}], "application/reports+json", "has no body object"),
        (
            [{"type": "deprecation"}] * 101,
            "application/reports+json",
            "At most 100 reports are taken at once.",
        ),
    ],
)
def test_a_malformed_report_is_refused_with_400_saying_why(
    client, caplog, body, content_type, message
):
    caplog.set_level(logging.WARNING, logger="liaison.csp")
    response = post(client, body, content_type)
    assert response.status_code == 400
    assert message in response.json()["detail"]
    assert _warnings(caplog) == []


def test_a_body_of_another_type_is_refused_with_415(client):
    response = client.post(URL, {"csp-report": "x"})  # a form
    assert response.status_code == 415
    assert "application/csp-report" in response.json()["detail"]


def test_only_a_post_is_taken(client):
    assert client.get(URL).status_code == 405


def test_a_flood_from_one_address_is_refused_with_429_and_recorded_once(client, settings):
    settings.LIAISON_CSP_REPORT_RATE = "3/m"
    answers = [post(client, REPORT_URI_BODY, "application/csp-report") for _ in range(5)]
    assert [a.status_code for a in answers] == [204, 204, 204, 429, 429]
    assert int(answers[3]["Retry-After"]) >= 1
    assert "Too many attempts from your address" in answers[3].content.decode()
    other = Client(REMOTE_ADDR="192.0.2.7")
    assert post(other, REPORT_URI_BODY, "application/csp-report").status_code == 204
    refusals = AuditEvent.objects.filter(action=AuditAction.ACCESS_DENIED, object_type="csp-report")
    assert refusals.count() == 1


def test_every_page_names_the_report_endpoint_in_its_policy(client):
    response = client.get("/login/")
    directives = dict(
        d.strip().split(" ", 1) for d in response["Content-Security-Policy"].split(";")
    )
    assert directives["report-uri"] == URL
    assert directives["report-to"] == "csp"
    assert response["Reporting-Endpoints"] == f'csp="{URL}"'
