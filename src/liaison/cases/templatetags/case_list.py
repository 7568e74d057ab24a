"""The rows of the case list (cases/case/rows.html). A page holds fifty rows of a dozen
cells, so what a row shows is worked out here once, as plain values the template reads
with one dictionary lookup each: the links (one reverse() per page), the badges (drawn
once per language, case_badges) and the targets missed. The header, filters and
pagination are the list template's."""

from collections.abc import Callable

from django import template
from django.template.loader import get_template
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from liaison.agreements.models import agreement_reference

from ..choices import Priority
from ..selectors import CaseRow
from .case_badges import priority_badge_for, status_badge_for

register = template.Library()


def _url_maker(name: str) -> Callable[[int], str]:
    """pk -> the URL of view `name`, reversed once per page rather than once per row (a
    reverse() costs as much as the rest of a row)."""
    marker = str(2**31 - 1)
    head, tail = reverse(name, args=[marker]).split(marker)
    return lambda pk: f"{head}{pk}{tail}"


def _illustrative_badge() -> SafeString:
    # Drawn once per page: on the demo's and the benchmark's pages every row carries it.
    return get_template("illustrative_badge.html").render({"record": {"is_illustrative": True}})


@register.inclusion_tag("cases/case/rows.html")
def case_rows(cases: list[CaseRow], personal: bool) -> dict:
    """The `<tr>` of each case (`selectors.CaseRow`), or one row saying none matched."""
    page = {
        "case_url": _url_maker("cases:detail"),
        "agreement_url": _url_maker("agreements:detail"),
        "language": get_language(),
        "illustrative": _illustrative_badge() if cases else "",
    }
    return {"rows": [_row(case, **page) for case in cases], "personal": personal}


def _row(
    case: CaseRow,
    *,
    case_url: Callable[[int], str],
    agreement_url: Callable[[int], str],
    language: str | None,
    illustrative: SafeString | str,
) -> dict:
    agreement = case.agreement_id
    return {
        # Numbers as text: the template would pass each through the locale's number format.
        "pk": str(case.pk),
        "url": case_url(case.pk),
        "urgent": case.priority == Priority.URGENT,
        "reference": case.reference,
        "title": case.title,
        "illustrative": illustrative if case.is_illustrative else "",
        "status_badge": status_badge_for(case.status, language),
        "priority_badge": priority_badge_for(case.priority, language),
        "overdue": ", ".join(map(str, case.overdue)) if case.overdue else "",
        "country": case.country,
        "where": case.where or "—",
        "reported": case.reported,
        "post": case.post or "—",
        "victims": str(case.victim_count),
        "victim_names": case.victim_names,
        "agreement": agreement_reference(agreement) if agreement else "",
        "agreement_url": agreement_url(agreement) if agreement else "",
    }
