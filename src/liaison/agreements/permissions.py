"""Who may do what with an agreement: plain predicates over the user's role (core
permissions) and the agreement's requesting institution."""

from __future__ import annotations

from liaison.core.choices import Role
from liaison.core.permissions import Perm, can

from .choices import CLOSED_STATUSES, AgreementStatus


def _institution_ids(user) -> set[int]:
    # Cached on the user object for the request: a requester acts for their institution
    # and the institutions below it.
    cached = getattr(user, "_agreement_institution_ids", None)
    if cached is None:
        cached = user.institution.subtree_ids() if user.institution_id else set()
        user._agreement_institution_ids = cached
    return cached


def acts_for(user, agreement) -> bool:
    """The user speaks for the agreement's requesting institution: a requester of it (or
    of an institution above it), or the International Cooperation Office."""
    if not can(user, Perm.APPLY_AGREEMENTS):
        return False
    if user.role == Role.REQUESTER:
        return agreement.institution_id in _institution_ids(user)
    return True


def can_apply(user) -> bool:
    return can(user, Perm.APPLY_AGREEMENTS)


def can_review(user) -> bool:
    return can(user, Perm.REVIEW_AGREEMENTS)


def can_decide(user) -> bool:
    return can(user, Perm.DECIDE_AGREEMENTS)


def can_edit_application(user, agreement) -> bool:
    return acts_for(user, agreement) and agreement.status in (
        AgreementStatus.DRAFT,
        AgreementStatus.REVISION_REQUESTED,
    )


def can_upload(user, agreement) -> bool:
    return agreement.status not in CLOSED_STATUSES and (
        acts_for(user, agreement) or can_review(user)
    )


def can_report(user, agreement) -> bool:
    """Result reports, annual reports and the activity log are the institution's to write."""
    return acts_for(user, agreement)


def can_grant_exception(user) -> bool:
    return can_review(user)


def can_record_activity(user, agreement) -> bool:
    """The institution and the office log cooperation; so do overseas officers, who work
    the cases with the partner police that other domains link to the agreement."""
    if acts_for(user, agreement):
        return True
    return can(user, Perm.VIEW_AGREEMENTS) and user.role == Role.OVERSEAS_OFFICER
