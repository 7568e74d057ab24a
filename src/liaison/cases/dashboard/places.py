"""Where the cases happened, grouped for the map."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Round

from .. import figures
from ..choices import CaseStatus
from .common import Countries, Period

MAP_MAX_POINTS = 3000


def map_points(visible: QuerySet, period: Period, countries: Countries, *, kept=None) -> dict:
    """Where the period's cases happened, grouped: rounded coordinates with counts per open
    or closed, so half a million cases make a few thousand points. Cases without
    coordinates are counted per country; the map puts them at the country's centre. With
    `kept` (see `counts.monthly`) the counts are those `cases.figures` keeps."""
    if kept:
        counts = figures.places(visible, period.months, None if kept is True else kept)
    else:
        counts = _counted(visible, period)
    placed: dict[tuple, int] = defaultdict(int)
    unplaced = []
    for (lat, lon, closed, code), n in counts.items():
        if n <= 0:
            continue
        state = "closed" if closed else "open"
        if lat is not None and lon is not None:
            placed[(float(lat), float(lon), state)] += n
        elif country := countries.get(code):
            unplaced.append(
                {"numeric": country.numeric, "name": str(country), "state": state, "n": n}
            )
    points = sorted(([*key, n] for key, n in placed.items()), key=lambda p: -p[3])
    return {
        "points": points[:MAP_MAX_POINTS],
        "unplaced": sorted(unplaced, key=lambda u: (-u["n"], u["name"])),
        "truncated": len(points) > MAP_MAX_POINTS,
    }


def _counted(visible: QuerySet, period: Period) -> dict:
    rows = (
        visible.filter(first_reported_at__gte=period.start, first_reported_at__lt=period.end)
        .annotate(
            lat=Round("latitude", figures.MAP_DECIMALS),
            lon=Round("longitude", figures.MAP_DECIMALS),
            closed=Q(status=CaseStatus.CLOSED),
        )
        .values_list("lat", "lon", "closed", "country")
        .annotate(n=Count("*"))
    )
    return {(lat, lon, closed, code): n for lat, lon, closed, code, n in rows}
