import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from liaison.agreements import services
from liaison.agreements.choices import AgreementStatus as S
from liaison.agreements.choices import DocumentKind, ReviewRecommendation
from liaison.agreements.models import AgreementTransition
from liaison.agreements.workflow import TRANSITIONS
from liaison.core.choices import AuditAction
from liaison.core.models import AuditEvent

from .conftest import ratings
from .factories import pdf


def test_the_happy_path_writes_one_history_row_per_step(draft, walk):
    agreement = walk.to(draft, "active")
    steps = list(agreement.transitions.values_list("from_status", "to_status"))
    assert steps == [
        (S.DRAFT, S.SUBMITTED),
        (S.SUBMITTED, S.UNDER_VALIDITY_REVIEW),
        (S.UNDER_VALIDITY_REVIEW, S.DRAFT_REVIEW),
        (S.DRAFT_REVIEW, S.APPROVED),
        (S.APPROVED, S.SIGNED),
        (S.SIGNED, S.ACTIVE),
    ]
    assert agreement.version == 6
    assert agreement.result_report_due == timezone.localdate() + datetime.timedelta(days=30)


def test_a_transition_writes_exactly_one_audit_row(draft, personas):
    services.agreement_submit(actor=personas.requester, agreement=draft)
    entry = AuditEvent.objects.get(action=AuditAction.TRANSITION, object_id=str(draft.pk))
    assert entry.actor == personas.requester
    assert entry.object_type == "agreements.agreement"
    assert entry.changes == {"status": {"before": "draft", "after": "submitted"}}
    row = AgreementTransition.objects.get(agreement=draft)
    assert (row.actor, row.from_status, row.to_status) == (personas.requester, "draft", "submitted")


def test_submission_is_reported_to_the_commissioner_general(draft, personas):
    agreement = services.agreement_submit(actor=personas.requester, agreement=draft)
    assert agreement.reported_to_commissioner_at is not None
    assert agreement.submitted_on == timezone.localdate()


def test_signing_before_the_review_is_refused_naming_what_is_missing(draft, personas):
    with pytest.raises(ValidationError) as refused:
        services.agreement_transition(actor=personas.ico, agreement=draft, to_status=S.SIGNED)
    message = refused.value.messages[0]
    assert "Signing needs a completed validity review with recommendation 'Proceed'" in message
    assert "an agreed final text" in message
    assert "the signed copy uploaded" in message


def test_signing_needs_the_signing_details(draft, walk, personas):
    agreement = walk.to(draft, "approved")
    with pytest.raises(ValidationError, match="signatories of both sides"):
        services.agreement_transition(
            actor=personas.requester, agreement=agreement, to_status=S.SIGNED
        )


def test_submission_without_a_draft_text_is_refused(personas, institutions, cambodia_police):
    from .factories import AgreementFactory

    agreement = AgreementFactory(
        counterpart=cambodia_police, institution=institutions.university, purpose=""
    )
    with pytest.raises(ValidationError) as refused:
        services.agreement_submit(actor=personas.requester, agreement=agreement)
    assert refused.value.messages == [
        "Submission needs a complete application (missing: purpose) and a draft text attached."
    ]


def test_a_revise_round_goes_back_to_the_institution_and_the_history_is_kept(draft, personas):
    agreement = services.agreement_submit(actor=personas.requester, agreement=draft)
    services.agreement_record_review(
        actor=personas.ico,
        agreement=agreement,
        ratings=ratings(),
        recommendation=ReviewRecommendation.REVISE,
        summary="State how information will be protected.",
    )
    agreement.refresh_from_db()
    assert agreement.status == S.REVISION_REQUESTED
    services.agreement_update(actor=personas.requester, agreement=agreement, purpose="Revised.")
    agreement = services.agreement_submit(actor=personas.requester, agreement=agreement)
    # The earlier round's "revise" does not let the resubmission skip a new review.
    with pytest.raises(ValidationError, match="recommendation 'Proceed'"):
        services.agreement_transition(
            actor=personas.ico, agreement=agreement, to_status=S.DRAFT_REVIEW
        )
    services.agreement_record_review(
        actor=personas.ico,
        agreement=agreement,
        ratings=ratings(),
        recommendation=ReviewRecommendation.PROCEED,
    )
    agreement.refresh_from_db()
    assert agreement.status == S.DRAFT_REVIEW
    assert list(agreement.reviews.values_list("round", "recommendation")) == [
        (1, "revise"),
        (2, "proceed"),
    ]


