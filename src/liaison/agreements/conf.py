"""The rule values the office may configure. Each can be set in Django settings (and from
the environment there); the defaults are those of the regulation as first deployed."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class EffectivenessThresholds:
    """When an agreement counts as ineffective; shown next to every assessment."""

    window_years: int = 2  # how many past calendar years are looked at
    min_activities: int = 1  # fewer recorded activities than this in the window: ineffective
    max_missing_reports: int = 1  # more missing annual reports than this: ineffective


def result_report_due_days() -> int:
    return int(getattr(settings, "LIAISON_RESULT_REPORT_DUE_DAYS", 30))


def annual_report_due() -> tuple[int, int]:
    """(month, day) in the year after the reported year; default 31 January."""
    month, day = getattr(settings, "LIAISON_ANNUAL_REPORT_DUE", (1, 31))
    return int(month), int(day)


def expiry_warning_days() -> int:
    return int(getattr(settings, "LIAISON_AGREEMENT_EXPIRY_WARNING_DAYS", 90))


def reminder_lead_days() -> int:
    """How many days ahead the reminder job warns of an application closing, a review
    pending before the signing, or a report falling due (expiries: expiry_warning_days)."""
    return int(getattr(settings, "LIAISON_REMINDER_LEAD_DAYS", 14))


def base_url() -> str:
    """The address people open Liaison at, for links in e-mails (e.g.
    https://liaison.police.go.kr); empty gives links relative to the site."""
    return str(getattr(settings, "LIAISON_BASE_URL", "")).rstrip("/")


def effectiveness_thresholds() -> EffectivenessThresholds:
    values = getattr(settings, "LIAISON_EFFECTIVENESS_THRESHOLDS", {}) or {}
    return EffectivenessThresholds(**values)


ALLOWED_DOCUMENT_TYPES = {
    "application/pdf": ".pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.oasis.opendocument.text": ".odt",
}
