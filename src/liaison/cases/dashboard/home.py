"""The cases card of the home page, with the overdue cases and the reader's own tasks."""

from __future__ import annotations

import datetime
import zoneinfo

from django.db.models import Count, Q
from django.utils import timezone

from ..choices import Priority
from ..models import Case, CaseTask
from ..permissions import sees_personal_data
from ..services import targets

HOME_LIST_LIMIT = 20


def place_time(moment: datetime.datetime, zone_name: str) -> str:
    """ "19:10 Phnom Penh": the clock at the place, when it is not the reader's own."""
    if not zone_name or zone_name == timezone.get_current_timezone_name():
        return ""
    there = moment.astimezone(zoneinfo.ZoneInfo(zone_name))
    return f"{there:%H:%M} {zone_name.rsplit('/', 1)[-1].replace('_', ' ')}"


def home_summary(user, *, now=None) -> dict:
    """The cases card of an officer's home page: open, urgent and overdue cases in their
    scope, the overdue ones listed with the targets they missed, and the user's own open
    tasks by due time."""
    now = now or timezone.now()
    visible = Case.objects.visible_to(user).order_by()
    counts = visible.open().aggregate(
        open=Count("pk"),
        urgent=Count("pk", filter=Q(priority=Priority.URGENT)),
        overdue=Count("pk", filter=targets.overdue_condition(now)),
    )
    # The list names cases by title, which may name a person: analysts get the counts.
    listed = targets.overdue_cases(user, now) if sees_personal_data(user) else Case.objects.none()
    overdue = list(listed.order_by("first_reported_at")[:HOME_LIST_LIMIT])
    for case in overdue:
        case.missed = [
            {"step": step, "due": getattr(case, f"{step}_due_at")}
            for step in targets.overdue_steps(case, now)
        ]
        for missed in case.missed:
            missed["there"] = place_time(missed["due"], case.place_time_zone)
    tasks = list(
        CaseTask.objects.filter(owner=user, done_at__isnull=True, case__in=visible)
        .select_related("case")
        .order_by("due_at")[:HOME_LIST_LIMIT]
    )
    for task in tasks:
        task.is_overdue = task.due_at < now
    return {**counts, "overdue_list": overdue, "tasks": tasks, "now": now}
