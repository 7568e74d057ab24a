"""The workflow engine (core.workflow), declared here over a real domain's model (the
agreement, its history table and the audit trail) with a small table of its own, as the
next domain would declare its lifecycle."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from liaison.agreements.choices import AgreementStatus as S
from liaison.agreements.models import Agreement, AgreementTransition
from liaison.agreements.tests.factories import AgreementFactory
from liaison.core.choices import AuditAction, Role
from liaison.core.models import AuditEvent
from liaison.core.versions import StaleVersion
from liaison.core.workflow import Move, Precondition, Rule, Wording, Workflow, history_rows

pytestmark = pytest.mark.django_db

HAS_PURPOSE = Precondition(lambda a: None if a.purpose else "a purpose")
HAS_PLACE = Precondition(lambda a: None if a.signing_place else "a signing place")


def requester_only(user, agreement) -> bool:
    return user.role == Role.REQUESTER


def stamp_the_note(move: Move) -> None:
    """An on-enter hook: sets a field, and says so for the audit row."""
    move.record.notes = f"moved to {move.to_status}"
    move.changes["notes"] = {"before": "", "after": move.record.notes}


def refuse_a_late_reason(move: Move) -> None:
    """An on-enter hook that may still refuse the move."""
    if move.reason == "late":
        raise ValidationError({"reason": "Too late for that."})


followed: list = []

ENGINE = Workflow(
    model=Agreement,
    statuses=S,
    transitions={
        (S.DRAFT, S.SUBMITTED): Rule((HAS_PURPOSE, HAS_PLACE), label="Submit"),
        (S.REVISION_REQUESTED, S.SUBMITTED): Rule((HAS_PURPOSE,)),
        (S.DRAFT, S.WITHDRAWN): Rule(needs_reason=True, allowed=requester_only),
        (S.SUBMITTED, S.REJECTED): Rule(),
    },
    action_names={S.SUBMITTED: "Submitting"},
    history=history_rows(AgreementTransition, of="agreement"),
    wording=Wording(
        not_from="%(action)s is not possible from '%(current)s', only from %(sources)s; "
        "from '%(current)s' the moves are to %(allowed)s.",
        unreachable="Nothing leads to '%(to)s'.",
        needs_reason="%(action)s needs a reason.",
    ),
    stale_message=lambda a: f"Changed meanwhile: now version {a.version}.",
    on_enter=(refuse_a_late_reason, stamp_the_note),
    after=(lambda move: followed.append((move.to_status, move.history)),),
)


@pytest.fixture
def agreement(cambodia_police, institutions) -> Agreement:
    return AgreementFactory(
        counterpart=cambodia_police, institution=institutions.university, notes=""
    )


def move(agreement, actor, to_status, **kwargs):
    return ENGINE.transition(actor=actor, record=agreement, to_status=to_status, **kwargs)


def test_a_move_saves_the_record_and_writes_one_history_row_and_one_audit_row(agreement, personas):
    agreement.signing_place = "Phnom Penh"
    agreement.save()
    followed.clear()
    moved = move(agreement, personas.requester, S.SUBMITTED, reason="  On time. ")
    assert (moved.status, moved.version, moved.notes) == (
        S.SUBMITTED,
        agreement.version + 1,
        "moved to submitted",
    )
    row = AgreementTransition.objects.get(agreement=agreement)
    assert (row.from_status, row.to_status, row.actor, row.reason) == (
        S.DRAFT,
        S.SUBMITTED,
        personas.requester,
        "On time.",
    )
    entry = AuditEvent.objects.get(action=AuditAction.TRANSITION)
    assert (entry.actor, entry.object_type, entry.object_id, entry.reason) == (
        personas.requester,
        "agreements.agreement",
        str(agreement.pk),
        "On time.",
    )
    assert entry.changes == {
        "notes": {"before": "", "after": "moved to submitted"},
        "status": {"before": "draft", "after": "submitted"},
    }
    assert followed == [(S.SUBMITTED, row)]  # the after-hooks see the history row


def test_a_refusal_names_everything_missing(agreement, personas):
    agreement.purpose = ""
    agreement.save()
    with pytest.raises(ValidationError) as refused:
        move(agreement, personas.requester, S.SUBMITTED)
    assert refused.value.messages == ["Submitting needs a purpose and a signing place."]
    assert refused.value.code == "refused"
    assert not AgreementTransition.objects.exists()


def test_a_move_from_elsewhere_says_from_where_and_what_is_missing(agreement, personas):
    agreement.status, agreement.purpose = S.APPROVED, ""
    agreement.save()
    assert ENGINE.refusal_message(agreement, S.SUBMITTED) == (
        "Submitting is not possible from 'Approved for signing', only from 'Draft "
        "application', 'Revision requested'; from 'Approved for signing' the moves are to —. "
        "Submitting needs a purpose and a signing place."
    )
    assert ENGINE.refusal_message(agreement, S.ACTIVE) == "Nothing leads to 'Active'."


def test_the_moves_offered_are_those_the_user_may_make(agreement, personas):
    def offered(user):
        return [target for target, _rule in ENGINE.available_moves(user, agreement)]

    assert offered(personas.requester) == [S.SUBMITTED, S.WITHDRAWN]
    assert offered(personas.ico) == [S.SUBMITTED]
    assert [target for target, _rule in ENGINE.moves_from(agreement)] == offered(personas.requester)


def test_a_move_the_rule_does_not_allow_the_user_is_refused_403_and_audited(agreement, personas):
    with pytest.raises(PermissionDenied):
        move(agreement, personas.ico, S.WITHDRAWN, reason="Not needed.")
    refusal = AuditEvent.objects.get(action=AuditAction.ACCESS_DENIED)
    assert (refusal.actor, refusal.object_type) == (
        personas.ico,
        "agreements.transition:draft->withdrawn",
    )
    agreement.refresh_from_db()
    assert agreement.status == S.DRAFT


def test_a_move_that_needs_a_reason_is_refused_on_the_reason(agreement, personas):
    with pytest.raises(ValidationError) as refused:
        move(agreement, personas.requester, S.WITHDRAWN, reason=" ")
    assert refused.value.message_dict == {"reason": ["Withdrawn needs a reason."]}


def test_an_unknown_status_is_refused_on_its_input(agreement, personas):
    with pytest.raises(ValidationError) as refused:
        move(agreement, personas.requester, "archived")
    assert refused.value.message_dict == {"to_status": ["Unknown status."]}


def test_an_on_enter_hook_may_refuse_and_then_nothing_is_written(agreement, personas):
    with pytest.raises(ValidationError, match="Too late"):
        move(agreement, personas.requester, S.WITHDRAWN, reason="late")
    agreement.refresh_from_db()
    assert (agreement.status, agreement.notes) == (S.DRAFT, "")
    assert not AgreementTransition.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.TRANSITION).exists()


def test_a_stale_version_is_refused_with_the_version_now(agreement, personas):
    read = agreement.version
    move(agreement, personas.requester, S.WITHDRAWN, reason="Postponed.")
    with pytest.raises(StaleVersion) as refused:
        move(agreement, personas.requester, S.SUBMITTED, expected_version=read)
    assert refused.value.code == "stale"
    assert refused.value.current_version == read + 1
    assert refused.value.messages == [f"Changed meanwhile: now version {read + 1}."]


def test_a_correction_sets_a_status_no_move_leads_to_and_is_audited_as_one(agreement, personas):
    agreement.status = S.REJECTED
    agreement.save()
    locked = ENGINE.lock(agreement)
    with pytest.raises(ValidationError) as refused:
        ENGINE.correct(actor=personas.admin, locked=locked, to_status=S.SUBMITTED, reason="")
    assert "reason" in refused.value.message_dict
    row = ENGINE.correct(
        actor=personas.admin,
        locked=locked,
        to_status=S.SUBMITTED,
        reason="Rejected on the wrong file.",
    )
    assert (row.from_status, row.to_status, row.reason) == (
        S.REJECTED,
        S.SUBMITTED,
        "Rejected on the wrong file.",
    )
    entry = AuditEvent.objects.get(object_type="agreements.agreement")
    assert (entry.action, entry.actor, entry.reason) == (
        AuditAction.CORRECTION,
        personas.admin,
        "Rejected on the wrong file.",
    )
    assert entry.changes["status"] == {"before": "rejected", "after": "submitted"}
