"""Reads for the agreements dashboard: the registry counted by status, region, country and
year signed, what falls due this month, and the candidates for termination. Like every
selector, each starts from what the user may see."""

from __future__ import annotations

import calendar
import datetime
from functools import cache

from babel.core import get_global
from django.db.models import Count, QuerySet
from django.db.models.functions import ExtractYear
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from .choices import AgreementStatus
from .selectors import agreements_for, due_items
from .services import effectiveness_overview

# Regions from the time-zone database's areas (via Babel's CLDR data), so the grouping
# of countries comes from a maintained list, not ours.
REGIONS = {
    "Asia": gettext_lazy("Asia"),
    "Europe": gettext_lazy("Europe"),
    "Africa": gettext_lazy("Africa"),
    "America": gettext_lazy("Americas"),
    "Australia": gettext_lazy("Oceania"),
    "Pacific": gettext_lazy("Oceania"),
}
TOP_COUNTRIES = 12


@cache
def _area(country_code: str) -> str:
    zones = get_global("territory_zones").get(country_code, [])
    return zones[0].split("/")[0] if zones else ""


def region_of(country_code: str | None) -> str:
    """The region's name in the page's language; international organisations apart."""
    if not country_code:
        return str(_("International organisations"))
    return str(REGIONS.get(_area(country_code), gettext_lazy("Other")))


def _rows(pairs) -> list[dict]:
    """The shape the charts read: [{"label": …, "count": …}]."""
    return [{"label": str(label), "count": count} for label, count in pairs]


def by_status(visible: QuerySet) -> list[dict]:
    counts = dict(visible.values_list("status").annotate(n=Count("pk")))
    return _rows(
        (label, counts[value]) for value, label in AgreementStatus.choices if counts.get(value)
    )


def by_country(visible: QuerySet) -> tuple[list[dict], list[dict]]:
    """(by region, by country — the largest few), from one query."""
    rows = list(
        visible.values_list("country_id", "country__name_en", "country__name_ko")
        .annotate(n=Count("pk"))
        .order_by("-n", "country__name_en")
    )
    regions: dict[str, int] = {}
    for code, _en, _ko, n in rows:
        regions[region_of(code)] = regions.get(region_of(code), 0) + n
    korean = (get_language() or "").startswith("ko")  # names follow the page's language
    countries = [
        ((ko if korean and ko else en) or _("International organisations"), n)
        for _code, en, ko, n in rows[:TOP_COUNTRIES]
    ]
    return _rows(sorted(regions.items(), key=lambda kv: -kv[1])), _rows(countries)


def by_year_signed(visible: QuerySet) -> list[dict]:
    rows = (
        visible.filter(signed_on__isnull=False)
        .annotate(y=ExtractYear("signed_on"))
        .values_list("y")
        .annotate(n=Count("pk"))
        .order_by("y")
    )
    return _rows(rows)


def due_this_month(user, *, today: datetime.date) -> list:
    """What falls due in the current calendar month, and what is already overdue."""
    month_end = today.replace(day=calendar.monthrange(today.year, today.month)[1])
    items = due_items(agreements_for(user), today=today, horizon_days=(month_end - today).days)
    return [item for item in items if item.due_on <= month_end]


def termination_candidates(user, *, today: datetime.date) -> list[tuple]:
    """(agreement, assessment or None): agreements recommended for termination and
    awaiting the decision, then active ones last year's assessment finds ineffective."""
    visible = agreements_for(user)
    S = AgreementStatus
    awaiting = [(a, None) for a in visible.filter(status=S.TERMINATION_RECOMMENDED)]
    assessed = effectiveness_overview(
        visible.filter(status=S.ACTIVE), year=today.year - 1, today=today
    )
    return awaiting + [(a, r) for a, r in assessed if r.is_ineffective]


def dashboard(user, *, today: datetime.date) -> dict:
    visible = agreements_for(user).order_by()
    regions, countries = by_country(visible)
    charts = [
        ("by-status", _("By status"), by_status(visible), True),
        ("by-year", _("By year signed"), by_year_signed(visible), False),
        ("by-region", _("By region"), regions, True),
        ("by-country", _("By country"), countries, True),
    ]
    return {
        "total": visible.count(),
        "charts": [
            {"id": key, "data_id": f"{key}-data", "title": title, "rows": rows, "horizontal": h}
            for key, title, rows, h in charts
        ],
        "due": due_this_month(user, today=today),
        "candidates": termination_candidates(user, today=today),
    }
