"""The agreement lifecycle as one table: which status may follow which, who may move it,
and what must be true first. `agreement_transition` is the only code that changes
`Agreement.status`; the UI offers exactly the moves this table allows."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from liaison.core import audit
from liaison.core.choices import AuditAction
from liaison.core.permissions import Perm, can, refuse
from liaison.core.versions import require_version
from liaison.core.wording import and_list

from . import rules
from .choices import AgreementStatus as S
from .choices import DocumentKind, ReviewRecommendation
from .models import Agreement, AgreementTransition


@dataclass(frozen=True)
class Precondition:
    """Something that must be true of the agreement; `missing` names it when it is not."""

    missing: Callable[[Agreement, datetime.date], str | None]


def _application_complete(a: Agreement, today) -> str | None:
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


def _draft_attached(a: Agreement, today) -> str | None:
    if a.documents.filter(kind=DocumentKind.DRAFT).exists():
        return None
    return _("a draft text attached")


def _on_time(a: Agreement, today) -> str | None:
    if a.planned_signing_on is None or a.has_exception:
        return None
    submitted = a.submitted_on or today
    if rules.is_on_time(submitted=submitted, planned=a.planned_signing_on):
        return None
    return _(
        "submission by %(deadline)s (two calendar months before the planned signing on "
        "%(planned)s) or an exception granted by the International Cooperation Office"
    ) % {
        "deadline": rules.submission_deadline(a.planned_signing_on).isoformat(),
        "planned": a.planned_signing_on.isoformat(),
    }


def _latest_review_is(recommendation: str) -> Callable:
    def check(a: Agreement, today) -> str | None:
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


def _final_text_agreed(a: Agreement, today) -> str | None:
    return None if a.final_text_id else _("an agreed final text")


def _decided(a: Agreement, today) -> str | None:
    return None if a.decided_at else _("a decision by the Commissioner General")


def _signing_details(a: Agreement, today) -> str | None:
    if a.signed_on and a.signing_place and a.signatory_home and a.signatory_partner:
        return None
    return _("the signing date, place and the signatories of both sides")


def _signed_copy(a: Agreement, today) -> str | None:
    return None if a.signed_copy_id else _("the signed copy uploaded")


def _result_report(a: Agreement, today) -> str | None:
    return None if hasattr(a, "result_report") else _("a result report")


def _expiry_passed(a: Agreement, today) -> str | None:
    if a.expires_on and a.expires_on < today:
        return None
    return _("an expiry date that has passed")


def _open_recommendation(a: Agreement, today) -> str | None:
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


@dataclass(frozen=True)
class Rule:
    """Who may make a move (`permission`; APPLY moves also need to act for the requesting
    institution), what must be true first, and whether a written reason is required."""

    permission: Perm
    preconditions: tuple[Precondition, ...] = ()
    needs_reason: bool = False
    label: str = ""


_SUBMIT = (APPLICATION, DRAFT_ATTACHED, ON_TIME)
_SIGN = (REVIEW_PROCEED, FINAL_TEXT, DECIDED, SIGNING_DETAILS, SIGNED_COPY)
_WITHDRAW = Rule(Perm.APPLY_AGREEMENTS, needs_reason=True, label=gettext_lazy("Withdraw"))

TRANSITIONS: dict[tuple[str, str], Rule] = {
    (S.DRAFT, S.SUBMITTED): Rule(Perm.APPLY_AGREEMENTS, _SUBMIT, label=gettext_lazy("Submit")),
    (S.REVISION_REQUESTED, S.SUBMITTED): Rule(
        Perm.APPLY_AGREEMENTS, _SUBMIT, label=gettext_lazy("Resubmit")
    ),
    (S.SUBMITTED, S.UNDER_VALIDITY_REVIEW): Rule(
        Perm.REVIEW_AGREEMENTS, label=gettext_lazy("Start the validity review")
    ),
    # The three outcomes of a validity review round (services.agreement_record_review).
    (S.UNDER_VALIDITY_REVIEW, S.DRAFT_REVIEW): Rule(Perm.REVIEW_AGREEMENTS, (REVIEW_PROCEED,)),
    (S.UNDER_VALIDITY_REVIEW, S.REVISION_REQUESTED): Rule(Perm.REVIEW_AGREEMENTS, (REVIEW_REVISE,)),
    (S.UNDER_VALIDITY_REVIEW, S.REJECTED): Rule(Perm.REVIEW_AGREEMENTS, (REVIEW_REJECT,)),
    (S.DRAFT_REVIEW, S.REVISION_REQUESTED): Rule(
        Perm.REVIEW_AGREEMENTS, needs_reason=True, label=gettext_lazy("Send the draft back")
    ),
    (S.DRAFT_REVIEW, S.APPROVED): Rule(Perm.DECIDE_AGREEMENTS, (REVIEW_PROCEED, FINAL_TEXT)),
    (S.DRAFT_REVIEW, S.REJECTED): Rule(Perm.DECIDE_AGREEMENTS, needs_reason=True),
    (S.APPROVED, S.SIGNED): Rule(Perm.APPLY_AGREEMENTS, _SIGN),
    (S.SIGNED, S.ACTIVE): Rule(Perm.APPLY_AGREEMENTS, (RESULT_REPORT,)),
    (S.ACTIVE, S.TERMINATION_RECOMMENDED): Rule(
        Perm.REVIEW_AGREEMENTS, (OPEN_RECOMMENDATION,), needs_reason=True
    ),
    (S.TERMINATION_RECOMMENDED, S.TERMINATED): Rule(Perm.DECIDE_AGREEMENTS, needs_reason=True),
    (S.TERMINATION_RECOMMENDED, S.ACTIVE): Rule(Perm.DECIDE_AGREEMENTS, needs_reason=True),
    (S.SIGNED, S.EXPIRED): Rule(Perm.REVIEW_AGREEMENTS, (EXPIRY_PASSED,)),
    (S.ACTIVE, S.EXPIRED): Rule(
        Perm.REVIEW_AGREEMENTS, (EXPIRY_PASSED,), label=gettext_lazy("Record the expiry")
    ),
    (S.TERMINATION_RECOMMENDED, S.EXPIRED): Rule(Perm.REVIEW_AGREEMENTS, (EXPIRY_PASSED,)),
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


def _today() -> datetime.date:
    return timezone.localdate()


def missing_for(agreement: Agreement, rule: Rule, today: datetime.date | None = None) -> list[str]:
    today = today or _today()
    return [m for p in rule.preconditions if (m := p.missing(agreement, today))]


def refusal_message(agreement: Agreement, to_status: str) -> str | None:
    """Why `agreement` cannot move to `to_status` now, naming everything missing; None when
    the table allows it and every precondition holds."""
    action = str(ACTION_NAMES.get(to_status, to_status))
    rule = TRANSITIONS.get((agreement.status, to_status))
    if rule is not None:
        missing = missing_for(agreement, rule)
        if not missing:
            return None
        return _("%(action)s needs %(missing)s.") % {"action": action, "missing": and_list(missing)}
    sources = [source for (source, target) in TRANSITIONS if target == to_status]
    current = S(agreement.status).label
    if not sources:
        return _("An agreement cannot be moved to '%(to)s'.") % {"to": S(to_status).label}
    # Name what is missing for the move as the table has it, so the person knows what to do.
    needed: list[str] = []
    for source in sources:
        for message in missing_for(agreement, TRANSITIONS[(source, to_status)]):
            if message not in needed:
                needed.append(message)
    sources_text = ", ".join(f"'{S(s).label}'" for s in sources)
    message = _(
        "%(action)s is not possible while the agreement is '%(current)s'; it is possible "
        "from %(sources)s."
    ) % {"action": action, "current": current, "sources": sources_text}
    if needed:
        message += " " + _("%(action)s needs %(missing)s.") % {
            "action": action,
            "missing": and_list(needed),
        }
    return message


def may_move(user, agreement: Agreement, rule: Rule) -> bool:
    from .permissions import acts_for

    if not can(user, rule.permission):
        return False
    if rule.permission == Perm.APPLY_AGREEMENTS:
        return acts_for(user, agreement)
    return True


def available_moves(user, agreement: Agreement) -> list[tuple[str, Rule]]:
    """The moves from the agreement's status this user may make (preconditions aside)."""
    return [
        (target, rule)
        for (source, target), rule in TRANSITIONS.items()
        if source == agreement.status and may_move(user, agreement, rule)
    ]


