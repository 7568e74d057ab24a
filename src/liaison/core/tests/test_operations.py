"""What operators' tools ask of a node: liveness, readiness (database, cache, queue and its
lag), and the metrics, to the holder of the metrics token only."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from liaison.core import jobs
from liaison.core.choices import AuditAction, JobState
from liaison.core.models import AuditEvent, Job

pytestmark = pytest.mark.django_db


def test_liveness_answers_without_sign_in_or_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz/live")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_readiness_checks_the_database_the_cache_and_the_queue(client, queue):
    for url in ("/healthz", "/healthz/ready"):
        body = client.get(url).json()
        assert body == {
            "status": "ok",
            "database": "ok",
            "cache": "ok",
            "queue": {"status": "ok", "depth": 0, "lag_seconds": 0.0},
        }


def test_readiness_reports_a_lagging_queue_but_stays_ready(client, queue, personas, settings):
    settings.LIAISON_READY_MAX_QUEUE_LAG_SECONDS = 600
    job = jobs.enqueue("cases.recount_figures", requested_by=personas.admin)
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - datetime.timedelta(hours=1))
    response = client.get("/healthz/ready")
    assert response.status_code == 200
    assert response.json()["queue"]["status"] == "lagging"
    assert response.json()["queue"]["lag_seconds"] >= 3600


def test_readiness_fails_when_the_cache_is_unreachable(client, settings, queue):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        }
    }
    response = client.get("/healthz/ready")
    assert response.status_code == 503
    assert response.json()["status"] == "error" and response.json()["cache"] != "ok"


def test_metrics_are_not_served_without_a_configured_token(client, settings):
    settings.LIAISON_METRICS_TOKEN = None
    assert client.get("/metrics").status_code == 404


def test_metrics_refuse_a_wrong_token_and_record_the_refusal(client, settings):
    settings.LIAISON_METRICS_TOKEN = "s3cret-scrape-token"
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer nope").status_code == 401
    assert (
        AuditEvent.objects.filter(action=AuditAction.ACCESS_DENIED, object_type="metrics").count()
        == 2
    )


def test_metrics_count_requests_and_show_the_queue_and_failed_jobs(
    client, settings, queue, personas
):
    settings.LIAISON_METRICS_TOKEN = "s3cret-scrape-token"
    Job.objects.create(kind="cases.recount_figures", state=JobState.FAILED)
    client.get("/healthz/live")
    response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-scrape-token")
    assert response.status_code == 200
    text = response.content.decode()
    assert 'liaison_http_requests_total{method="GET",status="200",view="health_live"}' in text
    assert "liaison_http_request_seconds_bucket" in text
    assert "liaison_queue_depth 0.0" in text
    assert 'liaison_jobs{state="failed"} 1.0' in text
