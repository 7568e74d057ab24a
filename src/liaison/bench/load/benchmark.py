"""A load run from end to end: the sides prepared, each served by one node and then by
more, driven by the users, measured, compared; the nodes, the worktree and the temporary
files removed on the way out, on an error or Ctrl+C as well."""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from liaison.core.testing import gunicorn

from ..timing import percentile
from . import servers, sides
from .driver import Account, Data, Officer, Tally, drive, sign_in_all, warm_up
from .prepare import PREPARED_MARK
from .report import Measured, ab_table, run_table

Out = Callable[[str], None]
PREPARE = Path(__file__).with_name("prepare.py")
# The page that shows the rows the API list gives by default: every status, newest first.
PAGE_OF_THE_API_ROWS = "/cases/?status=all"
API_LIST = "/api/v1/cases/"


class LoadFailed(RuntimeError):
    """The run could not be made: a side could not be prepared or served."""


@dataclass
class Plan:
    users: int
    seconds: float
    nodes: int  # the run is repeated with 1, 2, … nodes
    workers: int
    cases: int
    database_url: str
    var_dir: Path
    against: str | None  # the revision to compare with; None: no A/B
    force: bool
    compare: int  # requests of the page and of the API, one at a time


def prepare(side: sides.Side, plan: Plan, password: str, out: Out) -> dict:
    """Migrates and fills the side's database with its own code (see prepare.py)."""
    out(f"Preparing {side.label} in {sides.database_name(side.database_url)}…")
    argv = [sys.executable, "-P", str(PREPARE), "--cases", str(plan.cases)]
    argv += ["--users", str(plan.users), *(["--force"] if plan.force else [])]
    done = subprocess.run(  # noqa: S603  # nosec B603
        argv,
        env={**side.env, "LIAISON_LOAD_PASSWORD": password},
        cwd=side.src,
        capture_output=True,
        text=True,
        check=False,
    )
    for line in done.stderr.splitlines():
        if line.startswith("  "):  # the generator's progress
            out(line)
    found = [line for line in done.stdout.splitlines() if line.startswith(PREPARED_MARK)]
    if done.returncode or not found:
        raise LoadFailed(
            f"{side.label} could not be prepared (exit status {done.returncode}):\n"
            + "\n".join((done.stdout + done.stderr).splitlines()[-25:])
        )
    return json.loads(found[-1][len(PREPARED_MARK) :])


def _page_vs_api(officer: Officer, samples: int) -> dict:
    """The API list beside the page that shows the same rows, for the same user, one
    request at a time (no queue in front of them): what each costs on its own."""
    bearer = {"Authorization": f"Bearer {officer.account.token}"}
    page_ms, api_ms, same = [], [], True
    rows = 0
    for _ in range(samples):
        started = time.perf_counter()
        status, page = officer.browser.send("GET", PAGE_OF_THE_API_ROWS)
        page_ms.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        api_status, body = officer.api.send("GET", API_LIST, headers=bearer, cookies=False)
        api_ms.append((time.perf_counter() - started) * 1000)
        if status != 200 or api_status != 200:
            raise LoadFailed(f"page vs API: HTTP {status} for the page, {api_status} for the API")
        items = json.loads(body)["items"]
        rows = len(items)
        # Every case the API gives is a row of the page (its reference is shown there).
        html = page.decode()
        same = same and all(item["reference"] in html for item in items)
    return {
        "page_path": PAGE_OF_THE_API_ROWS,
        "api_path": API_LIST,
        "samples": samples,
        "rows": rows,
        "same_rows": same,
        "page": {"p50": percentile(page_ms, 0.5), "p95": percentile(page_ms, 0.95)},
        "api": {"p50": percentile(api_ms, 0.5), "p95": percentile(api_ms, 0.95)},
    }


def measure(
    side: sides.Side, prepared: dict, plan: Plan, *, nodes: int, password: str, folder: Path
) -> Measured:
    """One run: `nodes` nodes serving `side`, the users spread over them in turn."""
    data = Data(case_ids=prepared["case_ids"], searches=prepared["searches"])
    with servers.serving(side, nodes=nodes, workers=plan.workers, folder=folder) as running:
        officers = [
            Officer(Account(**account), password, running[i % nodes].port, data, offset=i)
            for i, account in enumerate(prepared["users"][: plan.users])
        ]
        sign_in_all(officers)
        tally = Tally()
        warm_up(officers, tally)
        pids = [pid for node in running for pid in node.pids()]
        backends = servers.database_backends(side.database_url)
        app, db = servers.cpu_seconds(pids), servers.cpu_seconds(backends)
        client = time.process_time()
        seconds = drive(officers, tally, seconds=plan.seconds)
        client = time.process_time() - client
        app_after = servers.cpu_seconds([pid for node in running for pid in node.pids()])
        db_after = servers.cpu_seconds(servers.database_backends(side.database_url))
        notes = []
        if set(pids) - set(app_after):
            notes.append("a worker was replaced during the run: its processor time is lost")
        compared = _page_vs_api(officers[0], plan.compare) if nodes == 1 and plan.compare else None
        for officer in officers:
            officer.close()
        for node in running:
            if node.process.poll() is not None:
                raise LoadFailed(
                    f"gunicorn on port {node.port} stopped:\n{gunicorn.tail(node.log)}"
                )
        if any(f.status >= 500 for f in tally.failures):
            notes.append("server errors; the end of a node's log:")
            notes += gunicorn.tail(running[0].log, 15).splitlines()
    return Measured(
        side=side.key,
        label=side.label,
        nodes=nodes,
        workers=plan.workers,
        users=len(officers),
        seconds=seconds,
        tally=tally,
        app_cpu=servers.spent(app, app_after),
        db_cpu=servers.spent(db, db_after) if backends else None,
        client_cpu=client,
        page_vs_api=compared,
        notes=notes,
    )


