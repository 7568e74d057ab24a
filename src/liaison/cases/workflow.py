"""The case lifecycle as one table: which status may follow which and what must be true
first. `case_transition` is the only code that changes `Case.status`; the UI offers the
moves this table allows. Not every case passes every step."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from liaison.core import audit
from liaison.core.choices import AuditAction
from liaison.core.versions import require_version
from liaison.core.wording import and_list

from . import figures, permissions
from .choices import ArrestStatus, Outcome, ReturnStatus, VictimStatus
from .choices import CaseStatus as S
from .models import Case, CaseTransition


@dataclass(frozen=True)
class Precondition:
    missing: Callable[[Case], str | None]


def _has_victim_to_rescue(case: Case) -> str | None:
    waiting = (VictimStatus.MISSING, VictimStatus.LOCATED, VictimStatus.CONFINED)
    if case.victims.filter(status__in=waiting).exists():
        return None
    return _("a victim recorded as missing, located or confined")


def _partner_named(case: Case) -> str | None:
    return None if case.partner_body_id else _("the partner agency named on the case")


def _victim_rescued(case: Case) -> str | None:
    safe = (VictimStatus.RESCUED, VictimStatus.IN_PROTECTION, VictimStatus.REPATRIATED)
    if case.victims.filter(status__in=safe).exists():
        return None
    return _("a victim recorded as rescued")


def _suspect_recorded(case: Case) -> str | None:
    return None if case.suspects.exists() else _("a suspect recorded")


def _suspect_arrested(case: Case) -> str | None:
    arrested = (ArrestStatus.ARRESTED, ArrestStatus.CONVICTED)
    if case.suspects.filter(arrest_status__in=arrested).exists():
        return None
    return _("a suspect recorded as arrested")


def _return_requested(case: Case) -> str | None:
    requested = (
        ReturnStatus.EXTRADITION_REQUESTED,
        ReturnStatus.DEPORTATION_REQUESTED,
        ReturnStatus.APPROVED,
        ReturnStatus.SURRENDERED,
    )
    if case.suspects.filter(return_status__in=requested).exists():
        return None
    return _("a suspect whose extradition or deportation was requested")


def _suspect_surrendered(case: Case) -> str | None:
    if case.suspects.filter(return_status=ReturnStatus.SURRENDERED).exists():
        return None
    return _("a suspect recorded as surrendered")


VICTIM_TO_RESCUE = Precondition(_has_victim_to_rescue)
PARTNER_NAMED = Precondition(_partner_named)
VICTIM_RESCUED = Precondition(_victim_rescued)
SUSPECT_RECORDED = Precondition(_suspect_recorded)
SUSPECT_ARRESTED = Precondition(_suspect_arrested)
RETURN_REQUESTED = Precondition(_return_requested)
SUSPECT_SURRENDERED = Precondition(_suspect_surrendered)


@dataclass(frozen=True)
class Rule:
    preconditions: tuple[Precondition, ...] = ()
    needs_reason: bool = False
    label: str = ""


_CLOSE = Rule(label=gettext_lazy("Close the case"))

TRANSITIONS: dict[tuple[str, str], Rule] = {
    (S.RECEIVED, S.TRIAGED): Rule(label=gettext_lazy("Triage")),
    (S.TRIAGED, S.RESCUE_REQUESTED): Rule(
        (VICTIM_TO_RESCUE, PARTNER_NAMED), label=gettext_lazy("Request rescue from the partner")
    ),
    (S.TRIAGED, S.INVESTIGATION): Rule(
        (PARTNER_NAMED,), label=gettext_lazy("Open a joint investigation")
    ),
    (S.RESCUE_REQUESTED, S.RESCUED): Rule(
        (VICTIM_RESCUED,), label=gettext_lazy("Record the rescue")
    ),
    (S.RESCUE_REQUESTED, S.INVESTIGATION): Rule(
        (PARTNER_NAMED,), label=gettext_lazy("Open a joint investigation")
    ),
    (S.RESCUED, S.INVESTIGATION): Rule(
        (PARTNER_NAMED,), label=gettext_lazy("Open a joint investigation")
    ),
    (S.INVESTIGATION, S.SUSPECTS_IDENTIFIED): Rule(
        (SUSPECT_RECORDED,), label=gettext_lazy("Suspects identified")
    ),
    (S.SUSPECTS_IDENTIFIED, S.ARREST): Rule(
        (SUSPECT_ARRESTED,), label=gettext_lazy("Record an arrest")
    ),
    (S.ARREST, S.EXTRADITION_REQUESTED): Rule(
        (RETURN_REQUESTED,), label=gettext_lazy("Extradition or deportation requested")
    ),
    (S.EXTRADITION_REQUESTED, S.SURRENDERED): Rule(
        (SUSPECT_SURRENDERED,), label=gettext_lazy("Record the surrender")
    ),
    **{(source, S.CLOSED): _CLOSE for source in S.values if source != S.CLOSED},
    (S.CLOSED, S.INVESTIGATION): Rule(
        (PARTNER_NAMED,), needs_reason=True, label=gettext_lazy("Reopen the investigation")
    ),
}

# The timestamp each status sets the first time a case reaches it.
REACHED_AT = {
    S.TRIAGED: "triaged_at",
    S.RESCUE_REQUESTED: "rescue_requested_at",
    S.RESCUED: "rescued_at",
    S.INVESTIGATION: "investigation_at",
    S.SUSPECTS_IDENTIFIED: "suspects_identified_at",
    S.ARREST: "arrested_at",
    S.EXTRADITION_REQUESTED: "extradition_requested_at",
    S.SURRENDERED: "surrendered_at",
    S.CLOSED: "closed_at",
}

ACTION_NAMES = {
    S.TRIAGED: gettext_lazy("Triage"),
    S.RESCUE_REQUESTED: gettext_lazy("Requesting rescue"),
    S.RESCUED: gettext_lazy("Recording the rescue"),
    S.INVESTIGATION: gettext_lazy("Opening the joint investigation"),
    S.SUSPECTS_IDENTIFIED: gettext_lazy("Moving to 'suspects identified'"),
    S.ARREST: gettext_lazy("Recording an arrest"),
    S.EXTRADITION_REQUESTED: gettext_lazy("Moving to 'extradition requested'"),
    S.SURRENDERED: gettext_lazy("Recording the surrender"),
    S.CLOSED: gettext_lazy("Closing"),
}


def refusal_message(case: Case, to_status: str) -> str | None:
    """Why `case` cannot move to `to_status` now; None when it can."""
    action = str(ACTION_NAMES.get(to_status, to_status))
    rule = TRANSITIONS.get((case.status, to_status))
    if rule is None:
        sources = [s for (s, t) in TRANSITIONS if t == to_status]
        return _(
            "%(action)s is not possible while the case is '%(current)s'; it is possible "
            "from %(sources)s."
        ) % {
            "action": action,
            "current": S(case.status).label,
            "sources": ", ".join(f"'{S(s).label}'" for s in sources),
        }
    missing = [m for p in rule.preconditions if (m := p.missing(case))]
    if missing:
        return _("%(action)s needs %(missing)s.") % {"action": action, "missing": and_list(missing)}
    return None


def moves_from(case: Case) -> list[tuple[str, Rule]]:
    """The moves the table allows from the case's status, whoever asks."""
    return [
        (target, rule) for (source, target), rule in TRANSITIONS.items() if source == case.status
    ]


