"""Figures for the case dashboard: what is open and who is held right now, new cases by
month, how long rescue and surrender take, arrests and surrenders in a year, and where the
incidents happened. Every figure starts from the cases the user may see and is computed by
the database, never by walking every case in Python. For a reader who sees every case, the
months and the map are summed from the counts `cases.figures` keeps as cases change; the
other figures read narrow indexes. The figures about the past are also kept a few minutes
per reader. Nothing here names a person: analysts read it."""

from __future__ import annotations

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import get_language

from ..permissions import sees_every_case
from .common import Countries, first_year, period_for, scoped
from .counts import arrests, monthly, open_now, open_now_chart
from .home import home_summary
from .places import map_points
from .times import duration_text, percentile, response_times

__all__ = ["dashboard", "duration_text", "first_year", "home_summary", "percentile", "scoped"]

HISTORY_SECONDS = 300


def history(user, *, year: int | None, country=None, now=None) -> dict:
    """The figures about the past (months, response times, arrests, places): each reads a
    large share of the cases, and they change slowly, so `dashboard` keeps them a few
    minutes."""
    now = now or timezone.now()
    visible = scoped(user, country)
    period = period_for(year, now=now)
    arrests_year = year or timezone.localtime(now).year
    countries = Countries()
    # Whoever reads every case reads the kept counts; an officer's own cases are few.
    kept = (country or True) if sees_every_case(user) else None
    arrest_rows = arrests(visible, arrests_year, countries)
    return {
        "period": period,
        "computed_at": now,
        "monthly": monthly(visible, period, countries, kept=kept),
        "response_times": response_times(visible, period, countries),
        "arrests_year": arrests_year,
        "arrests": arrest_rows,
        "arrested_total": sum(r["arrested"] for r in arrest_rows),
        "map": map_points(visible, period, countries, kept=kept),
    }


def _history_key(user, year, country) -> str:
    # Per user: two officers at different posts must never share figures. The language
    # and time zone are in the key because labels and month boundaries depend on them.
    parts = [user.pk, user.role, year, getattr(country, "pk", country)]
    parts += [get_language(), timezone.get_current_timezone_name()]
    return "cases-dashboard:" + ":".join(str(p) for p in parts)


def dashboard(user, *, year: int | None, country=None, now=None, fresh=False) -> dict:
    """Everything the dashboard shows: what is open now (always live) and the history
    (computed at most HISTORY_SECONDS ago unless `fresh`)."""
    key = _history_key(user, year, country)
    past = None if fresh else cache.get(key)
    if past is None:
        past = history(user, year=year, country=country, now=now)
        cache.set(key, past, HISTORY_SECONDS)
    now_rows = open_now(scoped(user, country), Countries())
    return {
        **past,
        "open_now": now_rows,
        "open_now_chart": open_now_chart(now_rows),
        "open_total": sum(r["open"] for r in now_rows),
        "confined_total": sum(r["confined"] for r in now_rows),
    }
