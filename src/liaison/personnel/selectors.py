"""Reads of the personnel domain that depend on who is asking: the posts with their
officers and the counts of the cases the reader may see."""

from __future__ import annotations

import datetime
import zoneinfo

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from liaison.cases.choices import PRIORITY_RANK
from liaison.cases.models import Case
from liaison.cases.services import targets
from liaison.core.models import User

from .models import Post, Posting

OPEN_CASES_SHOWN = 200


def _current(today: datetime.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}started_on__lte": today}) & (
        Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gte": today})
    )


def _count(queryset: QuerySet, what: str = "pk") -> Coalesce:
    """A per-post count as a subquery, so counting officers and cases does not multiply
    rows as two joins would."""
    counted = queryset.filter(post=OuterRef("pk")).order_by().values("post")
    return Coalesce(
        Subquery(counted.annotate(n=Count(what, distinct=True)).values("n")),
        0,
        output_field=IntegerField(),
    )


def posts_for(user: User, *, now: datetime.datetime | None = None) -> QuerySet:
    """Every post (posts are staff facts any case reader may see), with its current
    officers and the open and overdue cases among those `user` may see."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    visible_open = Case.objects.visible_to(user).open()
    return Post.objects.select_related("country", "host_body").annotate(
        officer_count=_count(Posting.objects.filter(_current(today)), "officer"),
        open_cases=_count(visible_open),
        overdue_cases=_count(visible_open.filter(targets.overdue_condition(now))),
    )


def local_time(post: Post, now: datetime.datetime | None = None) -> datetime.datetime:
    return (now or timezone.now()).astimezone(zoneinfo.ZoneInfo(post.time_zone))


def postings_of(post: Post, *, today: datetime.date) -> list[Posting]:
    """Current postings first, then past ones, each marked."""
    postings = list(post.postings.select_related("officer", "officer__institution"))
    for posting in postings:
        posting.is_current = posting.started_on <= today and (
            posting.ended_on is None or posting.ended_on >= today
        )
        posting.is_future = posting.started_on > today
    return sorted(postings, key=lambda p: (not p.is_current, -p.started_on.toordinal()))


def open_cases_of(
    user: User, post: Post, *, now: datetime.datetime | None = None
) -> tuple[list[Case], int]:
    """The post's open cases that `user` may see, most urgent first, each with the
    targets it missed; and how many there are in all."""
    now = now or timezone.now()
    cases = Case.objects.visible_to(user).open().filter(post=post)
    total = cases.count()
    shown = list(cases.order_by("first_reported_at")[:OPEN_CASES_SHOWN])
    for case in shown:
        case.missed = targets.overdue_steps(case, now)
    shown.sort(key=lambda c: (not c.missed, PRIORITY_RANK.get(c.priority, 9), c.first_reported_at))
    return shown, total


def home_summary(user: User, *, now: datetime.datetime | None = None) -> dict:
    """The personnel card of the home page: active posts, officers serving now, and the
    user's own posts with their local time."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    serving = Posting.objects.filter(_current(today), post__is_active=True)
    mine = [
        {"post": post, "local_time": local_time(post, now)}
        for post in Post.objects.of_officer(user).distinct()
    ]
    return {
        "posts": Post.objects.filter(is_active=True).count(),
        "officers": serving.values("officer").distinct().count(),
        "mine": mine,
    }
