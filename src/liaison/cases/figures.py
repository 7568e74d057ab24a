"""The counts the dashboard keeps instead of counting every case on every visit: cases
first reported per month (UTC), country and category, and per place of the map. They are
rewritten, in the transaction that changes a case, for the months and countries the case
was and is in (`refresh`), and can be rebuilt from the cases at any time (`rebuild`); both
use one definition of what is counted (`_write`), so the two cannot disagree.

Reading them (`months`, `places`): the reader's months start at local midnight, the kept
months at midnight UTC. The cases reported between the two instants (a few hours at
each month boundary) are in one month for the reader and in the neighbouring one in the
kept counts: they are read from the cases themselves and moved to the reader's month,
so the figures are exact in every time zone."""

from __future__ import annotations

import datetime
import zlib
from collections import defaultdict
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection, transaction
from django.db.models import Count, DateField, Q, QuerySet, Sum
from django.db.models.functions import Round, TruncMonth
from django.utils import timezone

from .choices import CaseStatus, Category
from .fields import has_category
from .models import Case, CaseMonthCount, CasePlaceCount

UTC = datetime.UTC
MAP_DECIMALS = 1  # points are grouped to about 11 km: a compound, not a house
ALL = ""  # the category of the row that counts every case

Key = tuple[datetime.date, str]  # (first day of a UTC month, country code)


def utc_month(moment: datetime.datetime) -> datetime.date:
    return moment.astimezone(UTC).date().replace(day=1)


def next_month(month: datetime.date) -> datetime.date:
    return (month + datetime.timedelta(days=32)).replace(day=1)


def keys(case: Case) -> set[Key]:
    """Where `case` is counted: taken before a change and after it, so both are rewritten."""
    if case.first_reported_at is None or not case.country_id:
        return set()
    return {(utc_month(case.first_reported_at), case.country_id)}


# --- keeping them ----------------------------------------------------------------------


def refresh(*key_sets: Iterable[Key]) -> None:
    """Rewrites the counts of these months and countries from the cases, in the caller's
    transaction."""
    wanted = sorted(set().union(*key_sets))
    if not wanted:
        return
    with transaction.atomic():
        _lock(wanted)
        rows = Q()
        reported = Q()
        for month, country in wanted:
            rows |= Q(month=month, country_id=country)
            reported |= Q(
                first_reported_at__gte=_midnight(month),
                first_reported_at__lt=_midnight(next_month(month)),
                country_id=country,
            )
        CaseMonthCount.objects.filter(rows).delete()
        CasePlaceCount.objects.filter(rows).delete()
        _write(Case.objects.filter(reported), CaseMonthCount, CasePlaceCount)


def rebuild(case_model=Case, month_model=CaseMonthCount, place_model=CasePlaceCount) -> None:
    """Counts every case afresh (after a bulk load; in a migration with its models)."""
    with transaction.atomic():
        month_model.objects.all().delete()
        place_model.objects.all().delete()
        _write(case_model.objects.all(), month_model, place_model)


