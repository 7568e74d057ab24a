"""Statuses and kinds of the agreement (MOU) lifecycle."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", _("Draft application")
    SUBMITTED = "submitted", _("Submitted (reported to the Commissioner General)")
    UNDER_VALIDITY_REVIEW = "under_validity_review", _("Under validity review")
    REVISION_REQUESTED = "revision_requested", _("Revision requested")
    DRAFT_REVIEW = "draft_review", _("Draft text under review")
    APPROVED = "approved", _("Approved for signing")
    SIGNED = "signed", _("Signed (result report due)")
    ACTIVE = "active", pgettext_lazy("agreement status", "Active")
    TERMINATION_RECOMMENDED = "termination_recommended", _("Termination recommended")
    TERMINATED = "terminated", _("Terminated")
    EXPIRED = "expired", _("Expired")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# Statuses in which the application is still being prepared or reviewed.
PIPELINE_STATUSES = (
    AgreementStatus.DRAFT,
    AgreementStatus.SUBMITTED,
    AgreementStatus.UNDER_VALIDITY_REVIEW,
    AgreementStatus.REVISION_REQUESTED,
    AgreementStatus.DRAFT_REVIEW,
    AgreementStatus.APPROVED,
)
# Statuses of a concluded agreement that is in force: cooperation is logged under it.
IN_FORCE_STATUSES = (
    AgreementStatus.SIGNED,
    AgreementStatus.ACTIVE,
    AgreementStatus.TERMINATION_RECOMMENDED,
)
# Closed records stay in the registry, read-only.
CLOSED_STATUSES = (
    AgreementStatus.TERMINATED,
    AgreementStatus.EXPIRED,
    AgreementStatus.REJECTED,
    AgreementStatus.WITHDRAWN,
)


class AgreementType(models.TextChoices):
    MOU = "mou", _("Memorandum of understanding (MOU)")
    ARRANGEMENT = "arrangement", _("Arrangement")
    LETTER_OF_INTENT = "letter_of_intent", _("Letter of intent")
    AGREEMENT = "agreement", _("Agreement")
    PROTOCOL = "protocol", _("Protocol or addendum")
    OTHER = "other", _("Other")


class ScopeArea(models.TextChoices):
    INFORMATION_SHARING = "information_sharing", _("Information sharing")
    JOINT_OPERATIONS = "joint_operations", _("Joint operations and investigation")
    PERSONNEL_DISPATCH = "personnel_dispatch", _("Personnel dispatch (e.g. Korean Desk)")
    CASE_COOPERATION = "case_cooperation", _("Case cooperation")
    FUGITIVES = "fugitives", _("Extradition and repatriation of fugitives")
    NATIONALS_ABROAD = "nationals_abroad", _("Protection of nationals abroad")
    TRAINING = "training", _("Training and capacity building")
    OTHER = "other", _("Other")


# The scope areas under which the partner police cooperate on a case of ours: a request
# to a partner body about a case needs an agreement in force with it in one of them
# (agreements.coverage). The Joint Task Force MOUs name joint investigation and the
# protection of nationals rather than "case cooperation" itself.
CASE_COOPERATION_AREAS = frozenset(
    {
        ScopeArea.CASE_COOPERATION,
        ScopeArea.JOINT_OPERATIONS,
        ScopeArea.NATIONALS_ABROAD,
        ScopeArea.FUGITIVES,
    }
)


class Rating(models.TextChoices):
    STRONG = "strong", _("Strong")
    ADEQUATE = "adequate", _("Adequate")
    WEAK = "weak", _("Weak")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


class ReviewRecommendation(models.TextChoices):
    PROCEED = "proceed", _("Proceed")
    REVISE = "revise", _("Revise and resubmit")
    REJECT = "reject", _("Reject")


class DocumentKind(models.TextChoices):
    DRAFT = "draft", _("Draft text")
    SIGNED_COPY = "signed_copy", _("Signed copy")
    RESULT_REPORT = "result_report", _("Result report attachment")
    OTHER = "other", _("Other document")


class ActivityKind(models.TextChoices):
    MEETING = "meeting", _("Meeting")
    INFORMATION_EXCHANGE = "information_exchange", _("Information exchange")
    JOINT_OPERATION = "joint_operation", _("Joint operation")
    CASE_COOPERATION = "case_cooperation", _("Case worked together")
    FUGITIVE_RETURNED = "fugitive_returned", _("Fugitive extradited or repatriated")
    PERSONNEL_EXCHANGE = "personnel_exchange", _("Personnel exchanged or dispatched")
    TRAINING = "training", _("Training")
    OTHER = "other", _("Other")


class RenewalTerms(models.TextChoices):
    NONE = "none", _("No expiry or renewal clause")
    AUTOMATIC = "automatic", _("Renews automatically unless terminated")
    BY_AGREEMENT = "by_agreement", _("Renewed by mutual agreement")


class TerminationDecision(models.TextChoices):
    TERMINATE = "terminate", _("Terminate")
    KEEP = "keep", _("Keep")


class ReminderKind(models.TextChoices):
    APPLICATION = "application", _("Application closing")
    REVIEW = "review", _("Review pending before the signing")
    RESULT_REPORT = "result_report", _("Result report due")
    ANNUAL_REPORT = "annual_report", _("Annual report due")
    EXPIRY = "expiry", _("Expiry approaching")
