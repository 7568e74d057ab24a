"""The lifecycles of casework as tables, declared on the engine of core.workflow: a case
(which status may follow which and what must be true first; not every case passes every
step) and a victim (where a person can be found next). `case_transition` is the only code
that changes `Case.status`, the people services the only code that changes a victim's; the
UI offers the moves these tables allow."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from liaison.core.choices import AuditAction
from liaison.core.models import User
from liaison.core.workflow import Move, Precondition, Rule, Wording, Workflow, history_rows

from . import derived, permissions
from .choices import ArrestStatus, EntryKind, Outcome, ReturnStatus, VictimStatus
from .choices import CaseStatus as S
from .models import Case, CaseTransition, Victim, VictimStatusChange
from .services import cooperation, timeline

# --- the case ----------------------------------------------------------------------------


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


def _close_or_reopen(move: Move[Case]) -> None:
    case, outcome = move.record, move.details.get("outcome", "")
    if move.to_status == S.CLOSED:
        if outcome not in Outcome.values:
            raise ValidationError({"outcome": _("Choose the outcome the case is closed with.")})
        case.outcome = outcome
        case.outcome_note = move.reason
    elif move.from_status == S.CLOSED:
        case.outcome = ""
    if outcome:
        move.changes["outcome"] = {"before": "", "after": outcome}


def _reached(move: Move[Case]) -> None:
    field = REACHED_AT.get(move.to_status)
    if field and getattr(move.record, field) is None:
        setattr(move.record, field, move.at)


def _keep_derived(move: Move[Case]) -> None:
    derived.status_changed(move.record, move.from_status)


def _status_entry(move: Move[Case]) -> None:
    timeline.status_entry(case=move.record, move=move.history, actor=move.actor)


def _log_cooperation(move: Move[Case]) -> None:
    cooperation.log_step(actor=move.actor, case=move.record, move=move.history)


def _case_changed_meanwhile(case: Case) -> str:
    return _(
        "Someone else changed this case while you were editing (it is now '%(status)s', "
        "version %(version)s). Reload the page to see their change, then try again."
    ) % {"status": S(case.status).label, "version": case.version}


CASES: Workflow[Case, CaseTransition] = Workflow(
    model=Case,
    statuses=S,
    transitions=TRANSITIONS,
    action_names=ACTION_NAMES,
    history=history_rows(CaseTransition, of="case"),
    wording=Wording(
        not_from=gettext_lazy(
            "%(action)s is not possible while the case is '%(current)s'; it is possible "
            "from %(sources)s."
        ),
        unreachable=gettext_lazy("A case cannot be moved to '%(to)s'."),
        needs_reason=gettext_lazy("Give the reason for this move."),
    ),
    stale_message=_case_changed_meanwhile,
    may_work=permissions.can_work,
    on_enter=(_close_or_reopen, _reached),
    after=(_keep_derived, _status_entry, _log_cooperation),
)

# The names the services, views and tests use, each the engine's.
refusal_message = CASES.refusal_message
moves_from = CASES.moves_from
available_moves = CASES.available_moves
lock = CASES.lock


def apply_transition(
    *, actor: User, locked: Case, to_status: str, reason: str = "", outcome: str = ""
) -> CaseTransition:
    """Moves a case whose row the caller has locked (inside its transaction)."""
    return CASES.apply(
        actor=actor,
        locked=locked,
        to_status=to_status,
        reason=reason,
        details={"outcome": outcome},
    )


def case_transition(
    *,
    actor: User,
    case: Case,
    to_status: str,
    reason: str = "",
    outcome: str = "",
    expected_version: int | None = None,
) -> Case:
    """Moves a case to `to_status` if the table allows it and every precondition holds;
    otherwise refuses, naming what is missing."""
    return CASES.transition(
        actor=actor,
        record=case,
        to_status=to_status,
        reason=reason,
        expected_version=expected_version,
        details={"outcome": outcome},
    )


# --- a victim ----------------------------------------------------------------------------

V = VictimStatus

# Where a victim can be found next. The steps forward are missing → located → confined →
# rescued → in protection → repatriated, and any of them may be skipped: a raid frees
# people nobody had located, a person who was only missing turns up safe at the embassy or
# at home. Steps back are real too and kept:
# - a victim located or held can be lost again: compounds move people across borders;
# - a victim can be confined again after a rescue: a person freed from one compound can be
#   caught, or lured, into another before the flight home; one who leaves a shelter or a
#   hospital is first lost (missing), then found wherever they are;
# - once home (repatriated), the case follows the person only to record a later death; a
#   new trip abroad and a new crime is a new report and a new case.
# Any living victim may be recorded as deceased. Nothing leaves "deceased" by a move: a
# death recorded by mistake is corrected (people.victim_correct_death), by the office or an
# administrator, with a reason, and audited as a correction.
# The statuses of a living victim, and those a death recorded by mistake is corrected to.
LIVING_STATUSES = [s for s in V.values if s != V.DECEASED]
_NEXT = {
    V.MISSING: (V.LOCATED, V.CONFINED, V.RESCUED, V.IN_PROTECTION, V.REPATRIATED),
    V.LOCATED: (V.MISSING, V.CONFINED, V.RESCUED, V.IN_PROTECTION, V.REPATRIATED),
    V.CONFINED: (V.MISSING, V.RESCUED, V.IN_PROTECTION),
    V.RESCUED: (V.MISSING, V.CONFINED, V.IN_PROTECTION, V.REPATRIATED),
    V.IN_PROTECTION: (V.MISSING, V.RESCUED, V.REPATRIATED),
    V.REPATRIATED: (),
}
VICTIM_TRANSITIONS: dict[tuple[str, str], Rule[Victim]] = {
    **{(source, target): Rule() for source, targets in _NEXT.items() for target in targets},
    **{(source, V.DECEASED): Rule() for source in LIVING_STATUSES},
}


def _since(move: Move[Victim]) -> None:
    move.record.status_since = move.at


def _victim_entry(move: Move[Victim]) -> None:
    victim = move.record
    if move.action == AuditAction.CORRECTION:
        body = _("%(victim)s: a death recorded by mistake, corrected to '%(to)s'") % {
            "victim": victim.display_name,
            "to": V(move.to_status).label,
        }
    else:
        body = _("%(victim)s: %(from)s → %(to)s") % {
            "victim": victim.display_name,
            "from": V(move.from_status).label,
            "to": V(move.to_status).label,
        }
    timeline.system_entry(
        case=victim.case,
        kind=EntryKind.VICTIM_STATUS,
        body=body + (f"\n{move.reason}" if move.reason else ""),
        actor=move.actor,
        at=move.at,
    )


def person_changed_meanwhile(person: object) -> str:
    """The refusal of a change to a victim or a suspect made from an older version."""
    return _(
        "Someone else changed %(who)s while you were editing. Reload the page to see "
        "their change, then try again."
    ) % {"who": person}


VICTIMS: Workflow[Victim, VictimStatusChange] = Workflow(
    model=Victim,
    statuses=V,
    transitions=VICTIM_TRANSITIONS,
    history=history_rows(VictimStatusChange, of="victim", reason_field="note"),
    wording=Wording(
        not_from=gettext_lazy(
            "A victim who is '%(current)s' cannot be recorded as '%(to)s'; the moves allowed "
            "from '%(current)s' are to %(allowed)s."
        ),
        unreachable=gettext_lazy("A victim cannot be recorded as '%(to)s'."),
        needs_reason=gettext_lazy("Give the reason for this move."),
    ),
    stale_message=person_changed_meanwhile,
    # A victim is worked as part of the case: who may work the case may move the victim.
    may_work=lambda user, victim: permissions.can_work(user, victim.case),
    subject=lambda victim: f"cases.case:{victim.case_id}",
    on_enter=(_since,),
    after=(_victim_entry,),
    status_input="status",
)
