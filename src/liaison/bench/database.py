"""Where the benchmark runs: a database of its own beside the configured one."""

from __future__ import annotations

from pathlib import Path

import dj_database_url
import psycopg
from django.conf import settings

BENCH_DB = "liaison_bench"
LOAD_DB = "liaison_load"
AUDIT_DB = "liaison_bench_audit"


def bench_url(configured: dict, name: str = BENCH_DB) -> str:
    """A dedicated database beside the configured one: `name` (`liaison_bench`) on the
    same PostgreSQL server, or a file under var/bench/ for SQLite."""
    if configured["ENGINE"].endswith("postgresql"):
        user = configured.get("USER") or ""
        password = f":{configured['PASSWORD']}" if configured.get("PASSWORD") else ""
        auth = f"{user}{password}@" if user else ""
        host = configured.get("HOST") or "localhost"
        port = f":{configured['PORT']}" if configured.get("PORT") else ""
        return f"postgres://{auth}{host}{port}/{name}"
    path = Path(settings.VAR_DIR) / "bench" / f"{name.replace('_', '-')}.sqlite3"
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path.resolve()}"


def same_database(url: str, configured: dict) -> bool:
    parsed = dj_database_url.parse(url)
    keys = ("ENGINE", "NAME", "HOST", "PORT")
    return all(str(parsed.get(k) or "") == str(configured.get(k) or "") for k in keys)


def connect(url: str, *, dbname: str | None = None, **options) -> psycopg.Connection:
    """A psycopg connection to the server `url` names: its database, or `dbname`."""
    target = dj_database_url.parse(url)
    params = {
        "host": target.get("HOST") or None,
        "port": target.get("PORT") or None,
        "user": target.get("USER") or None,
        "password": target.get("PASSWORD") or None,
        "dbname": dbname or target["NAME"],
        **options,
    }
    return psycopg.connect(**{k: v for k, v in params.items() if v is not None})


def create_postgres_database(url: str) -> bool:
    """Creates the database `url` names when it does not exist; True when created."""
    target = dj_database_url.parse(url)
    with connect(url, dbname="postgres", autocommit=True) as server:
        exists = server.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [target["NAME"]]
        ).fetchone()
        if exists:
            return False
        server.execute(f'CREATE DATABASE "{target["NAME"]}"')
        return True


def recreate(url: str) -> None:
    """The database `url` names, emptied by dropping it (PostgreSQL) or its file (SQLite):
    audit entries are never deleted row by row."""
    target = dj_database_url.parse(url)
    if target["ENGINE"].endswith("sqlite3"):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target['NAME']}{suffix}").unlink(missing_ok=True)
        return
    with connect(url, dbname="postgres", autocommit=True) as server:
        server.execute(f'DROP DATABASE IF EXISTS "{target["NAME"]}" WITH (FORCE)')
        server.execute(f'CREATE DATABASE "{target["NAME"]}"')
