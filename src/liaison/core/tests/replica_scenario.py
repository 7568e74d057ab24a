"""What people see with a read replica that lags, run in a process of its own whose
DATABASE_URL is the primary and DATABASE_REPLICA_URL the replica of a throwaway cluster
(`replica_cluster`): Django reads its databases once per process, so a test cannot give
itself a replica. Pages are asked for through Django's test client, the whole middleware
stack included. Prints what was seen, as JSON, for test_replica_cluster.py to judge.

    python -m liaison shell -c "from liaison.core.tests import replica_scenario as s; s.main()"

Phases (LIAISON_REPLICA_SCENARIO): `lag` (migrate, seed, pause the replica's replay, write,
look, resume, look) and `replica_down` (the replica is stopped: look twice).
"""

from __future__ import annotations

import json
import os
import re
import time

from django.conf import settings
from django.core.management import call_command
from django.db import connections
from django.test import Client, override_settings

from liaison.cases.services import intake
from liaison.core.choices import Role
from liaison.core.models import User
from liaison.core.tests.factories import CountryFactory, UserFactory
from liaison.core.tests.second_factor import verify_session

OPEN_NOW = re.compile(r'data-figure="open".*?fs-3 fw-semibold">([\d,]+)<', re.S)


def browser(user: User) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)  # no request: the sign-in does not pin this browser
    verify_session(client, user)
    return client


def open_on_dashboard(client: Client) -> int:
    response = client.get("/cases/dashboard/")
    assert response.status_code == 200, response.status_code
    return int(OPEN_NOW.search(response.content.decode()).group(1).replace(",", ""))


def exported_rows(client: Client) -> int:
    response = client.get("/cases/?export=csv&purpose=audit")
    assert response.status_code == 200, response.status_code
    return len(response.content.decode("utf-8-sig").strip().splitlines()) - 1


def on_case_list(client: Client, reference: str) -> bool:
    return reference in client.get("/cases/").content.decode()


def replica_sql(statement: str) -> None:
    with connections["replica"].cursor() as cursor:
        cursor.execute(statement)


def primary_lsn() -> str:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()")
        return cursor.fetchone()[0]


def replica_reached(lsn: str, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    with connections["replica"].cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT pg_wal_lsn_diff(%s, pg_last_wal_replay_lsn()) <= 0", [lsn])
            if cursor.fetchone()[0]:
                return
            time.sleep(0.05)
    raise TimeoutError(f"the replica did not replay up to {lsn}")


def report(officer: User, country, text: str):
    return intake.report_receive(
        actor=officer, data={"country": country, "narrative": text}, quick=True
    )


def lag() -> dict:
    started = time.monotonic()
    call_command("migrate", interactive=False, verbosity=0)
    migrated = time.monotonic()
    country = CountryFactory()
    writer = UserFactory(username="writer", role=Role.ICO_OFFICER)
    reader = UserFactory(username="reader", role=Role.ANALYST)
    for n in range(3):
        intake.case_open(
            actor=writer, reports=[report(writer, country, f"held {n}")], title=f"Case {n}"
        )
    waiting = report(writer, country, "held in a compound in Bavet")
    replica_reached(primary_lsn())
    seen: dict = {
        "migrate_seconds": round(migrated - started, 1),
        "pooled": all(connections[alias].pool is not None for alias in ("default", "replica")),
    }
    writer_browser, reader_browser = browser(writer), browser(reader)
    seen["before"] = open_on_dashboard(reader_browser)

    replica_sql("SELECT pg_wal_replay_pause()")
    # The writer opens a case from the waiting report, on the page; the replica misses it.
    response = writer_browser.post(
        f"/cases/reports/{waiting.pk}/open/", {"title": "Confinement in Bavet"}
    )
    seen["write_status"] = response.status_code
    seen["write_pins"] = "liaison_wrote" in response.cookies
    new_case = waiting.__class__.objects.get(pk=waiting.pk).case
    seen["writer_dashboard"] = open_on_dashboard(writer_browser)  # pinned: the primary
    seen["reader_dashboard"] = open_on_dashboard(reader_browser)  # the replica, behind
    seen["reader_case_list_has_it"] = on_case_list(reader_browser, new_case.reference)
    seen["reader_export_rows"] = exported_rows(reader_browser)  # the replica; audited
    # The export's audit entry is the reader's own write: now the reader is pinned.
    seen["reader_dashboard_after_export"] = open_on_dashboard(reader_browser)
    pin = int(os.environ["LIAISON_REPLICA_PIN_SECONDS"])
    time.sleep(pin + 0.5)
    seen["writer_dashboard_after_pin"] = open_on_dashboard(writer_browser)

    replica_sql("SELECT pg_wal_replay_resume()")
    replica_reached(primary_lsn())
    seen["reader_dashboard_caught_up"] = open_on_dashboard(reader_browser)
    seen["reader_export_rows_caught_up"] = exported_rows(reader_browser)
    seen["seconds"] = round(time.monotonic() - started, 1)
    return seen


def replica_down() -> dict:
    reader = User.objects.get(username="reader")
    client = browser(reader)
    seen = {}
    for attempt in ("first", "second"):
        started = time.monotonic()
        seen[attempt] = open_on_dashboard(client)
        seen[f"{attempt}_ms"] = round((time.monotonic() - started) * 1000)
    return seen


def main() -> None:
    phase = {"lag": lag, "replica_down": replica_down}[os.environ["LIAISON_REPLICA_SCENARIO"]]
    # As in the test suite (conftest): the source files, not collectstatic's manifest.
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages):
        seen = phase()
    print("SCENARIO " + json.dumps(seen))  # the test reads it
