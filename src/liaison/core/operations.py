"""What operators and their tools ask of a running node: is it alive, is it ready, and
its metrics for Prometheus.

- `/healthz/live`: the process answers (no database): a failing liveness probe restarts it.
- `/healthz/ready` (and `/healthz`): the database and the shared cache answer and the queue
  can be reached: a failing readiness probe takes the node out of the load balancer. The
  queue's lag (how long the oldest queued job has waited) is reported; past
  `LIAISON_READY_MAX_QUEUE_LAG_SECONDS` it says "lagging" but the node stays ready, since
  a stuck worker is no reason to stop serving pages.
- `/metrics`: requests, their latency, the queue's depth and lag, jobs by state, the
  violations of the Content-Security-Policy that browsers reported (core.csp_reports), in
  Prometheus' text format, to a bearer of `LIAISON_METRICS_TOKEN` only (404 without one
  configured). Under gunicorn's several processes set `PROMETHEUS_MULTIPROC_DIR` (an empty
  directory, as `make demo` does) so that every process's counts are summed.
"""

from __future__ import annotations

import hmac
import os
import time
import uuid
from collections.abc import Callable, Iterator

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import connection
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from . import audit, jobs
from .choices import AuditAction, JobState
from .models import Job

REQUESTS = Counter("liaison_http_requests", "Requests answered", ["method", "status", "view"])
# By directive (core.csp_reports bounds the set): what the Content-Security-Policy refused.
CSP_REPORTS = Counter(
    "liaison_csp_reports", "Content-Security-Policy violations reported by browsers", ["directive"]
)
LATENCY = Histogram(
    "liaison_http_request_seconds",
    "Time to answer a request",
    ["view"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)


def _check(work: Callable[[], object]) -> tuple[bool, str]:
    try:
        work()
    except Exception as exc:  # any failure means not ready; the kind is enough to say why
        return False, type(exc).__name__
    return True, "ok"


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _cache() -> None:
    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, 1, 10)
    if cache.get(key) != 1:
        raise RuntimeError("the cache did not keep a value")
    cache.delete(key)


@login_not_required
@never_cache
@require_GET
def live(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@login_not_required
@never_cache
@require_GET
def ready(request: HttpRequest) -> JsonResponse:
    database_ok, database = _check(_database)
    cache_ok, cache_state = _check(_cache)
    queue_ok, queue_state = _check(jobs.queue_depth)
    lag: list[float] = []
    if database_ok:  # the jobs table too: an unmigrated database is not ready
        database_ok, database = _check(lambda: lag.append(jobs.oldest_queued_age()))
    body: dict = {"database": database, "cache": cache_state, "queue": {"status": queue_state}}
    if database_ok and queue_ok:
        body["queue"] = {
            "status": "lagging" if lag[0] > settings.LIAISON_READY_MAX_QUEUE_LAG_SECONDS else "ok",
            "depth": jobs.queue_depth(),
            "lag_seconds": round(lag[0], 1),
        }
    ok = database_ok and cache_ok and queue_ok
    body["status"] = "ok" if ok else "error"
    return JsonResponse(body, status=200 if ok else 503)


class QueueCollector(Collector):
    """The queue and the jobs as they are at the scrape, read from the queue and the
    database (not counted in one process, so every node reports the same)."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        depth = GaugeMetricFamily("liaison_queue_depth", "Messages waiting in the queue")
        depth.add_metric([], jobs.queue_depth())
        yield depth
        lag = GaugeMetricFamily(
            "liaison_queue_lag_seconds", "How long the oldest queued job has waited"
        )
        lag.add_metric([], jobs.oldest_queued_age())
        yield lag
        by_state = GaugeMetricFamily("liaison_jobs", "Jobs kept, by state", labels=["state"])
        counts = dict(Job.objects.values_list("state").annotate(n=Count("pk")))
        for state in JobState.values:
            by_state.add_metric([state], counts.get(state, 0))
        yield by_state


def _registry() -> CollectorRegistry:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = CollectorRegistry()
        for collector in (REQUESTS, LATENCY, CSP_REPORTS):
            registry.register(collector)
    registry.register(QueueCollector())
    return registry


@login_not_required
@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    expected = settings.LIAISON_METRICS_TOKEN
    if not expected:
        raise Http404
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not hmac.compare_digest(given.encode(), str(expected).encode()):
        audit.record(
            AuditAction.ACCESS_DENIED,
            actor=None,
            actor_label="metrics scraper",
            object_type="metrics",
            reason="wrong or missing metrics token",
        )
        return JsonResponse({"detail": "A valid metrics token is required."}, status=401)
    return HttpResponse(generate_latest(_registry()), content_type=CONTENT_TYPE_LATEST)


class MetricsMiddleware:
    """Counts every request and its time, by view name (a bounded set, never the URL)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        view = match.view_name if match else "unresolved"
        LATENCY.labels(view).observe(time.perf_counter() - started)
        REQUESTS.labels(request.method, str(response.status_code), view).inc()
        return response
