"""The nodes under load: gunicorn serving one revision of Liaison on ports of their own
(`core.testing.gunicorn`), sharing its database, and the processor time they spend (read
from /proc)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from liaison.core.testing import gunicorn
from liaison.core.testing.gunicorn import Node

from ..database import connect
from .sides import Side

TICKS = os.sysconf("SC_CLK_TCK")


def _processor_seconds(pid: int) -> float:
    """The processor seconds (user + system) a process has used so far."""
    fields = gunicorn.stat(pid)
    return (int(fields[11]) + int(fields[12])) / TICKS if fields else 0.0


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    return {pid: _processor_seconds(pid) for pid in pids}


def spent(before: dict[int, float], after: dict[int, float]) -> float:
    """Processor seconds spent between two readings; a process started in between counts
    whole (a worker gunicorn replaced), one that ended in between is lost."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


def database_backends(url: str) -> list[int]:
    """The PostgreSQL server processes serving the database `url` names, when the server
    runs on this machine (their /proc entries are then readable); none for SQLite."""
    if not url.startswith(("postgres://", "postgresql://")):
        return []
    with connect(url) as server:
        rows = server.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
        ).fetchall()
    return [pid for (pid,) in rows if _is_postgres(pid)]


def _is_postgres(pid: int) -> bool:
    """A server in another container reports pids of its own, which here may be anything."""
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip() in ("postgres", "postmaster")
    except OSError:
        return False


def _start(side: Side, *, workers: int, folder: Path) -> Node:
    return gunicorn.start(
        side.env,
        folder,
        name=f"gunicorn-{side.key}",
        workers=workers,
        timeout=120,
        graceful_timeout=5,
        chdir=side.src,
    )


@contextmanager
def serving(side: Side, *, nodes: int, workers: int, folder: Path) -> Iterator[list[Node]]:
    """`nodes` gunicorn nodes serving `side`, stopped on the way out, whatever happens."""
    with ExitStack() as stack:
        started = []
        for _ in range(nodes):
            node = _start(side, workers=workers, folder=folder)
            stack.callback(gunicorn.stop, node)
            started.append(node)
        yield started
