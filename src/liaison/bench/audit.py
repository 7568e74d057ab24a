"""`liaison bench audit`: what the audit chain costs (core/audit_chain.py).

In a database of its own, made afresh: N chained entries bulk-loaded (default 1,000,000),
`audit verify` timed over them (target ≤ 30 s), then the intake through the API timed with
the chain and with entries written as before the chain (one INSERT, no head to lock, no
HMAC), in turns, on the same database (target ≥ 100 reports/s)."""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from liaison.core import audit_chain, audit_guard
from liaison.core.choices import AuditAction
from liaison.core.models import AuditEvent

from . import pages
from .dataset import bench_user

VERIFY_TARGET_S = 30
BATCH = 20_000
ACTIONS = [AuditAction.VIEW, AuditAction.UPDATE, AuditAction.CREATE, AuditAction.LOGIN]
Out = Callable[[str], None]


def _entry(index: int, at: datetime.datetime) -> dict[str, Any]:
    action = ACTIONS[index % len(ACTIONS)]
    changes = (
        {"status": {"before": "new", "after": "triaged"}, "note": f"benchmark entry {index}"}
        if action == AuditAction.UPDATE
        else {}
    )
    return {
        "at": at,
        "actor_id": None,
        "actor_label": f"bench.officer.{index % 50:02d}",
        "actor_role": "ico_officer",
        "action": str(action),
        "object_type": "cases.case",
        "object_id": str(index % 500_000 + 1),
        "object_repr": f"KNPA-2026-{index % 500_000 + 1:06d}",
        "changes": changes,
        "reason": "",
        "ip_address": f"10.0.{index % 250}.{index % 200 + 1}",
        "user_agent": "Mozilla/5.0 (benchmark)",
        "request_id": f"{index:032x}",
        "purpose": "",
    }


def build(entries: int, out: Out) -> float:
    """`entries` chained entries, a second apart up to now, in batches; the seconds taken."""
    started = time.perf_counter()
    first = timezone.now() - datetime.timedelta(seconds=entries)
    for start in range(0, entries, BATCH):
        batch = [
            _entry(i, first + datetime.timedelta(seconds=i))
            for i in range(start, min(start + BATCH, entries))
        ]
        audit_chain.append(batch)
        if (start // BATCH) % 10 == 9:
            out(f"  {start + len(batch):,} entries")
    return time.perf_counter() - started


def server_cpu_seconds() -> float | None:
    """The CPU time of this connection's PostgreSQL backend so far, when the server runs
    on this machine (its /proc is readable); None otherwise or on SQLite."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextlib.contextmanager
def without_chain() -> Iterator[None]:
    """Entries written as before the chain: numbered from below zero (the column is
    unique and required), unsigned, no head locked. For this measurement only."""
    original = audit_chain.link
    lowest = AuditEvent.objects.aggregate(low=models.Min("seq"))["low"] or 0
    numbers = iter(range(min(lowest, 0) - 1, -(10**12), -1))

    def unchained(entries: list[dict], using: str = "default") -> list[dict]:
        for entry in entries:
            entry.update(seq=next(numbers), key_id="", prev_mac="", mac="")
        return entries

    audit_chain.link = unchained  # type: ignore[assignment]
    try:
        yield
    finally:
        audit_chain.link = original  # type: ignore[assignment]


def _remove_unchained() -> None:
    """The entries a last run wrote without the chain would be named by verify: in the
    benchmark's own database they go (the guard lifted, as only its owner may)."""
    if AuditEvent.objects.filter(seq__lt=0).exists():
        with transaction.atomic(), audit_guard.lifted(connection), connection.cursor() as cursor:
            cursor.execute("DELETE FROM core_auditevent WHERE seq < 0")


def intake_both(reports: int, rounds: int) -> dict[str, list[float]]:
    """Reports/s with the chain and without, `rounds` runs of each in turn."""
    user = bench_user()
    figures: dict[str, list[float]] = {"chained": [], "unchained": []}
    with pages.measuring():
        for _round in range(rounds):
            figures["chained"].append(pages.intake(user, reports)["per_second"])
            with without_chain():
                figures["unchained"].append(pages.intake(user, reports)["per_second"])
    return figures


def run(
    *, entries: int, reports: int, rounds: int, out: Out, reuse: bool = False
) -> dict[str, Any]:
    where = f"{connection.vendor} {connection.settings_dict['NAME']}"
    _remove_unchained()
    existing = AuditEvent.objects.filter(seq__gt=0).count()
    built = None
    if reuse and existing >= entries:
        out(f"Reusing the {existing:,} chained audit entries in {where}.")
    else:
        out(f"Building {entries:,} chained audit entries in {where}…")
        built = build(entries, out)
        out(f"Built in {built:.1f} s ({entries / built:,.0f} entries/s).")
    server = server_cpu_seconds()
    started, cpu = time.perf_counter(), time.process_time()
    verdict = audit_chain.verify()
    verified, cpu = time.perf_counter() - started, time.process_time() - cpu
    server_after = server_cpu_seconds()
    server = None if server is None or server_after is None else server_after - server
    result: dict[str, Any] = {
        "vendor": connection.vendor,
        "entries": entries,
        "build_s": None if built is None else round(built, 1),
        "verify_s": round(verified, 1),
        # This process's CPU alone: on a machine shared with other work the wall time says
        # more about the neighbours than about verify.
        "verify_cpu_s": round(cpu, 1),
        "verify_server_cpu_s": None if server is None else round(server, 1),
        "verify_intact": verdict.intact,
        "verify_target_s": VERIFY_TARGET_S,
    }
    out(
        f"audit verify: {verdict.checked:,} entries in {verified:.1f} s ({cpu:.1f} s of CPU "
        "here" + ("" if server is None else f", {server:.1f} s in PostgreSQL") + ") "
        f"({'intact' if verdict.intact else 'BROKEN'}); target ≤ {VERIFY_TARGET_S} s  "
        + ("ok" if verified <= VERIFY_TARGET_S and verdict.intact else "SLOW")
    )
    if reports:
        out(f"Intake through the API, {reports} reports a run, {rounds} runs each way…")
        intake = intake_both(reports, rounds)
        best = {kind: max(values) for kind, values in intake.items()}
        result["intake"] = {**intake, "best": best, "target": pages.INTAKE_TARGET}
        cost = 100 * (1 - best["chained"] / best["unchained"]) if best["unchained"] else 0
        out(
            f"intake: {best['chained']} reports/s with the chain, {best['unchained']} without "
            f"(best of {rounds}; {cost:.0f} % slower); target ≥ {pages.INTAKE_TARGET}/s  "
            + ("ok" if best["chained"] >= pages.INTAKE_TARGET else "SLOW")
        )
    path = Path(settings.VAR_DIR) / "bench" / f"audit-{connection.vendor}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2))
    out(f"Figures written to {path}")
    return result
