"""Where the cases happened, grouped for the map."""

from __future__ import annotations

from django.db.models import Case as Choose
from django.db.models import CharField, Count, Q, QuerySet, Value, When
from django.db.models.functions import Round

from ..choices import CaseStatus
from .common import Countries, Period

MAP_DECIMALS = 1  # points are grouped to about 11 km: a compound, not a house
MAP_MAX_POINTS = 3000


def map_points(visible: QuerySet, period: Period, countries: Countries) -> dict:
    """Where the period's cases happened, grouped: rounded coordinates with counts per open
    or closed, so half a million cases make a few thousand points. Cases without
    coordinates are counted per country; the map puts them at the country's centre."""
    cases = visible.filter(first_reported_at__gte=period.start, first_reported_at__lt=period.end)
    state = Choose(
        When(status=CaseStatus.CLOSED, then=Value("closed")),
        default=Value("open"),
        output_field=CharField(),
    )
    placed = (
        cases.filter(latitude__isnull=False, longitude__isnull=False)
        .annotate(
            lat=Round("latitude", MAP_DECIMALS), lon=Round("longitude", MAP_DECIMALS), state=state
        )
        .values_list("lat", "lon", "state")
        .annotate(n=Count("*"))
        .order_by("-n")
    )
    points = [[float(lat), float(lon), s, n] for lat, lon, s, n in placed[: MAP_MAX_POINTS + 1]]
    unplaced_rows = list(
        cases.filter(Q(latitude__isnull=True) | Q(longitude__isnull=True))
        .annotate(state=state)
        .values_list("country", "state")
        .annotate(n=Count("*"))
    )
    unplaced = [
        {"numeric": country.numeric, "name": str(country), "state": s, "n": n}
        for code, s, n in unplaced_rows
        if (country := countries.get(code))
    ]
    return {
        "points": points[:MAP_MAX_POINTS],
        "unplaced": unplaced,
        "truncated": len(points) > MAP_MAX_POINTS,
    }
