"""Each post's case workload, for the post pages: the open and overdue cases among those the
reader may see. It reads posts and cases, so it lives in cases, the layer above personnel."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.utils import timezone

from liaison.core.models import User
from liaison.personnel.models import Post
from liaison.personnel.selectors import count_per_post, posts_with_officers

from .choices import PRIORITY_RANK
from .models import Case
from .services import targets

OPEN_CASES_SHOWN = 200


def posts_for(user: User, *, now: datetime.datetime | None = None) -> QuerySet:
    """Every post with its current officers and the open and overdue cases among those
    `user` may see."""
    now = now or timezone.now()
    visible_open = Case.objects.visible_to(user).open()
    return posts_with_officers(timezone.localdate(now)).annotate(
        open_cases=count_per_post(visible_open),
        overdue_cases=count_per_post(visible_open.filter(targets.overdue_condition(now))),
    )


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
