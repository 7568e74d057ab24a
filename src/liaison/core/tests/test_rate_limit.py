"""Sign-in is limited per client address before any account is locked: a flood from one
address is refused with 429 and Retry-After, another address still signs in, and
X-Forwarded-For is believed only from a trusted proxy."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, RequestFactory
from django.urls import reverse

from liaison.core.choices import AuditAction
from liaison.core.middleware import client_address
from liaison.core.models import AuditEvent, User
from liaison.core.ratelimit import parse_rate
from liaison.core.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _mid_window():
    # Time stands still: a test that crossed a window would see its count restart.
    with time_machine.travel(
        datetime.datetime(2026, 12, 2, 9, 30, 20, tzinfo=datetime.UTC), tick=False
    ):
        yield


def attempt(client, password="wrong", **headers):  # noqa: S107 — a wrong one, on purpose
    return client.post(
        reverse("core:login"),
        {"username": "ico", "password": password, "acknowledge": "on"},
        **headers,
    )


def test_a_flood_from_one_address_is_refused_before_it_locks_the_account(personas, settings):
    settings.LIAISON_LOGIN_RATE = "3/m"
    settings.LIAISON_LOCKOUT_FAILURES = 5
    stranger = Client(HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR="203.0.113.9")
    answers = [attempt(stranger).status_code for _ in range(8)]
    assert answers == [400, 400, 400, 429, 429, 429, 429, 429]
    refused = attempt(stranger)
    assert refused.status_code == 429
    # The rest of the address's one-minute window (django-ratelimit staggers the windows
    # of different addresses, so that they do not all reopen at once).
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert "Too many attempts from your address" in refused.content.decode()
    assert not User.objects.get(username="ico").is_locked
    # The officer, from their own address, still signs in.
    officer = Client(HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR="198.51.100.20")
    assert attempt(officer, password=PASSWORD).status_code == 302


def test_a_refusal_is_audited_once_per_address_and_window(personas, settings):
    settings.LIAISON_LOGIN_RATE = "2/m"
    stranger = Client(HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR="203.0.113.9")
    for _ in range(6):
        attempt(stranger)
    refusal = AuditEvent.objects.get(action=AuditAction.ACCESS_DENIED)
    assert (refusal.reason, refusal.ip_address, refusal.object_type) == (
        "rate limited",
        "203.0.113.9",
        "login",
    )


def test_the_sign_in_page_itself_is_not_limited(personas, settings):
    settings.LIAISON_LOGIN_RATE = "1/m"
    client = Client()
    assert all(client.get(reverse("core:login")).status_code == 200 for _ in range(3))


def test_a_forged_x_forwarded_for_does_not_dodge_the_limit(personas, settings):
    settings.LIAISON_LOGIN_RATE = "2/m"
    settings.LIAISON_TRUSTED_PROXIES = []
    stranger = Client(HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR="203.0.113.9")
    answers = [attempt(stranger, HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").status_code for n in range(4)]
    assert answers[-1] == 429


def test_behind_a_trusted_proxy_each_forwarded_client_has_its_own_limit(personas, settings):
    settings.LIAISON_LOGIN_RATE = "2/m"
    settings.LIAISON_TRUSTED_PROXIES = ["10.1.0.0/16"]
    proxy = Client(HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR="10.1.2.3")
    for _ in range(3):
        attempt(proxy, HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert attempt(proxy, HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 429
    assert (
        attempt(proxy, password=PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.20").status_code == 302
    )


@pytest.mark.parametrize(
    ("remote", "forwarded", "trusted", "client"),
    [
        ("203.0.113.9", "1.2.3.4", [], "203.0.113.9"),  # no trusted proxy: header ignored
        ("10.1.2.3", "1.2.3.4", ["10.1.0.0/16"], "1.2.3.4"),
        # The client wrote a first hop of its own; the proxy appended the real one.
        ("10.1.2.3", "6.6.6.6, 1.2.3.4", ["10.1.0.0/16"], "1.2.3.4"),
        # Two trusted proxies in a row are skipped.
        ("10.1.2.3", "1.2.3.4, 10.1.9.9", ["10.1.0.0/16"], "1.2.3.4"),
        ("10.1.2.3", "not-an-address", ["10.1.0.0/16"], "10.1.2.3"),
        ("::1", "2001:db8::7", ["::1"], "2001:db8::7"),
    ],
)
def test_the_client_address_believes_only_trusted_proxies(
    settings, remote, forwarded, trusted, client
):
    settings.LIAISON_TRUSTED_PROXIES = trusted
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == client


def test_the_audit_trail_uses_the_same_address(personas, settings):
    settings.LIAISON_TRUSTED_PROXIES = ["10.1.0.0/16"]
    proxy = Client(HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR="10.1.2.3")
    attempt(proxy, password=PASSWORD, HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.20")
    assert AuditEvent.objects.get(action=AuditAction.LOGIN).ip_address == "198.51.100.20"


@pytest.mark.parametrize(
    ("text", "limit", "period"), [("10/m", 10, 60), ("5/30s", 5, 30), ("100/h", 100, 3600)]
)
def test_rates_are_read_as_count_per_period(text, limit, period):
    rate = parse_rate(text)
    assert (rate.limit, rate.period) == (limit, period)


@pytest.mark.parametrize("text", ["ten/m", "10", "0/m", "10/x"])
def test_a_malformed_rate_is_a_configuration_error(text):
    with pytest.raises(ImproperlyConfigured):
        parse_rate(text)
