"""The nodes under load: gunicorn serving one revision of Liaison on ports of their own,
sharing its database, and the processor time they spend (read from /proc)."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..database import connect
from .sides import Side

TICKS = os.sysconf("SC_CLK_TCK")
READY_SECONDS = 60


class NodeFailed(RuntimeError):
    """A node did not start, or stopped while it was measured."""


@dataclass
class Node:
    """One gunicorn master and its workers on one port."""

    port: int
    process: subprocess.Popen
    log: Path

    def pids(self) -> list[int]:
        """The master and its workers, as they are now."""
        return [self.process.pid, *_children(self.process.pid)]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _children(parent: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and _stat(int(entry.name))[1] == parent:
            found.append(int(entry.name))
    return found


def _stat(pid: int) -> tuple[float, int]:
    """The processor seconds (user + system) a process has used so far, and its parent."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return 0.0, -1
    # The command name, in parentheses, may hold spaces: the fields follow the last ")".
    fields = text[text.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / TICKS, int(fields[1])


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    return {pid: _stat(pid)[0] for pid in pids}


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


def _answers(port: int) -> bool:
    """Whether the node serves: its liveness probe, or `/healthz` on a revision older
    than the probe."""
    for probe in ("/healthz/live", "/healthz"):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            connection.request("GET", probe)
            status = connection.getresponse().status
        except OSError:
            return False
        finally:
            connection.close()
        if status != 404:
            return status == 200
    return False


def _start(side: Side, *, workers: int, folder: Path) -> Node:
    port = _free_port()
    log = folder / f"gunicorn-{side.key}-{port}.log"
    argv = [
        sys.executable,
        "-m",
        "gunicorn",
        "liaison.wsgi:application",
        *("--bind", f"127.0.0.1:{port}", "--workers", str(workers)),
        *("--chdir", str(side.src), "--timeout", "120", "--graceful-timeout", "5"),
    ]
    with log.open("wb") as sink:
        # A session of its own: Ctrl+C in the terminal reaches the benchmark, which stops
        # the nodes itself, not the nodes half-way through a request.
        process = subprocess.Popen(  # noqa: S603  # nosec B603
            argv, env=side.env, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True
        )
    node = Node(port=port, process=process, log=log)
    deadline = time.monotonic() + READY_SECONDS
    while not _answers(port):
        if process.poll() is not None or time.monotonic() > deadline:
            stop(node)
            raise NodeFailed(f"gunicorn on port {port} did not start:\n{tail(log)}")
        time.sleep(0.2)
    # Every worker imports the application on its own: wait until all have booted.
    while len(_children(process.pid)) < workers and time.monotonic() < deadline:
        time.sleep(0.2)
    return node


def stop(node: Node) -> None:
    """Asks gunicorn to stop (its workers finish their request, and it ends those that do
    not within its graceful timeout), then ends whatever of its own is left."""
    group = node.process.pid
    workers = _children(group)
    if node.process.poll() is None:
        node.process.send_signal(signal.SIGTERM)
        try:
            node.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(group, signal.SIGKILL)  # the master is alive: the group is still its
            node.process.wait()
    for pid in workers:  # a worker left behind, if it is still one of this node's
        try:
            if os.getpgid(pid) == group:
                os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def tail(log: Path, lines: int = 30) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except FileNotFoundError:
        return ""


@contextmanager
def serving(side: Side, *, nodes: int, workers: int, folder: Path) -> Iterator[list[Node]]:
    """`nodes` gunicorn nodes serving `side`, stopped on the way out, whatever happens."""
    with ExitStack() as stack:
        started = []
        for _ in range(nodes):
            node = _start(side, workers=workers, folder=folder)
            stack.callback(stop, node)
            started.append(node)
        yield started
