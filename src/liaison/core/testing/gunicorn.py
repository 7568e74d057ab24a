"""Gunicorn nodes serving Liaison on ports of their own, for the tests of several nodes
(`core/tests/nodes.py`) and for `liaison bench load`: one started, waited for until it
answers and all its workers have booted, and stopped with every process of its own."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

READY_SECONDS = 60
# The liveness probe, then `/healthz` for a revision older than the probe (the bench's A/B).
PROBES = ("/healthz/live", "/healthz")


class NodeFailed(RuntimeError):
    """A node did not start, or stopped while it was used."""


@dataclass
class Node:
    """One gunicorn master and its workers on one port."""

    port: int
    process: subprocess.Popen
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def pids(self) -> list[int]:
        """The master and its workers, as they are now."""
        return [self.process.pid, *children(self.process.pid)]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def stat(pid: int) -> list[str]:
    """The fields of /proc/<pid>/stat after the command name (the parent is [1], the
    processor ticks in user and system mode [11] and [12]); none once it has ended."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return []
    # The command name, in parentheses, may hold spaces: the fields follow the last ")".
    return text[text.rindex(")") + 2 :].split()


def children(parent: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and stat(int(entry.name))[1:2] == [str(parent)]:
            found.append(int(entry.name))
    return found


def answers(port: int) -> bool:
    """Whether the node serves: the first of the PROBES it knows answers 200."""
    for probe in PROBES:
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


def start(
    env: dict[str, str],
    logs: Path,
    *,
    name: str = "gunicorn",
    workers: int = 1,
    threads: int = 1,
    timeout: int = 60,
    graceful_timeout: int = 2,
    chdir: Path | None = None,
) -> Node:
    """A node serving `liaison.wsgi` with the environment `env`, its output in the folder
    `logs` as `<name>-<port>.log`; returns once it answers and its workers have all booted,
    or raises NodeFailed."""
    port = free_port()
    log = logs / f"{name}-{port}.log"
    argv = [
        sys.executable,
        "-m",
        "gunicorn",
        "liaison.wsgi:application",
        *("--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--threads", str(threads)),
        *("--timeout", str(timeout), "--graceful-timeout", str(graceful_timeout)),
        *(("--chdir", str(chdir)) if chdir else ()),
    ]
    with log.open("wb") as sink:
        # A session of its own: Ctrl+C in the terminal reaches the caller, which stops the
        # node itself, not the node half-way through a request. The command is this
        # interpreter's gunicorn, with arguments made here.
        process = subprocess.Popen(  # noqa: S603  # nosec B603
            argv, env=env, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True
        )
    node = Node(port=port, process=process, log=log)
    deadline = time.monotonic() + READY_SECONDS
    while not answers(port):
        if process.poll() is not None or time.monotonic() > deadline:
            stop(node)
            raise NodeFailed(f"gunicorn on port {port} did not start:\n{tail(log)}")
        time.sleep(0.1)
    # Every worker imports the application on its own: wait until all have booted.
    while len(children(process.pid)) < workers and time.monotonic() < deadline:
        time.sleep(0.1)
    return node


def stop(node: Node) -> None:
    """Asks gunicorn to stop (its workers finish their request, and it ends those that do
    not within its graceful timeout), then ends whatever of its own is left."""
    group = node.process.pid
    workers = children(group)
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