def test_a_revise_or_reject_recommendation_needs_comments(draft, personas):
    agreement = services.agreement_submit(actor=personas.requester, agreement=draft)
    with pytest.raises(ValidationError) as refused:
        services.agreement_record_review(
            actor=personas.ico,
            agreement=agreement,
            ratings=ratings(),
            recommendation=ReviewRecommendation.REJECT,
        )
    assert "summary" in refused.value.message_dict


def test_a_requester_cannot_review_and_the_office_cannot_decide(draft, personas):
    agreement = services.agreement_submit(actor=personas.requester, agreement=draft)
    with pytest.raises(PermissionDenied):
        services.agreement_record_review(
            actor=personas.requester,
            agreement=agreement,
            ratings=ratings(),
            recommendation=ReviewRecommendation.PROCEED,
        )
    with pytest.raises(PermissionDenied):
        services.agreement_decide(actor=personas.ico, agreement=agreement, approve=True)


def test_a_requester_of_another_institution_cannot_submit(draft, personas):
    with pytest.raises(PermissionDenied):
        services.agreement_submit(actor=personas.outsider, agreement=draft)


def test_withdrawal_needs_a_reason(draft, personas):
    with pytest.raises(ValidationError) as refused:
        services.agreement_transition(
            actor=personas.requester, agreement=draft, to_status=S.WITHDRAWN
        )
    assert "reason" in refused.value.message_dict
    withdrawn = services.agreement_transition(
        actor=personas.requester, agreement=draft, to_status=S.WITHDRAWN, reason="Not needed."
    )
    assert withdrawn.ended_on == timezone.localdate()


def test_a_closed_agreement_cannot_move_again(draft, personas):
    services.agreement_transition(
        actor=personas.requester, agreement=draft, to_status=S.WITHDRAWN, reason="No."
    )
    draft.refresh_from_db()
    with pytest.raises(ValidationError, match="not possible while the agreement is 'Withdrawn'"):
        services.agreement_submit(actor=personas.requester, agreement=draft)


def test_a_stale_version_is_refused(draft, personas):
    version = draft.version
    services.agreement_submit(actor=personas.requester, agreement=draft, expected_version=version)
    with pytest.raises(ValidationError, match="Someone else changed this agreement"):
        services.agreement_transition(
            actor=personas.requester,
            agreement=draft,
            to_status=S.WITHDRAWN,
            reason="Changed our mind.",
            expected_version=version,
        )


def test_the_final_text_must_be_a_draft_of_the_same_agreement(draft, walk, personas):
    agreement = walk.to(draft, "draft_review")
    services.document_upload(
        actor=personas.requester, agreement=agreement, kind=DocumentKind.DRAFT, upload=pdf("v2.pdf")
    )
    versions = list(agreement.documents.filter(kind=DocumentKind.DRAFT).order_by("version"))
    assert [d.version for d in versions] == [1, 2]
    services.agreement_agree_final_text(
        actor=personas.ico, agreement=agreement, document=versions[1]
    )
    agreement.refresh_from_db()
    assert agreement.final_text == versions[1]


def test_termination_recommendation_and_decision(draft, walk, personas):
    agreement = walk.to(draft, "active")
    decision = services.termination_recommend(
        actor=personas.ico, agreement=agreement, recommendation="No cooperation since 2023."
    )
    assert decision.assessment
    services.termination_decide(
        actor=personas.commissioner,
        agreement=agreement,
        decision="terminate",
        justification="Confirmed with the partner.",
    )
    agreement.refresh_from_db()
    assert agreement.status == S.TERMINATED


def test_every_rule_in_the_table_names_a_known_status():
    for source, target in TRANSITIONS:
        assert source in S.values
        assert target in S.values
