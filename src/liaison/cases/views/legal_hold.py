"""A legal hold on a case, placed and lifted from the case page: while it stands,
retention destroys nothing of the case, its people, reports or documents."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from liaison.core import retention
from liaison.core.permissions import Perm, require

from .. import selectors
from .case_page import _detail


def _hold_action(request: HttpRequest, pk: int, service, done: str) -> HttpResponse:
    """403 without the right, 404 outside the user's scope, 400 with the reason when the
    service refuses (no reason given, already held, not held)."""
    require(request.user, Perm.MANAGE_RETENTION)
    case = selectors.get_case_for_user(request.user, pk)
    try:
        service(actor=request.user, obj=case, reason=request.POST.get("reason", ""))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return _detail(request, case, tab="overview", status=400)
    messages.success(request, done)
    return redirect(reverse("cases:detail", args=[case.pk]))


@require_POST
def case_hold(request: HttpRequest, pk: int) -> HttpResponse:
    done = _("The case is on legal hold: nothing of it will be destroyed.")
    return _hold_action(request, pk, retention.hold_place, done)


@require_POST
def case_hold_lift(request: HttpRequest, pk: int) -> HttpResponse:
    done = _("The legal hold is lifted; retention applies again.")
    return _hold_action(request, pk, retention.hold_lift, done)
