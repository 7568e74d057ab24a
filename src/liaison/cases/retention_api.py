"""A case's legal hold through the API, under /api/v1/cases/: read, place, lift. The same
service and rights as the case page: 404 outside the user's scope, 403 without the right
to manage retention, 422 when refused (no reason, already held, not held)."""

from __future__ import annotations

import datetime

from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from pydantic import Field

from liaison.core import retention
from liaison.core.models import LegalHold
from liaison.core.permissions import Perm, require

from .models import Case

router = Router(tags=["cases"])


class HoldIn(Schema):
    reason: str = Field(..., max_length=2000)


class HoldOut(Schema):
    held: bool
    reason: str | None = None
    placed_by: str | None = None
    placed_at: datetime.datetime | None = None
    destroyed_at: datetime.datetime | None = Field(
        None, description="When retention destroyed the case's personal data, if it did"
    )


def _case(request, pk: int) -> Case:
    """The case in the user's scope (404 otherwise), for someone who manages retention
    (403 first otherwise)."""
    require(request.user, Perm.MANAGE_RETENTION)
    return get_object_or_404(Case.objects.visible_to(request.user), pk=pk)


def _out(case: Case, hold: LegalHold | None) -> dict:
    disposal = retention.disposal_of(case)
    return {
        "held": hold is not None,
        "reason": hold.reason if hold else None,
        "placed_by": hold.placed_by.username if hold else None,
        "placed_at": hold.placed_at if hold else None,
        "destroyed_at": disposal.done_at if disposal else None,
    }


@router.get("/{int:pk}/legal-hold", response=HoldOut, summary="The case's legal hold, if any")
def case_hold(request, pk: int):
    case = _case(request, pk)
    return _out(case, retention.standing_hold(case))


@router.post("/{int:pk}/legal-hold", response=HoldOut, summary="Place a legal hold on the case")
def case_hold_place(request, pk: int, payload: HoldIn):
    case = _case(request, pk)
    hold = retention.hold_place(actor=request.user, obj=case, reason=payload.reason)
    return _out(case, hold)


@router.post("/{int:pk}/legal-hold/lift", response=HoldOut, summary="Lift the case's legal hold")
def case_hold_lift(request, pk: int, payload: HoldIn):
    case = _case(request, pk)
    retention.hold_lift(actor=request.user, obj=case, reason=payload.reason)
    return _out(case, None)
