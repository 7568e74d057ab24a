"""The load run's tables: each run by kind of request, the page beside the API, and the
older revision beside this checkout."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from ..timing import percentile
from .driver import KINDS, Failure, Tally


@dataclass
class Kind:
    """The timed requests of one kind (or of all) in one run."""

    name: str
    requests: int = 0
    per_second: float = 0.0
    p50: float | None = None
    p95: float | None = None
    errors: int = 0


@dataclass
class Measured:
    """One run: one side on some nodes, its requests and the processor time they cost."""

    side: str
    label: str
    nodes: int
    workers: int
    users: int
    seconds: float
    tally: Tally
    app_cpu: float  # seconds, gunicorn masters and workers
    db_cpu: float | None  # seconds, the database server's processes (PostgreSQL here)
    client_cpu: float  # seconds, this process: the users' threads
    page_vs_api: dict | None = None
    notes: list[str] = field(default_factory=list)

    def kinds(self) -> list[Kind]:
        return [*(self.kind(name) for name in KINDS), self.kind("all")]

    def kind(self, name: str) -> Kind:
        samples = [s for s in self.tally.samples if name in ("all", s.kind)]
        if not samples:
            return Kind(name)
        times = [s.ms for s in samples]
        return Kind(
            name,
            requests=len(samples),
            per_second=len(samples) / self.seconds,
            p50=percentile(times, 0.5),
            p95=percentile(times, 0.95),
            errors=sum(not 200 <= s.status < 400 for s in samples),
        )

    @property
    def requests(self) -> int:
        return len(self.tally.samples)

    def per_request_ms(self, seconds: float | None) -> float | None:
        return None if seconds is None or not self.requests else seconds * 1000 / self.requests

    @property
    def errors(self) -> list[Failure]:
        return self.tally.failures


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def _pair(kind: Kind | None) -> str:
    return "—" if kind is None or kind.p50 is None else f"{kind.p50:.1f} / {kind.p95:.1f}"


def run_table(m: Measured) -> list[str]:
    lines = [
        f"{m.label}: {m.nodes} node{'s' if m.nodes > 1 else ''} × {m.workers} workers, "
        f"{m.users} users, {m.seconds:.1f} s",
        f"  {'kind':<13}{'requests':>9}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'errors':>8}",
    ]
    for k in m.kinds():
        lines.append(
            f"  {k.name:<13}{k.requests:>9}{k.per_second:>9.1f}{_ms(k.p50):>9}{_ms(k.p95):>9}"
            f"{k.errors:>8}"
        )
    lines.append(
        f"  CPU per request: {_ms(m.per_request_ms(m.app_cpu))} ms in gunicorn (masters and "
        f"workers), {_ms(m.per_request_ms(m.db_cpu))} ms in the database server, "
        f"{_ms(m.per_request_ms(m.client_cpu))} ms in the users' client"
    )
    lines += [f"  {note}" for note in m.notes]
    lines += failures(m.errors)
    if m.page_vs_api:
        lines += page_vs_api(m.page_vs_api)
    return lines


def failures(found: list[Failure], shown: int = 10) -> list[str]:
    if not found:
        return ["  errors: none"]
    lines = [f"  errors: {len(found)} (warm-up included); the first {min(shown, len(found))}:"]
    for f in found[:shown]:
        lines.append(f"    {f.kind:<12} HTTP {f.status or '—'} {f.path[:60]}  {f.detail[:120]}")
    return lines


def page_vs_api(figures: dict) -> list[str]:
    page, api = figures["page"], figures["api"]
    ratio = f"{api['p50'] / page['p50']:.2f}" if page["p50"] else "—"
    same = "yes" if figures["same_rows"] else "NO"

    def line(path: str, times: dict) -> str:
        return f"    {path:<22} p50 {_ms(times['p50']):>6} ms  p95 {_ms(times['p95']):>6} ms"

    return [
        f"  page vs API, the same {figures['rows']} rows for the same user, one request at a "
        f"time ({figures['samples']} each; same rows: {same}):",
        line(figures["page_path"], page),
        line(figures["api_path"], api) + f"  (API/page at p50: {ratio})",
    ]


def ab_table(runs: Iterable[Measured]) -> list[str]:
    """The older revision beside this checkout, for each number of nodes."""
    by = {(m.side, m.nodes): m for m in runs}
    before_label = next((m.label for m in by.values() if m.side == "before"), "before")
    after_label = next((m.label for m in by.values() if m.side == "after"), "after")
    lines = [
        f"A/B: before = {before_label}",
        f"     after  = {after_label}",
        f"  {'kind':<13}{'before p50 / p95':>20}{'after p50 / p95':>20}"
        f"{'before req/s':>14}{'after req/s':>13}",
    ]
    for nodes in sorted({n for _side, n in by}):
        before, after = by.get(("before", nodes)), by.get(("after", nodes))
        lines.append(f"  {nodes} node{'s' if nodes > 1 else ''}:")
        for name in (*KINDS, "all"):
            b = before.kind(name) if before else None
            a = after.kind(name) if after else None
            lines.append(
                f"  {name:<13}{_pair(b):>20}{_pair(a):>20}"
                f"{(f'{b.per_second:.1f}' if b else '—'):>14}"
                f"{(f'{a.per_second:.1f}' if a else '—'):>13}"
            )
        for name, spent in (("CPU ms/req", "app_cpu"), ("DB CPU ms/req", "db_cpu")):
            cpu_b = before.per_request_ms(getattr(before, spent)) if before else None
            cpu_a = after.per_request_ms(getattr(after, spent)) if after else None
            lines.append(f"  {name:<13}{_ms(cpu_b):>20}{_ms(cpu_a):>20}")
        errors_b = len(before.errors) if before else "—"
        errors_a = len(after.errors) if after else "—"
        lines.append(f"  {'errors':<13}{errors_b!s:>20}{errors_a!s:>20}")
    return lines
