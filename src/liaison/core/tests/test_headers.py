"""The security headers (ASVS 5.0 V3.4, V14.3): the Content-Security-Policy without
'unsafe-inline', no-store on everything a signed-in person or a token is answered, the
Permissions-Policy, and the older headers kept; and no template brings back what the policy
refuses."""

import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from liaison.core import services

pytestmark = pytest.mark.django_db

SOURCE = Path(__file__).resolve().parents[2]  # src/liaison


def _policy(response) -> dict[str, list[str]]:
    directives = [d.strip().split() for d in response["Content-Security-Policy"].split(";")]
    return {d[0]: d[1:] for d in directives if d}


def _no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_the_policy_allows_only_the_products_own_scripts_and_styles(client_for, personas):
    policy = _policy(client_for(personas.ico).get(reverse("cases:list")))
    assert policy == {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
        "report-uri": ["/csp-report/"],
        "report-to": ["csp"],
    }


def test_a_page_that_uses_the_nonce_gets_it_in_its_policy(rf, settings):
    from csp.middleware import CSPMiddleware
    from django.http import HttpResponse

    request = rf.get("/")

    def page(request):
        return HttpResponse(f'<script nonce="{request.csp_nonce}">1</script>')

    response = CSPMiddleware(page)(request)
    nonce = f"'nonce-{request.csp_nonce}'"
    policy = _policy(response)
    assert policy["script-src"] == ["'self'", nonce] and policy["style-src"] == ["'self'", nonce]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]


def test_pages_and_api_answers_to_a_signed_in_person_are_not_stored(client_for, personas):
    office = client_for(personas.admin)
    for response in (
        office.get(reverse("home")),
        office.get(reverse("core:user_list")),
        office.get(reverse("core:audit_list")),
        office.get("/api/v1/users"),
        office.get("/cases/999999999/"),  # a refusal too: the rule does not look at pages
    ):
        assert _no_store(response), response.request["PATH_INFO"]
        assert "private" in response["Cache-Control"]


def test_api_answers_to_a_token_are_not_stored(personas):
    _token, raw = services.api_token_create(actor=personas.ico, name="reporting")
    response = Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/v1/me")
    assert response.status_code == 200 and _no_store(response)


def test_static_files_and_answers_to_strangers_stay_cacheable(
    client, client_for, personas, settings
):
    # The redirect to the sign-in page shows nothing; the sign-in page itself is never_cache.
    redirect = client.get(reverse("cases:list"))
    assert redirect.status_code == 302 and not _no_store(redirect)
    # WhiteNoise serves the source files, as in development (no collectstatic in tests).
    settings.WHITENOISE_USE_FINDERS = settings.WHITENOISE_AUTOREFRESH = True
    # Asked by a signed-in person: a stylesheet holds nothing personal.
    static = client_for(personas.ico).get("/static/core/liaison.css")
    assert static.status_code == 200 and not _no_store(static)


def test_every_answer_denies_the_browsers_powerful_features(client, client_for, personas):
    for response in (client.get(reverse("core:login")), client_for(personas.ico).get("/")):
        features = dict(
            item.strip().split("=") for item in response["Permissions-Policy"].split(",")
        )
        for feature in ("camera", "microphone", "geolocation", "payment", "usb", "interest-cohort"):
            assert features[feature] == "()"
        assert set(features.values()) == {"()"}


def test_the_framing_sniffing_referrer_and_opener_headers_stay(client):
    response = client.get(reverse("core:login"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_a_form_refused_for_its_csrf_token_gets_the_products_own_page(personas):
    response = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en").post(
        reverse("core:login"), {"username": "ico", "password": "x"}
    )
    assert response.status_code == 403
    assert "error.html" in [t.name for t in response.templates]
    assert "The form has expired" in response.content.decode()


# What the policy refuses in markup: a style attribute, an on… handler, hx-on (htmx would
# need 'unsafe-eval'), a <style> or <script> element without the nonce. A JSON data island
# (type="application/json") does not execute and is allowed.
REFUSED = [
    (re.compile(r"\sstyle=[\"']", re.I), "style attribute"),
    (re.compile(r"\son[a-z]+=", re.I), "on… handler"),
    (re.compile(r"\shx-on[:-]", re.I), "hx-on handler"),
    (re.compile(r"<style(?![^>]*\bnonce=)", re.I), "<style> without the nonce"),
    (
        re.compile(r"<script(?![^>]*\b(src|nonce)=)(?![^>]*application/json)[^>]*>", re.I),
        "inline <script> without the nonce",
    ),
]


def _templates() -> list[Path]:
    return sorted(p for p in SOURCE.glob("**/templates/**/*.html") if "vendor" not in p.parts)


def _markup(path: Path) -> str:
    """The template without its tags: `{% include … with style="btn-primary" %}` passes a
    variable, not an attribute."""
    return re.sub(r"\{%.*?%\}", "", path.read_text(encoding="utf-8"), flags=re.S)


def test_no_template_holds_what_the_policy_refuses():
    assert len(_templates()) > 50
    found = [
        f"{path.relative_to(SOURCE)}: {what}: {match.group(0)!r}"
        for path in _templates()
        for pattern, what in REFUSED
        for match in pattern.finditer(_markup(path))
    ]
    assert found == []
