"""The monthly access review for the auditor (CJIS AU-6, PIPA art. 29): who viewed which
data subjects in a month, and the days on which someone opened unusually many.

A data subject's record viewed is a VIEW entry that names one record (a case, a victim, a
report, a contact, a document); a list's look names none (core.looks) and reads of the
audit trail itself are not looks at a data subject. Everything is counted by the database
over the audit trail's index on (action, at): the month's rows in one grouped query, read
a page at a time, and each day's counts per person in one query per day, kept once the day
is over (see `daily_counts`).

A day is unusual for a user who opened more distinct records than `FACTOR` times the
median of their own daily counts over the `MEDIAN_DAYS` days before it (days without any
count as none) and more than `FLOOR`, so that someone who rarely opens anything is not
flagged for opening three. Days are the agency's (LIAISON_TIME_ZONE), as the month is."""

from __future__ import annotations

import datetime
import logging
import statistics
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail
from django.db.models import CharField, Count, Max, Min, QuerySet, Value
from django.db.models.functions import Concat
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import jobs
from .choices import AuditAction, Role
from .looks import AUDIT_TRAIL
from .models import AuditEvent, User

log = logging.getLogger(__name__)

FACTOR = 3
FLOOR = 10
MEDIAN_DAYS = 30
KIND = "core.access_review"
CACHE_SECONDS = 400 * 24 * 3600  # past the 61 days any review reads


def agency_zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(str(settings.TIME_ZONE))


def month_start(month: datetime.date) -> datetime.datetime:
    """Midnight of the month's first day, in the agency's time zone."""
    return datetime.datetime(month.year, month.month, 1, tzinfo=agency_zone())


