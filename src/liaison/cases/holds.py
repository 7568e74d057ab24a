"""What the case page shows of retention (core.retention): the standing legal hold,
whether the reader may place or lift one, and whether the case's personal data was already
destroyed."""

from __future__ import annotations

from liaison.core import retention
from liaison.core.permissions import Perm, can

from .choices import CaseStatus


def hold_context(case, user) -> dict:
    """One query for an open case (its hold), two for a closed one (and its destruction:
    only closed cases are destroyed)."""
    closed = case.status == CaseStatus.CLOSED
    return {
        "legal_hold": retention.standing_hold(case),
        "may_hold": can(user, Perm.MANAGE_RETENTION),
        "disposal": retention.disposal_of(case) if closed else None,
    }
