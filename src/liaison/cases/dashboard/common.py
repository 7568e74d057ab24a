"""What every dashboard figure starts from: the period, the cases the reader may see, and
the countries' names."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Min, QuerySet
from django.utils import timezone

from liaison.partners.models import Country

from ..models import Case

MONTHS_SHOWN = 24


@dataclass(frozen=True)
class Period:
    """The months a dashboard looks at: one calendar year, or the last 24 months."""

    start: datetime.datetime
    end: datetime.datetime
    year: int | None

    @property
    def months(self) -> list[datetime.date]:
        months = []
        month = self.start.date().replace(day=1)
        while month_start(month) < self.end:
            months.append(month)
            month = (month + datetime.timedelta(days=32)).replace(day=1)
        return months


def month_start(day: datetime.date) -> datetime.datetime:
    zone = timezone.get_current_timezone()
    return datetime.datetime.combine(day.replace(day=1), datetime.time.min, tzinfo=zone)


def period_for(year: int | None, *, now: datetime.datetime) -> Period:
    """Months are the reader's: a case reported at 01:00 on 1 March in Seoul is March's."""
    if year:
        return Period(
            start=month_start(datetime.date(year, 1, 1)),
            end=month_start(datetime.date(year + 1, 1, 1)),
            year=year,
        )
    today = timezone.localtime(now).date()
    first = today.replace(day=1)
    for _i in range(MONTHS_SHOWN - 1):
        first = (first - datetime.timedelta(days=1)).replace(day=1)
    return Period(start=month_start(first), end=now, year=None)


def year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)


def scoped(user, country=None) -> QuerySet:
    """The cases the figures count: those `user` may see, in one country if asked."""
    visible = Case.objects.visible_to(user).order_by()
    return visible.filter(country=country) if country else visible


def first_year(visible: QuerySet) -> int | None:
    first = visible.aggregate(first=Min("first_reported_at"))["first"]
    return timezone.localtime(first).year if first else None


class Countries:
    """Every country, read once per page when first needed: the figures name a few dozen,
    and one read of the ~250 rows costs less than a query per figure."""

    def __init__(self):
        self._all: dict[str, Country] | None = None

    def get(self, code: str) -> Country | None:
        if self._all is None:
            self._all = Country.objects.in_bulk()
        return self._all.get(code)

    def name(self, code: str) -> str:
        country = self.get(code)
        return str(country) if country else code
