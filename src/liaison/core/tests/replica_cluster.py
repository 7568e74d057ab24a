"""A throwaway PostgreSQL primary with a hot standby fed by streaming replication, for the
tests of the read replica: each server in its own data directory on a free port, stopped
and removed afterwards whatever happens.

As root, the servers run as the `postgres` system user (initdb refuses root), as
scripts/ensure-postgres.sh runs its own cluster."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg


def postgres_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: p.parts)
    return found[-1].parent if found else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _run_as() -> list[str]:
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


@dataclass
class Server:
    bindir: Path
    data: Path
    port: int

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/liaison"

    def run(self, tool: str, *args: str) -> None:
        subprocess.run(
            [*_run_as(), str(self.bindir / tool), *args],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            timeout=60,
        )

    def start(self) -> None:
        # fsync off: a throwaway server need not survive a power cut, and it is faster.
        options = f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.data / "log"),
            "-w",
            "-o",
            options,
            "start",
        )

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def sql(self, statement: str, database: str = "postgres"):
        with psycopg.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname=database, autocommit=True
        ) as connection:
            cursor = connection.execute(statement)
            return cursor.fetchone() if cursor.description else None


@dataclass
class Cluster:
    primary: Server
    replica: Server

    def caught_up(self, timeout: float = 20) -> None:
        """Waits until the replica has replayed everything the primary has written."""
        target = self.primary.sql("SELECT pg_current_wal_lsn()")[0]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            behind = self.replica.sql(
                f"SELECT pg_wal_lsn_diff('{target}', pg_last_wal_replay_lsn()) > 0"
            )[0]
            if not behind:
                return
            time.sleep(0.05)
        raise TimeoutError(f"the replica did not replay up to {target} in {timeout} s")


@contextlib.contextmanager
def replica_cluster() -> Iterator[Cluster]:
    """A primary with the database `liaison`, and a hot standby of it."""
    bindir = postgres_bin()
    if bindir is None:
        raise RuntimeError(
            "No PostgreSQL under /usr/lib/postgresql: run scripts/ensure-postgres.sh"
        )
    root = Path(tempfile.mkdtemp(prefix="liaison-replica-"))
    primary = Server(bindir, root / "primary", _free_port())
    replica = Server(bindir, root / "replica", _free_port())
    try:
        if _run_as():
            shutil.chown(root, "postgres")
        primary.run(
            "initdb", "-D", str(primary.data), "-U", "postgres", "--auth=trust", "-E", "UTF8"
        )
        primary.start()
        primary.sql("CREATE DATABASE liaison")
        # -R writes the standby's connection to the primary; -c fast checkpoints at once.
        replica.run(
            "pg_basebackup",
            *("-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres"),
            *("-D", str(replica.data), "-R", "-X", "stream", "-c", "fast"),
        )
        replica.start()
        yield Cluster(primary, replica)
    finally:
        for server in (replica, primary):
            with contextlib.suppress(subprocess.SubprocessError, OSError):
                server.stop()
        shutil.rmtree(root, ignore_errors=True)
