"""Reads of the personnel domain: who serves at a post now, a post's local time, the home
page's card. The posts' case workload is read a layer up, in cases.workload."""

from __future__ import annotations

import datetime
import zoneinfo

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from liaison.core.models import User

from .models import Post, Posting


def current(today: datetime.date, prefix: str = "") -> Q:
    """Postings (or, with `prefix`, the rows that lead to them) running on `today`."""
    return Q(**{f"{prefix}started_on__lte": today}) & (
        Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gte": today})
    )


def count_per_post(queryset: QuerySet, what: str = "pk") -> Coalesce:
    """A per-post count as a subquery, so counting officers and cases does not multiply
    rows as two joins would."""
    counted = queryset.filter(post=OuterRef("pk")).order_by().values("post")
    return Coalesce(
        Subquery(counted.annotate(n=Count(what, distinct=True)).values("n")),
        0,
        output_field=IntegerField(),
    )


def posts_with_officers(today: datetime.date) -> QuerySet:
    """Every post (posts are staff facts any case reader may see) with the number of
    officers serving there on `today`."""
    return Post.objects.select_related("country", "host_body").annotate(
        officer_count=count_per_post(Posting.objects.filter(current(today)), "officer"),
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


def home_summary(user: User, *, now: datetime.datetime | None = None) -> dict:
    """The personnel card of the home page: active posts, officers serving now, and the
    user's own posts with their local time."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    serving = Posting.objects.filter(current(today), post__is_active=True)
    mine = [
        {"post": post, "local_time": local_time(post, now)}
        for post in Post.objects.of_officer(user).distinct()
    ]
    return {
        "posts": Post.objects.filter(is_active=True).count(),
        "officers": serving.values("officer").distinct().count(),
        "mine": mine,
    }
