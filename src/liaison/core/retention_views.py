"""The retention page, for the International Cooperation Office and administrators: the
rules and their periods, what is due for destruction now and in the coming days, and what
legal holds keep. It names records by their reference only."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from . import retention
from .models import Disposal
from .permissions import Perm, require

SHOWN = 200  # rows of each list; the counts are exact


@require_GET
def retention_overview(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.MANAGE_RETENTION)
    now = timezone.now()
    ahead = settings.LIAISON_RETENTION_NOTICE_DAYS
    rules = [
        {
            "rule": each,
            "due_now": retention.due(each, now=now).count(),
            "due_soon": retention.due(each, now=now, within_days=ahead).count(),
            "held": retention.on_hold(each, now=now, within_days=ahead).count(),
            "destroyed": Disposal.objects.filter(rule=each.name).count(),
        }
        for each in retention.RULES.values()
    ]
    context = {
        "active_nav": "retention",
        "ahead": ahead,
        "rules": rules,
        "due": retention.schedule(now=now, within_days=ahead, limit=SHOWN),
        "today": timezone.localdate(now),
        "holds": retention.standing_holds(),
        "job_kind": "core.retention",
    }
    return render(request, "core/retention.html", context)
