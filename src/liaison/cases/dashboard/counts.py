"""Counts: what is open and who is held right now, new cases month by month, and the
arrests and surrenders of a year, each per country."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison.core.sql import Unindexed

from .. import figures
from ..choices import PRIORITY_RANK, Category, Priority, VictimStatus
from ..fields import has_category
from ..models import OPEN_CASES
from .common import Countries, Period, month_start, year_bounds

URGENT_RANK = PRIORITY_RANK[Priority.URGENT]

TOP_COUNTRIES = 8  # the monthly chart stacks this many countries, then "other countries"


def open_now(visible: QuerySet, countries: Countries) -> list[dict]:
    """Per country: open cases, the urgent ones among them, and victims confined now."""
    counts: dict[str, dict] = defaultdict(lambda: {"open": 0, "urgent": 0, "confined": 0})
    # "Not closed" and the priority rank: exactly the open-worklist index (country,
    # priority rank, …), which answers this from the index alone.
    rows = (
        visible.filter(OPEN_CASES)
        .values_list("country")
        .annotate(n=Count("*"), urgent=Count("priority_rank", filter=Q(priority_rank=URGENT_RANK)))
    )
    for code, n, urgent in rows:
        counts[code].update(open=n, urgent=urgent)
    # One row per confined victim (the join), counted from two indexes alone. Grouped on
    # the country unindexed: SQLite would otherwise read a post's cases country by country
    # through the country index (0.6 s on half a million cases) rather than start from the
    # few confined victims (10 ms).
    confined = (
        visible.filter(victims__status=VictimStatus.CONFINED)
        .values(code=Unindexed("country"))
        .annotate(n=Count("*"))
        .values_list("code", "n")
    )
    for code, n in confined:
        counts[code]["confined"] = n
    table = [{"code": code, "name": countries.name(code), **c} for code, c in counts.items()]
    return sorted(table, key=lambda r: (-r["open"], -r["confined"], r["name"]))


def open_now_chart(rows: list[dict]) -> dict:
    return {
        "labels": [r["name"] for r in rows],
        "datasets": [
            {"label": _("Open cases"), "data": [r["open"] for r in rows]},
            {"label": _("Victims confined"), "data": [r["confined"] for r in rows]},
        ],
        "stacked": False,
    }


def _month_key(value) -> str:
    value = timezone.localtime(value) if isinstance(value, datetime.datetime) else value
    return f"{value.year}-{value.month:02d}"


def monthly(visible: QuerySet, period: Period, countries: Countries, *, kept=None) -> dict:
    """New cases per month (counted in the month of their first report), stacked by country
    and by category. With `kept` (a reader who sees every case; the country asked for, or
    True) they come from the counts `cases.figures` keeps; otherwise from the reader's
    cases, grouped by the database (at most months × countries rows)."""
    if kept:
        counts = figures.months(visible, period.months, None if kept is True else kept)
    else:
        counts = _counted(visible, period)
    labels = [_month_key(m) for m in period.months]
    index = {label: i for i, label in enumerate(labels)}
    by_country: dict[str, list[int]] = defaultdict(lambda: [0] * len(labels))
    by_category: dict[str, list[int]] = defaultdict(lambda: [0] * len(labels))
    total = 0
    for (label, code), found in counts.items():
        i = index.get(label)
        if i is None or not found[figures.ALL]:
            continue
        total += found[figures.ALL]
        by_country[code][i] += found[figures.ALL]
        for category in Category.values:
            by_category[category][i] += found[category]
    return {
        "total": total,
        "by_country": _country_datasets(labels, by_country, countries),
        "by_category": {
            "labels": labels,
            "stacked": True,
            "datasets": [
                {"label": str(label), "data": by_category[code]}
                for code, label in Category.choices
                if any(by_category[code])
            ],
        },
    }


def _counted(visible: QuerySet, period: Period) -> dict:
    """The reader's cases of the period by month and country, each category bit counted
    with a filtered count: one scan, whatever mix of categories the cases carry."""
    per_category = {
        f"c{i}": Count("categories", filter=has_category("categories", code))
        for i, code in enumerate(Category.values)
    }
    rows = (
        visible.filter(first_reported_at__gte=period.start, first_reported_at__lt=period.end)
        .annotate(month=TruncMonth("first_reported_at"))
        .values("month", "country")
        .annotate(n=Count("*"), **per_category)
    )
    counts: dict = defaultdict(lambda: defaultdict(int))
    for row in rows:
        found = counts[(_month_key(row["month"]), row["country"])]
        found[figures.ALL] += row["n"]
        for i, code in enumerate(Category.values):
            found[code] += row[f"c{i}"]
    return counts


def _country_datasets(
    labels: list[str], by_country: dict[str, list[int]], countries: Countries
) -> dict:
    ranked = sorted(by_country, key=lambda code: -sum(by_country[code]))
    datasets = [
        {"label": countries.name(code), "data": by_country[code]} for code in ranked[:TOP_COUNTRIES]
    ]
    rest = ranked[TOP_COUNTRIES:]
    if rest:
        other = [sum(by_country[code][i] for code in rest) for i in range(len(labels))]
        datasets.append({"label": _("Other countries"), "data": other})
    return {"labels": labels, "stacked": True, "datasets": datasets}


def arrests(visible: QuerySet, year: int, countries: Countries) -> list[dict]:
    """Per country in `year`: cases with a first arrest, suspects arrested, and suspects
    surrendered home (extradited or deported)."""
    start, end = year_bounds(year)
    counts: dict[str, dict] = defaultdict(lambda: {"cases": 0, "arrested": 0, "surrendered": 0})
    cases = visible.filter(
        arrested_at__gte=month_start(start), arrested_at__lt=month_start(end)
    ).values_list("country")
    for code, n in cases.annotate(n=Count("*")):
        counts[code]["cases"] = n
    for key, date_field in (("arrested", "arrested_on"), ("surrendered", "surrendered_on")):
        rows = (
            # One filter() call: both bounds and the count then share one join to suspects.
            visible.filter(
                **{f"suspects__{date_field}__gte": start, f"suspects__{date_field}__lt": end}
            )
            .values_list("country")
            .annotate(n=Count("*"))
        )
        for code, n in rows:
            counts[code][key] = n
    table = [{"code": code, "name": countries.name(code), **c} for code, c in counts.items()]
    return sorted(table, key=lambda r: (-r["arrested"], -r["surrendered"], r["name"]))