def available_moves(user, case: Case) -> list[tuple[str, Rule]]:
    """The moves from the case's status, for someone who may work the case."""
    if not permissions.can_work(user, case):
        return []
    return moves_from(case)


def lock(case: Case, expected_version: int | None = None) -> Case:
    """The case's row, locked to the end of the transaction; refused when someone else
    changed it since the caller read version N (detect and tell, never overwrite)."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    require_version(
        locked,
        expected_version,
        _(
            "Someone else changed this case while you were editing (it is now '%(status)s', "
            "version %(version)s). Reload the page to see their change, then try again."
        )
        % {"status": S(locked.status).label, "version": locked.version},
    )
    return locked


def apply_transition(
    *, actor, locked: Case, to_status: str, reason: str = "", outcome: str = ""
) -> CaseTransition:
    from .services import cooperation, timeline

    message = refusal_message(locked, to_status)
    if message:
        raise ValidationError(message, code="refused")
    rule = TRANSITIONS[(locked.status, to_status)]
    if rule.needs_reason and not reason.strip():
        raise ValidationError({"reason": _("Give the reason for this move.")})
    if to_status == S.CLOSED:
        if outcome not in Outcome.values:
            raise ValidationError({"outcome": _("Choose the outcome the case is closed with.")})
        locked.outcome = outcome
        locked.outcome_note = reason.strip()
    elif locked.status == S.CLOSED:
        locked.outcome = ""
    now = timezone.now()
    from_status = locked.status
    locked.status = to_status
    field = REACHED_AT.get(to_status)
    if field and getattr(locked, field) is None:
        setattr(locked, field, now)
    locked.version += 1
    locked.save()
    if S.CLOSED in (from_status, to_status):
        figures.refresh(figures.keys(locked))  # the map counts open and closed cases apart
    move = CaseTransition.objects.create(
        case=locked,
        from_status=from_status,
        to_status=to_status,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        at=now,
        reason=reason.strip(),
    )
    audit.record(
        AuditAction.TRANSITION,
        actor=actor,
        obj=locked,
        changes={
            "status": {"before": from_status, "after": to_status},
            **({"outcome": {"before": "", "after": outcome}} if outcome else {}),
        },
        reason=reason.strip(),
    )
    timeline.status_entry(case=locked, move=move, actor=actor)
    cooperation.log_step(actor=actor, case=locked, move=move)
    return move


def case_transition(
    *,
    actor,
    case: Case,
    to_status: str,
    reason: str = "",
    outcome: str = "",
    expected_version: int | None = None,
) -> Case:
    """Moves a case to `to_status` if the table allows it and every precondition holds;
    otherwise refuses, naming what is missing."""
    if to_status not in S.values:
        raise ValidationError({"to_status": _("Unknown status.")})
    permissions.require_work(actor, case)
    with transaction.atomic():
        locked = lock(case, expected_version)
        apply_transition(
            actor=actor, locked=locked, to_status=to_status, reason=reason, outcome=outcome
        )
    return locked
