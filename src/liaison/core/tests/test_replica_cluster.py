"""A real primary and a real hot standby (streaming replication), the standby's replay
paused: the dashboard and exports, which may read the replica, show the past; the case
list, and the dashboard of whoever just wrote, show the present; once replay resumes the
dashboard catches up; with the replica stopped the dashboard still answers, from the
primary. The pages are asked for in a process of its own (replica_scenario.py), with a
connection pool, as a node of a deployment would run."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

import liaison

from .replica_cluster import Cluster, postgres_bin, replica_cluster

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="a replica is a PostgreSQL standby"
    ),
]

PIN_SECONDS = 2
SOURCE = str(Path(liaison.__file__).resolve().parents[1])  # this checkout, not the installed


def scenario(cluster: Cluster, phase: str, var_dir) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": cluster.primary.url,
        "DATABASE_REPLICA_URL": cluster.replica.url,
        "LIAISON_REPLICA_PIN_SECONDS": str(PIN_SECONDS),
        "LIAISON_DB_POOL": "1:4",
        "LIAISON_VAR_DIR": str(var_dir),
        "LIAISON_REPLICA_SCENARIO": phase,
        "PYTHONPATH": SOURCE,
    }
    run = subprocess.run(
        [
            sys.executable,
            *("-m", "liaison", "shell", "-c"),
            "from liaison.core.tests import replica_scenario as s; s.main()",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    lines = [line for line in run.stdout.splitlines() if line.startswith("SCENARIO ")]
    assert run.returncode == 0 and lines, run.stderr[-3000:]
    return json.loads(lines[-1].removeprefix("SCENARIO "))


def test_dashboards_read_the_replica_and_people_see_their_own_writes(tmp_path):
    assert postgres_bin(), "PostgreSQL's binaries are missing: run scripts/ensure-postgres.sh"
    with replica_cluster() as cluster:
        seen = scenario(cluster, "lag", tmp_path)
        cluster.replica.stop()
        down = scenario(cluster, "replica_down", tmp_path)
    print(seen, down)  # the timings, for whoever runs it with -s

    assert seen["pooled"]
    assert seen["before"] == 3
    assert seen["write_status"] == 302 and seen["write_pins"]
    # The writer's browser is pinned to the primary: their new case is counted.
    assert seen["writer_dashboard"] == 4
    # Another reader's dashboard comes from the paused replica; the case list does not.
    assert seen["reader_dashboard"] == 3
    assert seen["reader_case_list_has_it"]
    assert seen["reader_export_rows"] == 3
    # The export wrote its audit entry: the exporter is now pinned in turn.
    assert seen["reader_dashboard_after_export"] == 4
    # Past the pin window the writer reads the replica again, still paused.
    assert seen["writer_dashboard_after_pin"] == 3
    # Replay resumed: the replica has caught up.
    assert seen["reader_dashboard_caught_up"] == 4
    assert seen["reader_export_rows_caught_up"] == 4
    # The replica stopped: the dashboard answers from the primary, then skips the replica.
    assert down["first"] == 4 and down["second"] == 4
