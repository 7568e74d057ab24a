"""Liaison as a deployment runs it, for the tests of several nodes: gunicorn nodes and
`liaison worker` processes sharing one PostgreSQL database, one Redis and one var/
directory (the key file, the uploads), and a browser that signs in through the real form.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import liaison
from liaison.core.testing import gunicorn

SOURCE = str(Path(liaison.__file__).resolve().parents[1])  # this checkout
BIN = Path(sys.executable).parent


def redis_answers(url: str) -> bool:
    parsed = urllib.parse.urlparse(url)
    try:
        with socket.create_connection((parsed.hostname, parsed.port or 6379), timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@dataclass
class Deployment:
    """The environment every process of the deployment shares."""

    env: dict
    processes: list[subprocess.Popen] = field(default_factory=list)  # the workers
    nodes: list[gunicorn.Node] = field(default_factory=list)

    def liaison(self, *args: str, timeout: float = 120) -> str:
        run = subprocess.run(
            [str(BIN / "liaison"), *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        assert run.returncode == 0, run.stderr[-3000:]
        return run.stdout

    def python(self, code: str) -> str:
        return self.liaison("shell", "-c", code)

    def start_node(self) -> str:
        node = gunicorn.start(self.env, Path(self.env["LIAISON_VAR_DIR"]), threads=4)
        self.nodes.append(node)
        return node.url

    def start_worker(self) -> subprocess.Popen:
        log = Path(self.env["LIAISON_VAR_DIR"]) / f"worker-{uuid.uuid4().hex[:8]}.log"
        with log.open("wb") as sink:
            process = subprocess.Popen(
                [str(BIN / "liaison"), "worker", "--workers", "1"],
                env=self.env,
                stdout=sink,
                stderr=subprocess.STDOUT,
            )
        self.processes.append(process)
        return process

    def stop(self) -> None:
        for node in self.nodes:
            gunicorn.stop(node)
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def wait_until(condition, *, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"{what} did not answer within {timeout} s")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One person's browser: its cookies go to whichever node it asks (a load balancer)."""

    def __init__(self):
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), NoRedirect()
        )

    def request(self, url: str, data: bytes | None = None, headers: dict | None = None):
        headers = {"Accept-Language": "en", **(headers or {})}
        request = urllib.request.Request(url, data=data, headers=headers)  # noqa: S310
        try:
            response = self.opener.open(request, timeout=60)
        except urllib.error.HTTPError as answer:  # 3xx (not followed) and 4xx/5xx alike
            response = answer
        with response:
            return response.status, response.headers, response.read().decode("utf-8", "replace")

    def get(self, url: str) -> tuple[int, str]:
        status, _headers, body = self.request(url)
        return status, body

    def csrf(self) -> str:
        return next(c.value for c in self.cookies if c.name == "csrftoken")

    def post(self, url: str, fields: dict, files: dict | None = None) -> tuple[int, str]:
        """A form post; returns the status and where it redirects (or the body)."""
        fields = {**fields, "csrfmiddlewaretoken": self.csrf()}
        if files:
            boundary = uuid.uuid4().hex
            data = _multipart(boundary, fields, files)
            content_type = f"multipart/form-data; boundary={boundary}"
        else:
            data = urllib.parse.urlencode(fields).encode()
            content_type = "application/x-www-form-urlencoded"
        status, headers, body = self.request(url, data, {"Content-Type": content_type})
        return status, headers.get("Location") or body

    def sign_in(self, base: str, username: str, password: str, code: str) -> None:
        """The password (the notice acknowledged), then the second factor's `code`."""
        self.get(f"{base}/login/")
        status, where = self.post(
            f"{base}/login/", {"username": username, "password": password, "acknowledge": "on"}
        )
        assert status == 302 and "/login/second-factor/" in where, (status, where[:500])
        status, where = self.post(base + where, {"code": code})
        assert status == 302, (status, where[:500])


def _multipart(boundary: str, fields: dict, files: dict) -> bytes:
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        )
    body = "".join(parts).encode()
    for name, (filename, content) in files.items():
        body += (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: text/csv\r\n\r\n'
            ).encode()
            + content
            + b"\r\n"
        )
    return body + f"--{boundary}--\r\n".encode()


def job_state(page: str) -> str:
    found = re.search(r'id="job-panel" data-state="(\w+)"', page)
    return found.group(1) if found else ""


def job_progress(page: str) -> tuple[int, int]:
    found = re.search(r'id="job-progress-text">([\d,]+) of ([\d,]+)', page)
    if not found:
        return 0, 0
    return tuple(int(n.replace(",", "")) for n in found.groups())  # type: ignore[return-value]


def environment(database_url: str, redis_url: str, var_dir: Path) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "LIAISON_REDIS_URL": redis_url,
        "LIAISON_QUEUE_NAME": f"nodes-{uuid.uuid4().hex[:8]}",
        "LIAISON_VAR_DIR": str(var_dir),
        "LIAISON_DB_CONN_MAX_AGE": "0",
        "LIAISON_JOB_HEARTBEAT_SECONDS": "1",
        "LIAISON_JOB_LOST_AFTER_SECONDS": "3",
        "LIAISON_LOG_LEVEL": "WARNING",
        # Every test signs in from this one address: not a flood.
        "LIAISON_LOGIN_RATE": "1000/m",
        "PYTHONPATH": SOURCE,
    }