def next_month(month: datetime.date) -> datetime.date:
    return (month.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


def previous_month(today: datetime.date) -> datetime.date:
    return (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def _subject_looks(start: datetime.datetime, end: datetime.datetime) -> QuerySet[AuditEvent]:
    return (
        AuditEvent.objects.filter(action=AuditAction.VIEW, at__gte=start, at__lt=end)
        .exclude(object_id="")
        .exclude(object_type=AUDIT_TRAIL)
    )


def subjects_viewed(month: datetime.date) -> QuerySet:
    """One row per person and record viewed in the month: how often, first and last."""
    return (
        _subject_looks(month_start(month), month_start(next_month(month)))
        .values("actor_id", "actor_label", "actor_role", "object_type", "object_id")
        .annotate(views=Count("id"), first=Min("at"), last=Max("at"), record=Max("object_repr"))
        .order_by("actor_label", "actor_id", "object_type", "object_id")
    )


@dataclass(frozen=True)
class UnusualDay:
    actor_id: int | None
    actor_label: str
    day: datetime.date
    subjects: int
    median: float


def _day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    start = datetime.datetime(day.year, day.month, day.day, tzinfo=agency_zone())
    following = day + datetime.timedelta(days=1)
    return start, datetime.datetime(
        following.year, following.month, following.day, tzinfo=agency_zone()
    )


def _count_day(day: datetime.date) -> list[tuple[int | None, str, int, int]]:
    """(actor id, label, distinct records opened, views) per person on one agency day,
    counted by the database over one day of the (action, at) index."""
    start, end = _day_bounds(day)
    record = Concat("object_type", Value(":"), "object_id", output_field=CharField())
    return [
        (row["actor_id"], row["actor_label"], row["subjects"], row["views"])
        for row in _subject_looks(start, end)
        .values("actor_id", "actor_label")
        .annotate(subjects=Count(record, distinct=True), views=Count("id"))
        .order_by()
    ]


def _cache_key(day: datetime.date) -> str:
    return f"access-review:day:{day.isoformat()}"


def daily_counts(first: datetime.date, last: datetime.date) -> dict[datetime.date, list]:
    """Each day's counts from `first` to `last`. A day over before yesterday no longer
    changes (entries are stamped when written, and the trail is append-only), so its counts
    are kept in the shared cache: the 61 days a month's review reads are counted once, by
    the monthly job or the first reader, and each later reading costs only the cache."""
    today = timezone.localtime(timezone.now(), agency_zone()).date()
    counts = {}
    day = first
    while day <= last:
        final = day < today - datetime.timedelta(days=1)
        found = cache.get(_cache_key(day)) if final else None
        if found is None:
            found = _count_day(day)
            if final:
                cache.set(_cache_key(day), found, timeout=CACHE_SECONDS)
        counts[day] = found
        day += datetime.timedelta(days=1)
    return counts


def unusual_days(month: datetime.date, counts: dict | None = None) -> list[UnusualDay]:
    first = month.replace(day=1)
    last = next_month(month) - datetime.timedelta(days=1)
    if counts is None:
        counts = daily_counts(first - datetime.timedelta(days=MEDIAN_DAYS), last)
    by_actor: dict[tuple, dict[datetime.date, int]] = defaultdict(dict)
    for day, rows in counts.items():
        for actor_id, label, subjects, _views in rows:
            by_actor[(actor_id, label)][day] = subjects
    found = []
    for (actor_id, label), days in by_actor.items():
        for day, subjects in sorted(days.items()):
            if not first <= day <= last or subjects <= FLOOR:
                continue
            before = [
                days.get(day - datetime.timedelta(days=n), 0) for n in range(1, MEDIAN_DAYS + 1)
            ]
            median = statistics.median(before)
            if subjects > FACTOR * median:
                found.append(UnusualDay(actor_id, label, day, subjects, median))
    return sorted(found, key=lambda d: (d.day, d.actor_label))


@dataclass(frozen=True)
class Review:
    month: datetime.date
    people: int
    looks: int
    unusual: list[UnusualDay]


def review_of(month: datetime.date) -> Review:
    """The month's figures and unusual days, from the daily counts."""
    first = month.replace(day=1)
    last = next_month(month) - datetime.timedelta(days=1)
    counts = daily_counts(first - datetime.timedelta(days=MEDIAN_DAYS), last)
    in_month = [row for day, rows in counts.items() if first <= day <= last for row in rows]
    return Review(
        month=month,
        people=len({(actor_id, label) for actor_id, label, _s, _v in in_month}),
        looks=sum(views for _a, _l, _s, views in in_month),
        unusual=unusual_days(month, counts),
    )


# The monthly job ---------------------------------------------------------------------------


@jobs.kind(KIND, label=gettext_lazy("Monthly access review for the auditors"))
def build_access_review(run: jobs.JobRun, month: str = "") -> jobs.JobOutcome:
    """Builds the last month's review (or `month`, YYYY-MM) and tells the auditors."""
    wanted = (
        datetime.date.fromisoformat(f"{month}-01")
        if month
        else previous_month(timezone.localtime(timezone.now(), agency_zone()).date())
    )
    review = review_of(wanted)
    notified = notify_auditors(review)
    summary = _(
        "%(month)s: %(people)s people viewed data subjects' records %(looks)s times; "
        "%(unusual)s unusual days; %(notified)s auditors notified."
    ) % {
        "month": f"{wanted:%Y-%m}",
        "people": review.people,
        "looks": review.looks,
        "unusual": len(review.unusual),
        "notified": notified,
    }
    return jobs.JobOutcome(
        summary=summary,
        data={
            "month": f"{wanted:%Y-%m}",
            "people": review.people,
            "looks": review.looks,
            "unusual": [
                {"user": d.actor_label, "day": d.day.isoformat(), "subjects": d.subjects}
                for d in review.unusual
            ],
        },
    )


def notify_auditors(review: Review) -> int:
    """An e-mail to every active auditor, as the lockout alerts the administrators: the
    month's figures, its unusual days and the link to the review. A mail server that fails
    is raised, so the queue tries again (building the review twice is harmless)."""
    recipients = list(
        User.objects.filter(role=Role.AUDITOR, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if not recipients:
        return 0
    link = (
        str(settings.LIAISON_BASE_URL).rstrip("/")
        + reverse("core:access_review")
        + f"?month={review.month:%Y-%m}"
    )
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Liaison: the access review of %(month)s") % {"month": f"{review.month:%Y-%m}"}
        lines = [
            _("%(people)s people viewed data subjects' records %(looks)s times.")
            % {"people": review.people, "looks": review.looks},
            _("Unusual days (more than %(factor)s times the person's own median):")
            % {"factor": FACTOR}
            if review.unusual
            else _("No unusual days."),
            *(
                f"- {d.day:%Y-%m-%d} {d.actor_label}: {d.subjects} (median {d.median:g})"
                for d in review.unusual
            ),
            "",
            link,
        ]
    send_mail(subject, "\n".join(lines), None, recipients)
    return len(recipients)


def first_of_the_month_at(hour: int, minute: int = 0):
    """A schedule: the first day of every month at hour:minute, agency time."""
    daily = jobs.at_local(hour, minute)

    def due(now: datetime.datetime) -> bool:
        if timezone.is_naive(now):  # Huey passes naive UTC
            now = now.replace(tzinfo=datetime.UTC)
        return daily(now) and now.astimezone(agency_zone()).day == 1

    return due


jobs.periodic(
    KIND,
    when=first_of_the_month_at(5, 30),
    slot="%Y-%m",
    job_kind=KIND,
    on_start=True,  # a worker started later in the month still builds last month's
)
