"""The benchmark's report: the table printed, the figures written as JSON."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from django.conf import settings
from django.db import connection

from .timing import REFERENCE


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def table(result: dict) -> list[str]:
    lines = [
        f"{'page':<17}{'p50 ms':>9}{'p95 ms':>9}{'floor p50':>11}{'floor p95':>11}"
        f"{'ratio':>7}{'beyond SQL':>12}{'SQL':>5}{'target':>8}  verdict",
    ]
    for f in result["figures"]:
        lines.append(
            f"{f.name:<17}{_ms(f.p50):>9}{_ms(f.p95):>9}{_ms(f.floor_p50):>11}"
            f"{_ms(f.floor_p95):>11}{_ms(f.ratio):>7}{_ms(f.beyond_sql):>12}{f.queries:>5}"
            f"{(str(f.target) if f.target else '—'):>8}  {f.verdict}"
        )
    posted = result["intake"]
    lines.append(
        f"{'intake (API)':<17}{posted['per_second']:>9} reports/s over {posted['reports']} "
        f"({posted['failures']} failed); target ≥ {posted['target']}/s  "
        + ("ok" if posted["per_second"] >= posted["target"] and not posted["failures"] else "SLOW")
    )
    if any(f.name == REFERENCE and f.status == "ok" for f in result["figures"]):
        lines.append(
            f"{REFERENCE}: a signed-in request that does nothing, not a page of the product. "
            "Its ratio is the least any page's can be here."
        )
    for f in result["figures"]:
        if f.explain:
            lines += ["", f"{f.name}: slowest query {f.slowest_ms} ms:", f"  {f.slowest_sql[:600]}"]
            lines += [f"  {row}" for row in f.explain[:40]]
    return lines


def write_json(result: dict, meta: dict) -> Path:
    path = Path(settings.VAR_DIR) / "bench" / f"cases-{connection.vendor}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    figures = [
        {**asdict(f), "ratio": f.ratio, "beyond_sql": f.beyond_sql, "verdict": f.verdict}
        for f in result["figures"]
    ]
    path.write_text(
        json.dumps({**meta, "pages": figures, "intake": result["intake"]}, indent=2, default=str)
    )
    return path
