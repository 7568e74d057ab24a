"""From a submitted application to a signed agreement: the validity review rounds, the
draft review and the agreed final text, the Commissioner General's decision, the signing."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison.core import audit
from liaison.core.models import User
from liaison.core.permissions import refuse

from .. import conf, permissions, workflow
from ..choices import AgreementStatus, DocumentKind, Rating, RenewalTerms, ReviewRecommendation
from ..models import Agreement, AgreementDocument, ValidityReview
from ..models.agreement import CRITERIA
from .documents import store_document

CRITERION_KEYS = [key for key, _label in CRITERIA]
SIGNING_FIELDS = [
    "signed_on",
    "signing_place",
    "signatory_home",
    "signatory_home_title",
    "signatory_partner",
    "signatory_partner_title",
    "signed_copy_id",
    "expires_on",
    "renewal",
    "result_report_due",
]
_OUTCOME: dict[str, AgreementStatus] = {
    ReviewRecommendation.PROCEED: AgreementStatus.DRAFT_REVIEW,
    ReviewRecommendation.REVISE: AgreementStatus.REVISION_REQUESTED,
    ReviewRecommendation.REJECT: AgreementStatus.REJECTED,
}


def agreement_start_review(
    *, actor: User, agreement: Agreement, expected_version: int | None = None
) -> Agreement:
    return workflow.agreement_transition(
        actor=actor,
        agreement=agreement,
        to_status=AgreementStatus.UNDER_VALIDITY_REVIEW,
        expected_version=expected_version,
    )


@transaction.atomic
def agreement_record_review(
    *,
    actor: User,
    agreement: Agreement,
    ratings: dict[str, str],
    comments: dict[str, str] | None = None,
    recommendation: str,
    summary: str = "",
    expected_version: int | None = None,
) -> ValidityReview:
    """One round of the validity review: the five criteria rated with comments and a
    recommendation, which moves the agreement on (proceed), back to the institution
    (revise) or ends it (reject). Earlier rounds are kept."""
    if not permissions.can_review(actor):
        refuse(actor, what="agreements.review")
    locked = workflow.lock(agreement, expected_version)
    errors = {}
    for key in CRITERION_KEYS:
        if ratings.get(key) not in Rating.values:
            errors[key] = _("Rate this criterion.")
    if recommendation not in ReviewRecommendation.values:
        errors["recommendation"] = _("Choose a recommendation.")
    elif recommendation != ReviewRecommendation.PROCEED and not summary.strip():
        errors["summary"] = _("Tell the institution what to revise, or why it is rejected.")
    if errors:
        raise ValidationError(errors)
    if locked.status == AgreementStatus.SUBMITTED:
        locked = workflow.apply_transition(
            actor=actor, locked=locked, to_status=AgreementStatus.UNDER_VALIDITY_REVIEW
        )
    if locked.status != AgreementStatus.UNDER_VALIDITY_REVIEW:
        raise ValidationError(
            _("A validity review is recorded for a submitted application; this one is '%(s)s'.")
            % {"s": locked.get_status_display()}
        )
    comments = comments or {}
    review = ValidityReview(
        agreement=locked,
        round=locked.reviews.count() + 1,
        reviewer=actor,
        at=timezone.now(),
        recommendation=recommendation,
        summary=summary.strip(),
        **{key: ratings[key] for key in CRITERION_KEYS},
        **{f"{key}_comment": (comments.get(key) or "").strip() for key in CRITERION_KEYS},
    )
    review.full_clean()
    review.save()
    audit.record_created(review, actor=actor)
    workflow.apply_transition(
        actor=actor, locked=locked, to_status=_OUTCOME[recommendation], reason=summary
    )
    return review


@transaction.atomic
def agreement_agree_final_text(
    *, actor: User, agreement: Agreement, document: AgreementDocument, comment: str = ""
) -> Agreement:
    """Marks one draft version as the text both sides agreed."""
    if not permissions.can_review(actor):
        refuse(actor, what="agreements.final_text")
    locked = workflow.lock(agreement)
    if locked.status != AgreementStatus.DRAFT_REVIEW:
        raise ValidationError(_("The final text is agreed during the draft review."))
    if document.agreement_id != locked.pk or document.kind != DocumentKind.DRAFT:
        raise ValidationError({"document": _("Choose a draft version of this agreement.")})
    before = audit.snapshot(locked, ["final_text_id"])
    locked.final_text = document
    locked.save(update_fields=["final_text", "updated_at"])
    audit.record_updated(locked, before, actor=actor, reason=comment.strip())
    return locked


@transaction.atomic
def agreement_decide(
    *,
    actor: User,
    agreement: Agreement,
    approve: bool,
    note: str = "",
    expected_version: int | None = None,
) -> Agreement:
    """The Commissioner General's decision on a reviewed agreement: approve for signing or
    reject."""
    if not permissions.can_decide(actor):
        refuse(actor, what="agreements.decide")
    locked = workflow.lock(agreement, expected_version)
    if approve:
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.decision_note = note.strip()
        locked.save(update_fields=["decided_by", "decided_at", "decision_note", "updated_at"])
    target = AgreementStatus.APPROVED if approve else AgreementStatus.REJECTED
    return workflow.apply_transition(actor=actor, locked=locked, to_status=target, reason=note)


@transaction.atomic
def agreement_sign(
    *,
    actor: User,
    agreement: Agreement,
    signed_on: datetime.date,
    place: str,
    signatory_home: str,
    signatory_partner: str,
    signed_copy,
    signatory_home_title: str = "",
    signatory_partner_title: str = "",
    expires_on: datetime.date | None = None,
    renewal: str = RenewalTerms.NONE,
    expected_version: int | None = None,
) -> Agreement:
    """Records the signing — date, place, signatories of both sides, the signed copy — and
    sets the result report's due date."""
    locked = workflow.lock(agreement, expected_version)
    if not permissions.acts_for(actor, locked):
        refuse(actor, what="agreements.sign")
    if signed_on and signed_on > timezone.localdate():
        raise ValidationError({"signed_on": _("The signing date cannot be in the future.")})
    before = audit.snapshot(locked, SIGNING_FIELDS)
    if signed_copy is not None:
        locked.signed_copy = store_document(
            actor=actor, locked=locked, kind=DocumentKind.SIGNED_COPY, upload=signed_copy
        )
    locked.signed_on = signed_on
    locked.signing_place = place.strip()
    locked.signatory_home = signatory_home.strip()
    locked.signatory_home_title = signatory_home_title.strip()
    locked.signatory_partner = signatory_partner.strip()
    locked.signatory_partner_title = signatory_partner_title.strip()
    locked.expires_on = expires_on
    locked.renewal = renewal
    if signed_on:
        locked.result_report_due = signed_on + datetime.timedelta(
            days=conf.result_report_due_days()
        )
    locked.full_clean()
    return workflow.apply_transition(
        actor=actor,
        locked=locked,
        to_status=AgreementStatus.SIGNED,
        changes=audit.diff(before, audit.snapshot(locked, SIGNING_FIELDS)),
    )
