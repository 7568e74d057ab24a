"""Liaison on more than one machine: two gunicorn nodes and a worker sharing PostgreSQL and
Redis. A person signed in on one node is signed in on the other; a change made through
node A shows on node B at once, even what B keeps in its process; a job queued from A is
done by the worker and followed from B; a worker killed in the middle of a job leaves
nothing half-written, and the job is done once, by the next worker, after the timeout."""

from __future__ import annotations

import os
import re
import signal
import time
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings as django_settings
from django.db import connection

from .nodes import Browser, Deployment, environment, job_progress, job_state, redis_answers
from .nodes import wait_until as wait

REDIS_URL = os.environ.get("LIAISON_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="nodes share PostgreSQL"),
    pytest.mark.skipif(not redis_answers(REDIS_URL), reason="no Redis (scripts/ensure-redis.sh)"),
]

PASSWORD = "several-nodes-Pass-2026"
# Recovery codes as the second factor: an authenticator's code could not be used twice
# within its 30 seconds, and these tests sign the same officer in several times.
RECOVERY_CODES = iter([f"nodes{n:03d}" for n in range(20)])
SEED = f"""
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from liaison.core.choices import Role
from liaison.core.tests.factories import UserFactory
ico = UserFactory(username="ico", role=Role.ICO_OFFICER, password="{PASSWORD}")
TOTPDevice.objects.create(user=ico, name="authenticator", confirmed=True)
codes = StaticDevice.objects.create(user=ico, name="recovery codes", confirmed=True)
for n in range(20):
    codes.token_set.create(token=f"nodes{{n:03d}}")
"""
IMPORT_ROWS = 1500


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    """A fresh database, migrated and seeded, and the environment of every process."""
    settings = connection.settings_dict
    server = f"postgresql://{settings['USER']}@{settings['HOST']}:{settings['PORT']}"
    name = f"liaison_nodes_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    deployed = Deployment(
        environment(f"{server}/{name}", REDIS_URL, tmp_path_factory.mktemp("var"))
    )
    static = Path(django_settings.STATIC_ROOT)
    if (static / "staticfiles.json").exists():  # collected by the test command: the same
        deployed.env["LIAISON_STATIC_ROOT"] = str(static)
    try:
        if "LIAISON_STATIC_ROOT" not in deployed.env:
            deployed.liaison("collectstatic", "--no-input", "-v", "0")
        deployed.liaison("migrate", "--no-input", "-v", "0")
        deployed.liaison("sync-countries")
        deployed.python(SEED)
        yield deployed
    finally:
        deployed.stop()
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def nodes(deployment):
    return deployment.start_node(), deployment.start_node()


def sql(deployment: Deployment, query: str, *params):
    with psycopg.connect(deployment.env["DATABASE_URL"]) as db:
        return db.execute(query, params).fetchone()


def test_a_session_opened_on_one_node_is_good_on_the_other(nodes):
    a, b = nodes
    browser = Browser()
    browser.sign_in(a, "ico", PASSWORD, next(RECOVERY_CODES))
    status, page = browser.get(f"{b}/cases/")
    assert status == 200 and "Sign out" in page


def test_a_change_through_node_a_shows_at_once_on_node_b_even_what_b_keeps(deployment, nodes):
    a, b = nodes
    browser = Browser()
    browser.sign_in(a, "ico", PASSWORD, next(RECOVERY_CODES))
    assert "Cambodia" in browser.get(f"{b}/cases/")[1]  # B keeps the country names now
    deployment.python(  # the directory's maintenance, in a process of its own
        "from liaison.partners.models import Country\n"
        "c = Country.objects.get(code='KH'); c.name_en = 'Kingdom of Cambodia'; c.save()"
    )
    assert "Kingdom of Cambodia" in browser.get(f"{b}/cases/")[1]
    status, _where = browser.post(
        f"{a}/partners/new/",
        {"kind": "police", "name_en": "Lao Police", "name_ko": "라오스 경찰", "country": "LA"},
    )
    assert status == 302
    assert "Lao Police" in browser.get(f"{b}/partners/")[1]


def test_a_job_queued_from_node_a_is_done_by_the_worker_and_followed_on_node_b(deployment, nodes):
    a, b = nodes
    worker = deployment.start_worker()
    browser = Browser()
    browser.sign_in(a, "ico", PASSWORD, next(RECOVERY_CODES))
    status, where = browser.post(f"{a}/jobs/start/cases.recount_figures/", {})
    assert status == 302 and re.match(r"/jobs/[0-9a-f-]{36}/$", where)
    panel = f"{b}{where}progress/"
    wait(lambda: job_state(browser.get(panel)[1]) == "done", what="the recount")
    assert "cases counted into" in browser.get(f"{b}{where}")[1]
    worker.send_signal(signal.SIGINT)  # a graceful stop
    worker.wait(timeout=20)


def test_a_worker_killed_mid_job_leaves_nothing_half_written_and_the_job_is_done_once(
    deployment, nodes
):
    a, b = nodes
    worker = deployment.start_worker()
    browser = Browser()
    browser.sign_in(a, "ico", PASSWORD, next(RECOVERY_CODES))
    rows = "\n".join(
        f"international_organisation,Load Body {n},적재 기관 {n},,LB{n},,"
        for n in range(IMPORT_ROWS)
    )
    table = f"kind,name_en,name_ko,name_local,abbreviation,country,website\n{rows}\n".encode()
    status, where = browser.post(f"{a}/partners/import/", {}, files={"file": ("bodies.csv", table)})
    assert status == 302 and where.startswith("/jobs/"), where[:300]
    job_id = where.strip("/").split("/")[-1]
    panel = f"{b}{where}progress/"

    def writing() -> bool:  # past the checks, half-way through the writes
        done, total = job_progress(browser.get(panel)[1])
        return total and done > IMPORT_ROWS * 1.3

    wait(writing, what="the import's writing phase")
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=10)
    written = "SELECT count(*) FROM partners_partnerbody WHERE name_en LIKE 'Load Body %%'"
    assert sql(deployment, written) == (0,)  # its transaction died with it
    assert sql(deployment, "SELECT state FROM core_job WHERE id = %s", job_id) == ("running",)

    time.sleep(3.5)  # LIAISON_JOB_LOST_AFTER_SECONDS: the last heartbeat expires
    deployment.start_worker()  # picks up the lost job as it starts
    wait(lambda: job_state(browser.get(panel)[1]) == "done", what="the import, again", timeout=90)
    assert sql(deployment, written) == (IMPORT_ROWS,)
    assert sql(deployment, "SELECT attempts FROM core_job WHERE id = %s", job_id) == (2,)
    assert f"{IMPORT_ROWS} partner bodies are imported." in browser.get(f"{b}{where}")[1]
