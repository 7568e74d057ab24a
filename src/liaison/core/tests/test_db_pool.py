"""LIAISON_DB_POOL on PostgreSQL: a process borrows its connections from psycopg's pool and
gives them back, so twenty requests in a row open at most the pool's four connections, not
twenty. Run in a process of its own: Django reads its database settings once per process."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

import liaison

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the pool is PostgreSQL's"),
]

SOURCE = str(Path(liaison.__file__).resolve().parents[1])  # this checkout, not the installed
# Twenty requests, each reading the users and handing its connection back as Django does
# when a request ends; then what the pool did.
REQUESTS = """
import json
from django.core import signals
from django.db import connection
from liaison.core.models import User
for _ in range(20):
    signals.request_started.send(sender=None)
    User.objects.count()
    signals.request_finished.send(sender=None)
stats = connection.pool.get_stats()
print("POOL " + json.dumps({
    "sizes": [connection.pool.min_size, connection.pool.max_size],
    "conn_max_age": connection.settings_dict["CONN_MAX_AGE"],
    "opened": stats["connections_num"],
    "borrowed": stats["requests_num"],
}))
"""


def test_with_a_pool_requests_reuse_the_pool_s_connections(db, tmp_path):
    server = connection.settings_dict
    password = f":{server['PASSWORD']}" if server["PASSWORD"] else ""
    url = (
        f"postgres://{server['USER']}{password}@{server['HOST']}:{server['PORT']}"
        f"/{server['NAME']}"  # the test database, which exists during the run
    )
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "LIAISON_DB_POOL": "2:4",
        "LIAISON_DB_CONN_MAX_AGE": "60",  # the pool replaces persistent connections
        "LIAISON_VAR_DIR": str(tmp_path),
        "PYTHONPATH": SOURCE,
    }
    run = subprocess.run(
        [sys.executable, "-m", "liaison", "shell", "-c", REQUESTS],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    lines = [line for line in run.stdout.splitlines() if line.startswith("POOL ")]
    assert run.returncode == 0 and lines, run.stderr[-3000:]
    pool = json.loads(lines[-1].removeprefix("POOL "))
    assert pool["sizes"] == [2, 4]
    assert pool["conn_max_age"] == 0
    assert pool["borrowed"] == 20
    # The minimum opened at once, perhaps one more for a request that came first: each
    # lent many times over.
    assert pool["opened"] <= 4