def _has_module(src: Path, dotted: str) -> bool:
    path = src.joinpath(*dotted.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


WORKER_JOBS = 200
# Run in the side's own process: queue the jobs in one transaction (sent on commit), then
# watch their rows until every one has ended.
WORKER_PROBE = """
import json, time
from django.db import transaction
from liaison.core import jobs
from liaison.core.models import Job
with transaction.atomic():
    ids = [jobs.enqueue("agreements.reminders", requested_by=None).pk for _ in range({n})]
started, done = time.monotonic(), 0
while time.monotonic() - started < {timeout}:
    done = Job.objects.filter(pk__in=ids).exclude(state__in=Job.ACTIVE).count()
    if done == len(ids):
        break
    time.sleep(0.05)
print("WORKER " + json.dumps({{"done": done, "seconds": time.monotonic() - started}}))
"""


def measure_worker(side: sides.Side, *, seconds: float, out: Out) -> float | None:
    """Jobs per second of `liaison worker` (two threads) on `side`'s database and queue:
    WORKER_JOBS of the daily reminders, queued at once, each a real job (its row, the
    queue's message, the reminders' reads, the result written)."""
    if not _has_module(side.src, "liaison.core.jobs"):
        out(f"worker: not available ({side.label})")
        return None
    worker = subprocess.Popen(  # nosec B603 # our own interpreter and arguments
        [sys.executable, "-m", "liaison", "worker", "--workers", "2", "--no-scheduler"],
        env=side.env,
        cwd=side.src,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        probe = subprocess.run(  # noqa: S603  # nosec B603
            [
                *(sys.executable, "-m", "liaison", "shell", "-c"),
                WORKER_PROBE.format(n=WORKER_JOBS, timeout=max(seconds, 30)),
            ],
            env=side.env,
            cwd=side.src,
            capture_output=True,
            text=True,
            timeout=max(seconds, 30) + 60,
        )
    finally:
        worker.send_signal(signal.SIGINT)  # finish what runs, then stop
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()
    lines = [line for line in probe.stdout.splitlines() if line.startswith("WORKER ")]
    if probe.returncode != 0 or not lines:
        out(f"worker: failed ({side.label}): {probe.stderr.strip()[-300:]}")
        return None
    result = json.loads(lines[-1].removeprefix("WORKER "))
    rate = result["done"] / result["seconds"] if result["seconds"] else 0.0
    out(
        f"worker ({side.label}): {result['done']} of {WORKER_JOBS} jobs in "
        f"{result['seconds']:.1f} s = {rate:.1f} jobs/s"
    )
    return rate


def _side(key: str, label: str, src: Path, url: str, plan: Plan, overlay: Path) -> sides.Side:
    return sides.Side(
        key=key,
        label=label,
        src=src,
        database_url=url,
        var_dir=plan.var_dir / "load" / sides.database_name(url),
        overlay=overlay,
    )


def run(plan: Plan, out: Out, *, create_database: Callable[[str], bool]) -> list[Measured]:
    password = secrets.token_urlsafe(18)
    measured: list[Measured] = []
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="liaison-load-")))
        overlay = sides.write_overlay(folder / "settings")
        runs = [
            _side(
                "after", sides.checkout_label(sides.HERE), sides.HERE, plan.database_url, plan,
                overlay,
            )
        ]  # fmt: skip
        if plan.against:
            src, label = stack.enter_context(sides.revision(plan.against, folder))
            url = sides.beside(plan.database_url, "before")
            runs.insert(0, _side("before", label, src, url, plan, overlay))
        cache = (
            "Redis (LIAISON_REDIS_URL)" if os.environ.get("LIAISON_REDIS_URL") else "as configured"
        )
        out(
            f"{plan.users} users for {plan.seconds:g} s on 1 to {plan.nodes} node(s) of "
            f"{plan.workers} gunicorn workers; cache and queue: {cache}."
        )
        prepared = {}
        for side in runs:
            if create_database(side.database_url):
                out(f"Created the database {sides.database_name(side.database_url)}.")
            prepared[side.key] = prepare(side, plan, password, out)
            out(
                f"  {prepared[side.key]['cases']:,} cases on {prepared[side.key]['vendor']}, "
                f"{len(prepared[side.key]['users'])} users"
            )
        for nodes in range(1, plan.nodes + 1):
            for side in runs:
                out("")
                out(f"Load: {side.label} on {nodes} node(s), {plan.seconds:g} s…")
                m = measure(
                    side, prepared[side.key], plan, nodes=nodes, password=password, folder=folder
                )
                measured.append(m)
                for line in run_table(m):
                    out(line)
        out("")
        for side in runs:
            measure_worker(side, seconds=plan.seconds, out=out)
        if plan.against:
            out("")
            for line in ab_table(measured):
                out(line)
    return measured
