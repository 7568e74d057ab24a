"""Agreements (MOUs) with foreign police: the application and its review, the documents,
and the life of a signed agreement (activities, reports, effectiveness decisions)."""

from .agreement import (
    Agreement,
    AgreementDocument,
    AgreementTransition,
    Occasion,
    ValidityReview,
    agreement_reference,
)
from .life import (
    AnnualReport,
    CooperationActivity,
    EffectivenessDecision,
    Reminder,
    ResultReport,
)

__all__ = [
    "Agreement",
    "AgreementDocument",
    "AgreementTransition",
    "AnnualReport",
    "CooperationActivity",
    "EffectivenessDecision",
    "Occasion",
    "Reminder",
    "ResultReport",
    "ValidityReview",
    "agreement_reference",
]
