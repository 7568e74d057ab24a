"""How long the steps of a case take: the median and 90th percentile from first report to
rescue and from identification to surrender, overall and per country. PostgreSQL computes
the percentiles (percentile_cont); SQLite, which has none, reads the time each of the
period's cases took."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import (
    Aggregate,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    Q,
    QuerySet,
)
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .common import Countries, Period


@dataclass(frozen=True)
class Measure:
    """A time from one step of a case to a later one."""

    key: str
    title: str  # lazy, translated when the page is drawn
    start: str
    end: str


MEASURES = [
    Measure(
        "rescue", gettext_lazy("From first report to rescue"), "first_reported_at", "rescued_at"
    ),
    Measure(
        "surrender",
        gettext_lazy("From suspects identified to surrender"),
        "suspects_identified_at",
        "surrendered_at",
    ),
]


@dataclass
class Spread:
    """The median and 90th percentile of a set of durations, and how many were measured."""

    n: int = 0
    median: datetime.timedelta | None = None
    p90: datetime.timedelta | None = None
    label: str = ""
    by_country: list[Spread] = field(default_factory=list)

    @property
    def median_text(self) -> str:
        return duration_text(self.median)

    @property
    def p90_text(self) -> str:
        return duration_text(self.p90)


def percentile(values: list[float], fraction: float) -> float:
    """Linear interpolation between the closest ranks, as PostgreSQL's percentile_cont."""
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


class PercentileCont(Aggregate):
    """PostgreSQL's ordered-set aggregate; it interpolates intervals as well as numbers."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression, *, fraction: float, **extra):
        super().__init__(
            expression, fraction=float(fraction), output_field=DurationField(), **extra
        )


def _measured(measure: Measure, period: Period) -> Q:
    """Cases whose later step fell in the period (a rescue in 2025 counts for 2025)."""
    return Q(
        Q(**{f"{measure.end}__gte": period.start, f"{measure.end}__lt": period.end}),
        Q(**{f"{measure.start}__isnull": False}),
        # A step recorded before the one it follows is a typing error, not a measurement.
        Q(**{f"{measure.end}__gte": F(measure.start)}),
    )


def _spreads_in_sql(visible: QuerySet, period: Period) -> dict[str, tuple[Spread, dict]]:
    """Each measure from its own index alone (the step's time, the earlier one, the
    country): overall, then per country."""
    spreads = {}
    for m in MEASURES:
        elapsed = ExpressionWrapper(F(m.end) - F(m.start), output_field=DurationField())
        figures = {
            "n": Count("*"),
            "median": PercentileCont(elapsed, fraction=0.5),
            "p90": PercentileCont(elapsed, fraction=0.9),
        }
        cases = visible.filter(_measured(m, period))
        per_country = cases.values("country").annotate(**figures)
        spreads[m.key] = (
            Spread(**cases.aggregate(**figures)),
            {row.pop("country"): Spread(**row) for row in per_country},
        )
    return spreads


def _spread(durations: list[float]) -> Spread:
    if not durations:
        return Spread()
    return Spread(
        n=len(durations),
        median=datetime.timedelta(seconds=percentile(durations, 0.5)),
        p90=datetime.timedelta(seconds=percentile(durations, 0.9)),
    )


class _SecondsBetween(Func):
    """SQLite: the seconds from the first time to the second, to the millisecond, worked
    out by SQLite itself. Reading the two times instead had Python parse both on every row:
    two thirds of the dashboard's time on half a million cases."""

    template = "round((julianday(%(expressions)s)) * 86400.0, 3)"
    arg_joiner = ") - julianday("
    output_field = FloatField()

    def __init__(self, start: str, end: str):
        super().__init__(end, start)


def _spreads_in_python(visible: QuerySet, period: Period) -> dict[str, tuple[Spread, dict]]:
    # SQLite has no percentile function: read the time each of the period's cases took.
    spreads = {}
    for m in MEASURES:
        per_country: dict[str, list[float]] = defaultdict(list)
        took = _SecondsBetween(m.start, m.end)
        rows = visible.filter(_measured(m, period)).values_list("country", took)
        for code, seconds in rows:
            per_country[code].append(seconds)
        everything = [d for durations in per_country.values() for d in durations]
        spreads[m.key] = (
            _spread(everything),
            {code: _spread(d) for code, d in per_country.items()},
        )
    return spreads


def response_times(visible: QuerySet, period: Period, countries: Countries) -> list[Spread]:
    if connection.vendor == "postgresql":
        measured = _spreads_in_sql(visible, period)
    else:
        measured = _spreads_in_python(visible, period)
    spreads = []
    for measure in MEASURES:
        overall, per_country = measured[measure.key]
        for code, spread in per_country.items():
            spread.label = countries.name(code)
        overall.label = str(measure.title)
        overall.by_country = sorted(per_country.values(), key=lambda s: (-s.n, s.label))
        spreads.append(overall)
    return spreads


def duration_text(value: datetime.timedelta | None) -> str:
    """Hours up to three days, then days: "20 h", "4.5 d"."""
    if value is None:
        return "—"
    hours = value.total_seconds() / 3600
    if hours < 72:
        return _("%(n)s h") % {"n": f"{hours:.1f}".removesuffix(".0")}
    return _("%(n)s d") % {"n": f"{hours / 24:.1f}".removesuffix(".0")}
