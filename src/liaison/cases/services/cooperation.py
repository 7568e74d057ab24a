"""Each cooperation step with the partner police is logged as an activity of the agreement
that is the case's legal basis, through the agreements domain's one entry point, so the
agreement's annual report counts it without copying."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison.agreements.choices import IN_FORCE_STATUSES, ActivityKind
from liaison.agreements.services.life import activity_record
from liaison.core.models import User

from ..choices import CaseStatus, EntryKind, RequestKind
from ..models import Case, CaseTransition, PartnerRequest
from . import timeline

# The steps that are cooperation with the partner police, and how the agreement counts them.
COOPERATION_STEPS: dict[str, ActivityKind] = {
    CaseStatus.RESCUE_REQUESTED: ActivityKind.CASE_COOPERATION,
    CaseStatus.RESCUED: ActivityKind.CASE_COOPERATION,
    CaseStatus.INVESTIGATION: ActivityKind.CASE_COOPERATION,
    CaseStatus.ARREST: ActivityKind.CASE_COOPERATION,
    CaseStatus.EXTRADITION_REQUESTED: ActivityKind.CASE_COOPERATION,
    CaseStatus.SURRENDERED: ActivityKind.FUGITIVE_RETURNED,
}
REQUEST_KINDS: dict[str, ActivityKind] = {
    RequestKind.INFORMATION: ActivityKind.INFORMATION_EXCHANGE,
    RequestKind.OTHER: ActivityKind.INFORMATION_EXCHANGE,
    RequestKind.AUTOPSY: ActivityKind.CASE_COOPERATION,
    RequestKind.REPATRIATION: ActivityKind.CASE_COOPERATION,
}


def _log(*, actor: User, case: Case, kind: str, description: str, source, occurred_at) -> None:
    agreement = case.agreement
    if agreement is None:
        return
    if agreement.status not in IN_FORCE_STATUSES:
        timeline.system_entry(
            case=case,
            kind=EntryKind.NOTE,
            body=_("Not logged under %(agreement)s: the agreement is no longer in force.")
            % {"agreement": agreement},
        )
        return
    try:
        activity_record(
            actor=actor,
            agreement=agreement,
            kind=kind,
            occurred_on=timezone.localdate(occurred_at),
            description=f"{case.reference}: {description}",
            source=source,
            is_illustrative=case.is_illustrative,
        )
    except (ValidationError, PermissionDenied) as refused:
        # The case step stands; the office sees on the timeline why the log missed it.
        reason = "; ".join(getattr(refused, "messages", [str(refused)]))
        timeline.system_entry(
            case=case,
            kind=EntryKind.NOTE,
            body=_("Not logged under %(agreement)s: %(reason)s")
            % {"agreement": agreement, "reason": reason},
        )


def log_step(*, actor: User, case: Case, move: CaseTransition) -> None:
    kind = COOPERATION_STEPS.get(move.to_status)
    if kind is None:
        return
    _log(
        actor=actor,
        case=case,
        kind=kind,
        description=str(CaseStatus(move.to_status).label),
        source=move,
        occurred_at=move.at,
    )


def log_request(*, actor: User, case: Case, request: PartnerRequest) -> None:
    kind = REQUEST_KINDS.get(request.kind)
    if kind is None:
        return
    _log(
        actor=actor,
        case=case,
        kind=kind,
        description=f"{RequestKind(request.kind).label}: {request.subject}",
        source=request,
        occurred_at=request.sent_at,
    )