def _midnight(month: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(month, datetime.time.min, tzinfo=UTC)


def _lock(wanted: list[Key]) -> None:
    """Two officers changing cases of one month and country rewrite its counts one after
    the other: without the lock each would count without the other's case and both rows
    would stay. SQLite lets one writer in at a time anyway."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for month, country in wanted:
            key = zlib.crc32(f"{month:%Y-%m} {country}".encode()) & 0x7FFFFFFF
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [0x6C6961, key])


def _write(cases: QuerySet, month_model, place_model) -> None:
    month = TruncMonth("first_reported_at", output_field=DateField(), tzinfo=UTC)
    per_category = {
        f"c{i}": Count("pk", filter=has_category("categories", code))
        for i, code in enumerate(Category.values)
    }
    counted = (
        cases.order_by()
        .annotate(month=month)
        .values("month", "country")
        .annotate(n=Count("pk"), **per_category)
    )
    month_rows = []
    for row in counted:
        found = {ALL: row["n"]}
        for i, code in enumerate(Category.values):
            found[code] = row[f"c{i}"]
        month_rows += [
            month_model(month=row["month"], country_id=row["country"], category=c, cases=n)
            for c, n in found.items()
            if n
        ]
    month_model.objects.bulk_create(month_rows, batch_size=2000)
    placed = (
        cases.order_by()
        .annotate(
            month=month,
            lat=Round("latitude", MAP_DECIMALS),
            lon=Round("longitude", MAP_DECIMALS),
            closed=Q(status=CaseStatus.CLOSED),
        )
        .values("month", "country", "lat", "lon", "closed")
        .annotate(n=Count("pk"))
    )
    place_model.objects.bulk_create(
        [
            place_model(
                month=row["month"],
                country_id=row["country"],
                latitude=_decimal(row["lat"]),
                longitude=_decimal(row["lon"]),
                closed=row["closed"],
                cases=row["n"],
            )
            for row in placed
        ],
        batch_size=2000,
    )


def _decimal(value) -> Decimal | None:
    """A coordinate rounded as the databases' ROUND does it (ties away from zero); SQLite
    answers a float, PostgreSQL a numeric."""
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-MAP_DECIMALS), ROUND_HALF_UP)


# --- reading them ----------------------------------------------------------------------


def _label(value) -> str:
    return f"{value.year}-{value.month:02d}"


def _windows(months: list[datetime.date]) -> Q:
    """The instants between the reader's start of each month and UTC's."""
    zone = timezone.get_current_timezone()
    between = Q(pk__in=[])
    for month in [*months, next_month(months[-1])]:
        local = datetime.datetime.combine(month, datetime.time.min, tzinfo=zone)
        utc = _midnight(month)
        if local != utc:
            start, end = sorted((local, utc))
            between |= Q(first_reported_at__gte=start, first_reported_at__lt=end)
    return between


def _moved(cases: QuerySet, months: list[datetime.date]):
    """The cases of the windows, each as (reader's month, +1 or −1, case): +1 in the month
    the reader counts it in, −1 in the month it is kept under, when either is shown. They
    are a few thousand at most: read as rows, grouped here (one query on either database)."""
    labels = {_label(m) for m in months}
    fields = ("first_reported_at", "country", "categories", "latitude", "longitude", "status")
    for case in cases.order_by().filter(_windows(months)).values(*fields):
        at = case["first_reported_at"]
        local, kept = _label(timezone.localtime(at)), _label(at.astimezone(UTC))
        if local != kept:
            if local in labels:
                yield local, 1, case
            if kept in labels:
                yield kept, -1, case


def months(cases: QuerySet, months: list[datetime.date], country=None) -> dict:
    """{(month label, country code): {category or "": cases}} for the reader's `months`,
    from the kept counts; `cases` (the reader's, all of them) supplies the moved ones."""
    counts: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    kept = CaseMonthCount.objects.filter(month__gte=months[0], month__lte=months[-1])
    if country:
        kept = kept.filter(country=country)
    for month, code, category, n in kept.values_list("month", "country", "category", "cases"):
        counts[(_label(month), code)][category] += n
    for label, sign, case in _moved(cases, months):
        found = counts[(label, case["country"])]
        found[ALL] += sign
        for code in case["categories"]:
            found[code] += sign
    return counts


def places(cases: QuerySet, months: list[datetime.date], country=None) -> dict:
    """{(latitude, longitude, closed, country code): cases} over the reader's `months`."""
    counts: dict[tuple, int] = defaultdict(int)
    kept = CasePlaceCount.objects.filter(month__gte=months[0], month__lte=months[-1])
    if country:
        kept = kept.filter(country=country)
    fields = ("latitude", "longitude", "closed", "country")
    for *key, n in kept.values_list(*fields).annotate(n=Sum("cases")).order_by():
        counts[tuple(key)] += n
    for _, sign, case in _moved(cases, months):
        lat, lon = _decimal(case["latitude"]), _decimal(case["longitude"])
        counts[(lat, lon, case["status"] == CaseStatus.CLOSED, case["country"])] += sign
    return counts