def lock(agreement: Agreement, expected_version: int | None = None) -> Agreement:
    """The agreement's row, locked until the end of the transaction, refreshed from the
    database; refused when someone else moved it since the caller read version N."""
    locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
    require_version(
        locked,
        expected_version,
        _(
            "Someone else changed this agreement in the meantime (it is now '%(status)s'). "
            "Reload the page and try again."
        )
        % {"status": S(locked.status).label},
    )
    return locked


def _on_enter(agreement: Agreement, to_status: str, now: datetime.datetime) -> None:
    if to_status == S.SUBMITTED:
        # Measured from the first submission: a resubmission after a revision is not late.
        agreement.submitted_on = agreement.submitted_on or timezone.localdate(now)
        # The regulation: the application is reported to the Commissioner General.
        agreement.reported_to_commissioner_at = now
    if to_status in (S.TERMINATED, S.EXPIRED, S.REJECTED, S.WITHDRAWN):
        agreement.ended_on = timezone.localdate(now)


def apply_transition(
    *, actor, locked: Agreement, to_status: str, reason: str = "", changes: dict | None = None
) -> Agreement:
    """Moves an agreement whose row the caller has locked (inside its transaction);
    `changes` adds the fields the calling service set to the audit entry."""
    rule = TRANSITIONS.get((locked.status, to_status))
    if rule is not None and not may_move(actor, locked, rule):
        raise PermissionDenied(_("Your role does not allow this move."))
    message = refusal_message(locked, to_status)
    if message:
        raise ValidationError(message, code="refused")
    if rule.needs_reason and not reason.strip():
        raise ValidationError(
            {
                "reason": _("%(action)s needs a written reason.")
                % {"action": ACTION_NAMES.get(to_status, to_status)}
            }
        )
    now = timezone.now()
    from_status = locked.status
    locked.status = to_status
    locked.version += 1
    _on_enter(locked, to_status, now)
    locked.save()
    AgreementTransition.objects.create(
        agreement=locked,
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
        changes={**(changes or {}), "status": {"before": from_status, "after": to_status}},
        reason=reason.strip(),
    )
    return locked


def agreement_transition(
    *,
    actor,
    agreement: Agreement,
    to_status: str,
    reason: str = "",
    expected_version: int | None = None,
) -> Agreement:
    """Moves an agreement to `to_status` if the table allows it, the actor may, and every
    precondition holds; otherwise refuses with a message naming what is missing."""
    if to_status not in S.values:
        raise ValidationError({"to_status": _("Unknown status.")})
    rule = TRANSITIONS.get((agreement.status, to_status))
    if rule is not None and not may_move(actor, agreement, rule):
        refuse(actor, what=f"agreements.transition:{agreement.status}->{to_status}")
    with transaction.atomic():
        locked = lock(agreement, expected_version)
        return apply_transition(actor=actor, locked=locked, to_status=to_status, reason=reason)
