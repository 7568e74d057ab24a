"""The time zone of a place from its country, read from the tz database's zone.tab (the
tzdata package), so "happened at 23:10 in Sihanoukville" is stored right without asking."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from django.conf import settings


@lru_cache(maxsize=1)
def _country_zones() -> dict[str, list[str]]:
    text = resources.files("tzdata").joinpath("zoneinfo", "zone.tab").read_text()
    zones: dict[str, list[str]] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            code, _coordinates, zone, *_ = line.split("\t")
            zones.setdefault(code, []).append(zone)
    return zones


def zones_of(country_code: str) -> list[str]:
    return _country_zones().get((country_code or "").upper(), [])


def default_zone(country_code: str) -> str:
    """The country's first (capital's) zone; the agency's own zone when unknown."""
    zones = zones_of(country_code)
    return zones[0] if zones else settings.TIME_ZONE
