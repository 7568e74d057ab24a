"""The pages timed and the intake through the API: which requests, as whom, in which order."""

from __future__ import annotations

import contextlib
import json
import logging
import time
import warnings
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.test.utils import override_settings
from django.urls import NoReverseMatch, reverse

from liaison.cases.models import Case, Identifier, Victim
from liaison.core.models import User
from liaison.core.services import api_token_create
from liaison.core.tests.second_factor import verify_session

from .dataset import bench_post_officer, bench_user
from .timing import REFERENCE, Figure, measure_page

INTAKE_TARGET = 100  # reports per second


def _url(name: str, *args) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _sample(values: list, k: int) -> list:
    """`k` values spread evenly over `values` (deterministic)."""
    if not values:
        return []
    step = max(len(values) // k, 1)
    return values[::step][:k]


def _searches(base: str, queries: list[str]) -> list[str]:
    return [f"{base}?{urlencode({'q': q, 'status': 'all'})}" for q in queries]


def reference(client: Client, samples: int) -> Figure:
    with override_settings(ROOT_URLCONF="liaison.bench.urls"):
        return measure_page(client, REFERENCE, [reverse("bench_signed_in_empty")] * samples)


def pages(user: User, samples: int) -> list[Figure]:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    verify_session(client, user)  # as after the sign-in's second step
    mine = Case.objects.filter(created_by=user)
    figures = [reference(client, samples)]
    base = _url("cases:list")
    if base is None:
        figures += [Figure(name, status="n/a") for name in ("list", "search", "search_rare")]
    else:
        figures.append(measure_page(client, "list", [f"{base}?country=KH"] * samples))
        names = list(
            Victim.objects.filter(case__in=mine)
            .order_by("pk")
            .values_list("name_latin", flat=True)[: samples * 50]
        )
        figures.append(measure_page(client, "search", _searches(base, _sample(names, samples))))
        # A phone number or handle matches one case or a few: the search an officer runs
        # with what a victim's family forwarded.
        handles = list(
            Identifier.objects.filter(suspect__case__in=mine)
            .order_by("pk")
            .values_list("value", flat=True)[: samples * 50]
        )
        figures.append(
            measure_page(client, "search_rare", _searches(base, _sample(handles, samples)))
        )
    ids = list(mine.order_by("pk").values_list("pk", flat=True)[: samples * 500])
    details = [_url("cases:detail", pk) for pk in _sample(ids, samples)]
    if not details or details[0] is None:
        figures.append(Figure("detail", status="n/a"))
    else:
        figures.append(measure_page(client, "detail", details))
    board = _url("cases:dashboard")
    if board is None:
        figures += [Figure("dashboard", status="n/a"), Figure("dashboard_cached", status="n/a")]
    else:
        # Cold: the history figures computed afresh, as after a deploy or every few minutes.
        figures.append(measure_page(client, "dashboard", [board] * samples, before=cache.clear))
        figures.append(measure_page(client, "dashboard_cached", [board] * samples))
        officer = bench_post_officer()
        if officer is None:
            figures.append(Figure("dashboard_post", status="n/a"))
        else:
            at_post = Client(HTTP_ACCEPT_LANGUAGE="en")
            at_post.force_login(officer)
            verify_session(at_post, officer)
            figures.append(
                measure_page(at_post, "dashboard_post", [board] * samples, before=cache.clear)
            )
    return figures


def intake(user: User, reports: int) -> dict:
    """Reports POSTed one after another to the API with a token, as a hotline system
    would; reports per second."""
    _token, raw = api_token_create(actor=user, name="benchmark")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_ACCEPT_LANGUAGE="en")
    url = "/api/v1/cases/reports"

    def post(index: int) -> int:
        payload = {
            "channel": "family",
            "country": "KH",
            "province": "Preah Sihanouk",
            "city": "Sihanoukville",
            "categories": ["confinement", "employment_scam"],
            "narrative": f"Benchmark report {index}: held in a compound after a job offer.",
            "person_name": "김민준",
            "person_name_latin": f"KIM Minjun {index}",
            "person_phone": f"+855 12 {index:06d}",
            "passport_number": f"M{10_000_000 + index}",
            "life_at_risk": True,
        }
        return client.post(url, json.dumps(payload), content_type="application/json").status_code

    post(reports)  # untimed, as the pages: the first request of a client loads the middleware
    started = time.perf_counter()
    failures = sum(post(index) != 201 for index in range(reports))
    seconds = time.perf_counter() - started
    return {
        "reports": reports,
        "failures": failures,
        "seconds": round(seconds, 2),
        "per_second": round(reports / seconds, 1),
        "target": INTAKE_TARGET,
    }


@contextlib.contextmanager
def measuring():
    """Settings as a served product has them, and quiet: one log line per request would
    bury the table."""
    logging.getLogger("liaison.request").setLevel(logging.WARNING)
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    hosts = [*settings.ALLOWED_HOSTS, "testserver"]
    storages = settings.STORAGES
    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        # A checkout without `collectstatic`: serve static names as they are (the manifest
        # lookup an installed product does instead is a dictionary read).
        storages = {
            **storages,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    with override_settings(DEBUG=False, ALLOWED_HOSTS=hosts, STORAGES=storages):
        yield


def run(*, samples: int, intake_reports: int) -> dict:
    user = bench_user()
    with measuring():
        figures = pages(user, samples)
        posted = intake(user, intake_reports)
    return {"figures": figures, "intake": posted}
