"""The agreement lifecycle as one table: which status may follow which, who may move it,
and what must be true first, declared on the engine of core.workflow.
`agreement_transition` is the only code that changes `Agreement.status`; the UI offers
exactly the moves this table allows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from liaison.core.models import User
from liaison.core.permissions import Perm
from liaison.core.workflow import Move, Precondition, Rule, Wording, Workflow, history_rows, holding

from . import rules
from .choices import AgreementStatus as S
from .choices import DocumentKind, ReviewRecommendation
from .models import Agreement, AgreementTransition
from .permissions import acts_for


def _application_complete(a: Agreement) -> str | None:
    gaps = [
        label
        for label, present in (
            (_("title"), a.title),
            (_("purpose"), a.purpose),
            (_("scope areas"), a.scope_areas),
            (_("planned signing date"), a.planned_signing_on),
        )
        if not present
    ]
    if gaps:
        return _("a complete application (missing: %(gaps)s)") % {"gaps": ", ".join(gaps)}
    return None


def _draft_attached(a: Agreement) -> str | None:
    if a.documents.filter(kind=DocumentKind.DRAFT).exists():
        return None
    return _("a draft text attached")


def _on_time(a: Agreement) -> str | None:
    if a.planned_signing_on is None or a.has_exception:
        return None
    submitted = a.submitted_on or timezone.localdate()
    if rules.is_on_time(submitted=submitted, planned=a.planned_signing_on):
        return None
    return _(
        "submission by %(deadline)s (two calendar months before the planned signing on "
        "%(planned)s) or an exception granted by the International Cooperation Office"
    ) % {
        "deadline": rules.submission_deadline(a.planned_signing_on).isoformat(),
        "planned": a.planned_signing_on.isoformat(),
    }


def _latest_review_is(recommendation: str) -> Callable[[Agreement], str | None]:
    def check(a: Agreement) -> str | None:
        latest = a.reviews.order_by("-round").first()
        if latest is not None and latest.recommendation == recommendation:
            # A review only counts for the round after the latest (re)submission.
            submitted = a.transitions.filter(to_status=S.SUBMITTED).order_by("-at").first()
            if submitted is None or latest.at >= submitted.at:
                return None
        return _("a completed validity review with recommendation '%(r)s'") % {
            "r": ReviewRecommendation(recommendation).label
        }

    return check


def _final_text_agreed(a: Agreement) -> str | None:
    return None if a.final_text_id else _("an agreed final text")


def _decided(a: Agreement) -> str | None:
    return None if a.decided_at else _("a decision by the Commissioner General")


def _signing_details(a: Agreement) -> str | None:
    if a.signed_on and a.signing_place and a.signatory_home and a.signatory_partner:
        return None
    return _("the signing date, place and the signatories of both sides")


def _signed_copy(a: Agreement) -> str | None:
    return None if a.signed_copy_id else _("the signed copy uploaded")


def _result_report(a: Agreement) -> str | None:
    return None if hasattr(a, "result_report") else _("a result report")


def _expiry_passed(a: Agreement) -> str | None:
    if a.expires_on and a.expires_on < timezone.localdate():
        return None
    return _("an expiry date that has passed")


def _open_recommendation(a: Agreement) -> str | None:
    if a.effectiveness_decisions.filter(decision="").exists():
        return None
    return _("a termination recommendation awaiting decision")


APPLICATION = Precondition(_application_complete)
DRAFT_ATTACHED = Precondition(_draft_attached)
ON_TIME = Precondition(_on_time)
REVIEW_PROCEED = Precondition(_latest_review_is(ReviewRecommendation.PROCEED))
REVIEW_REVISE = Precondition(_latest_review_is(ReviewRecommendation.REVISE))
REVIEW_REJECT = Precondition(_latest_review_is(ReviewRecommendation.REJECT))
FINAL_TEXT = Precondition(_final_text_agreed)
DECIDED = Precondition(_decided)
SIGNING_DETAILS = Precondition(_signing_details)
SIGNED_COPY = Precondition(_signed_copy)
RESULT_REPORT = Precondition(_result_report)
EXPIRY_PASSED = Precondition(_expiry_passed)
OPEN_RECOMMENDATION = Precondition(_open_recommendation)


# Who may make a move: the requesting institution's side (a requester of it, or the
# office acting for it), the office's reviewers, the Commissioner General's office.
APPLICANT = acts_for
REVIEWER = holding(Perm.REVIEW_AGREEMENTS)
DECIDER = holding(Perm.DECIDE_AGREEMENTS)

_SUBMIT = (APPLICATION, DRAFT_ATTACHED, ON_TIME)
_SIGN = (REVIEW_PROCEED, FINAL_TEXT, DECIDED, SIGNING_DETAILS, SIGNED_COPY)
_WITHDRAW = Rule(needs_reason=True, label=gettext_lazy("Withdraw"), allowed=APPLICANT)

TRANSITIONS: dict[tuple[str, str], Rule[Agreement]] = {
    (S.DRAFT, S.SUBMITTED): Rule(_SUBMIT, label=gettext_lazy("Submit"), allowed=APPLICANT),
    (S.REVISION_REQUESTED, S.SUBMITTED): Rule(
        _SUBMIT, label=gettext_lazy("Resubmit"), allowed=APPLICANT
    ),
    (S.SUBMITTED, S.UNDER_VALIDITY_REVIEW): Rule(
        label=gettext_lazy("Start the validity review"), allowed=REVIEWER
    ),
    # The three outcomes of a validity review round (services.agreement_record_review).
    (S.UNDER_VALIDITY_REVIEW, S.DRAFT_REVIEW): Rule((REVIEW_PROCEED,), allowed=REVIEWER),
    (S.UNDER_VALIDITY_REVIEW, S.REVISION_REQUESTED): Rule((REVIEW_REVISE,), allowed=REVIEWER),
    (S.UNDER_VALIDITY_REVIEW, S.REJECTED): Rule((REVIEW_REJECT,), allowed=REVIEWER),
    (S.DRAFT_REVIEW, S.REVISION_REQUESTED): Rule(
        needs_reason=True, label=gettext_lazy("Send the draft back"), allowed=REVIEWER
    ),
    (S.DRAFT_REVIEW, S.APPROVED): Rule((REVIEW_PROCEED, FINAL_TEXT), allowed=DECIDER),
    (S.DRAFT_REVIEW, S.REJECTED): Rule(needs_reason=True, allowed=DECIDER),
    (S.APPROVED, S.SIGNED): Rule(_SIGN, allowed=APPLICANT),
    (S.SIGNED, S.ACTIVE): Rule((RESULT_REPORT,), allowed=APPLICANT),
    (S.ACTIVE, S.TERMINATION_RECOMMENDED): Rule(
        (OPEN_RECOMMENDATION,), needs_reason=True, allowed=REVIEWER
    ),
    (S.TERMINATION_RECOMMENDED, S.TERMINATED): Rule(needs_reason=True, allowed=DECIDER),
    (S.TERMINATION_RECOMMENDED, S.ACTIVE): Rule(needs_reason=True, allowed=DECIDER),
    (S.SIGNED, S.EXPIRED): Rule((EXPIRY_PASSED,), allowed=REVIEWER),
    (S.ACTIVE, S.EXPIRED): Rule(
        (EXPIRY_PASSED,), label=gettext_lazy("Record the expiry"), allowed=REVIEWER
    ),
    (S.TERMINATION_RECOMMENDED, S.EXPIRED): Rule((EXPIRY_PASSED,), allowed=REVIEWER),
    **{
        (source, S.WITHDRAWN): _WITHDRAW
        for source in (
            S.DRAFT,
            S.SUBMITTED,
            S.UNDER_VALIDITY_REVIEW,
            S.REVISION_REQUESTED,
            S.DRAFT_REVIEW,
            S.APPROVED,
        )
    },
}

# How a move to each status is called in a refusal: "Signing needs …".
ACTION_NAMES = {
    S.SUBMITTED: gettext_lazy("Submission"),
    S.UNDER_VALIDITY_REVIEW: gettext_lazy("Starting the validity review"),
    S.REVISION_REQUESTED: gettext_lazy("Requesting a revision"),
    S.DRAFT_REVIEW: gettext_lazy("Moving to the draft review"),
    S.APPROVED: gettext_lazy("Approval"),
    S.SIGNED: gettext_lazy("Signing"),
    S.ACTIVE: gettext_lazy("Activation"),
    S.TERMINATION_RECOMMENDED: gettext_lazy("Recommending termination"),
    S.TERMINATED: gettext_lazy("Termination"),
    S.EXPIRED: gettext_lazy("Recording the expiry"),
    S.REJECTED: gettext_lazy("Rejection"),
    S.WITHDRAWN: gettext_lazy("Withdrawal"),
}


def _on_enter(move: Move[Agreement]) -> None:
    agreement = move.record
    if move.to_status == S.SUBMITTED:
        # Measured from the first submission: a resubmission after a revision is not late.
        agreement.submitted_on = agreement.submitted_on or timezone.localdate(move.at)
        # The regulation: the application is reported to the Commissioner General.
        agreement.reported_to_commissioner_at = move.at
    if move.to_status in (S.TERMINATED, S.EXPIRED, S.REJECTED, S.WITHDRAWN):
        agreement.ended_on = timezone.localdate(move.at)


def _changed_meanwhile(agreement: Agreement) -> str:
    return _(
        "Someone else changed this agreement in the meantime (it is now '%(status)s'). "
        "Reload the page and try again."
    ) % {"status": S(agreement.status).label}


AGREEMENTS: Workflow[Agreement, AgreementTransition] = Workflow(
    model=Agreement,
    statuses=S,
    transitions=TRANSITIONS,
    action_names=ACTION_NAMES,
    history=history_rows(AgreementTransition, of="agreement"),
    wording=Wording(
        not_from=gettext_lazy(
            "%(action)s is not possible while the agreement is '%(current)s'; it is possible "
            "from %(sources)s."
        ),
        unreachable=gettext_lazy("An agreement cannot be moved to '%(to)s'."),
        needs_reason=gettext_lazy("%(action)s needs a written reason."),
    ),
    stale_message=_changed_meanwhile,
    on_enter=(_on_enter,),
)

# The names the services, views and tests use, each the engine's.
refusal_message = AGREEMENTS.refusal_message
available_moves = AGREEMENTS.available_moves
lock = AGREEMENTS.lock


def apply_transition(
    *,
    actor: User,
    locked: Agreement,
    to_status: str,
    reason: str = "",
    changes: dict[str, Any] | None = None,
) -> Agreement:
    """Moves an agreement whose row the caller has locked (inside its transaction);
    `changes` adds the fields the calling service set to the audit entry."""
    AGREEMENTS.apply(
        actor=actor, locked=locked, to_status=to_status, reason=reason, changes=changes
    )
    return locked


def agreement_transition(
    *,
    actor: User,
    agreement: Agreement,
    to_status: str,
    reason: str = "",
    expected_version: int | None = None,
) -> Agreement:
    """Moves an agreement to `to_status` if the table allows it, the actor may, and every
    precondition holds; otherwise refuses with a message naming what is missing."""
    return AGREEMENTS.transition(
        actor=actor,
        record=agreement,
        to_status=to_status,
        reason=reason,
        expected_version=expected_version,
    )
