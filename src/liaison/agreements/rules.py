"""The regulation's rules as pure functions of dates and numbers: no database, no clock.
Services and the workflow call them; tests pin them at their edges."""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .conf import EffectivenessThresholds


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day of the month `months` calendar months earlier, or the last day of that
    month when it is shorter."""
    index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(index, 12)
    month += 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def submission_deadline(planned: datetime.date) -> datetime.date:
    """The last day an application may be submitted for an agreement planned for `planned`."""
    # The regulation counts calendar months, not 60 days: an MOU planned for 23 October
    # must be applied for by 23 August, one planned for 31 December by 31 October, and one
    # planned for 30 April by the last day of February (28th, or 29th in a leap year).
    return months_before(planned, 2)


def is_on_time(*, submitted: datetime.date, planned: datetime.date) -> bool:
    return submitted <= submission_deadline(planned)


def late_application_message(planned: datetime.date) -> str:
    return _(
        "The application is late: for a signing planned on %(planned)s it had to be "
        "submitted by %(deadline)s (two calendar months before). Only an exception granted "
        "by the International Cooperation Office, with a written reason, allows it."
    ) % {"planned": planned.isoformat(), "deadline": submission_deadline(planned).isoformat()}


def annual_report_due_on(year: int, due: tuple[int, int] = (1, 31)) -> datetime.date:
    """When the annual report for `year` is due: by default 31 January of the next year."""
    month, day = due
    last = calendar.monthrange(year + 1, month)[1]
    return datetime.date(year + 1, month, min(day, last))


def _years_text(years: list[int]) -> str:
    if len(years) == 1:
        return str(years[0])
    return _("%(first)s and %(last)s") % {
        "first": ", ".join(map(str, years[:-1])),
        "last": years[-1],
    }


@dataclass
class Assessment:
    """The result of the effectiveness rule for one agreement and year, in words."""

    verdict: str  # "effective", "ineffective" or "not_assessed"
    findings: list[str] = field(default_factory=list)
    thresholds: str = ""

    @property
    def is_ineffective(self) -> bool:
        return self.verdict == "ineffective"

    @property
    def text(self) -> str:
        return "; ".join(self.findings)


def thresholds_text(thresholds: EffectivenessThresholds) -> str:
    return _(
        "Ineffective when, over the last %(window)s calendar years, fewer than %(min)s "
        "cooperation activities are recorded or more than %(missing)s annual reports are "
        "missing."
    ) % {
        "window": thresholds.window_years,
        "min": thresholds.min_activities,
        "missing": thresholds.max_missing_reports,
    }


def assess_effectiveness(
    *,
    year: int,
    signed_on: datetime.date | None,
    activities_by_year: dict[int, int],
    reported_years: set[int],
    today: datetime.date,
    thresholds: EffectivenessThresholds,
    due: tuple[int, int] = (1, 31),
) -> Assessment:
    """Whether an agreement was effective over the window of years ending with `year`,
    with every finding that led there, e.g. "no recorded activity in 2023 and 2024;
    annual report for 2024 missing"."""
    rule = thresholds_text(thresholds)
    window = list(range(year - thresholds.window_years + 1, year + 1))
    if signed_on is None:
        return Assessment("not_assessed", [_("not signed")], rule)
    if signed_on.year >= window[0]:
        # A full window of years under the agreement is needed for a fair judgement.
        return Assessment(
            "not_assessed",
            [_("signed in %(year)s: too recent to assess") % {"year": signed_on.year}],
            rule,
        )
    findings: list[str] = []
    idle = [y for y in window if not activities_by_year.get(y)]
    total = sum(activities_by_year.get(y, 0) for y in window)
    if idle:
        findings.append(_("no recorded activity in %(years)s") % {"years": _years_text(idle)})
    if total:
        findings.append(
            ngettext(
                "%(n)s activity recorded in %(years)s",
                "%(n)s activities recorded in %(years)s",
                total,
            )
            % {"n": total, "years": _years_text(window)}
        )
    missing = [
        y for y in window if y not in reported_years and annual_report_due_on(y, due) < today
    ]
    if missing:
        findings.append(
            ngettext(
                "annual report for %(years)s missing",
                "annual reports for %(years)s missing",
                len(missing),
            )
            % {"years": _years_text(missing)}
        )
    ineffective = total < thresholds.min_activities or len(missing) > thresholds.max_missing_reports
    if not findings:
        findings.append(_("all annual reports submitted"))
    return Assessment("ineffective" if ineffective else "effective", findings, rule)
