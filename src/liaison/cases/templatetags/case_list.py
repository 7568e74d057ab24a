"""The rows of the case list, drawn in Python. A page holds fifty rows of a dozen cells;
through the template engine they were a third of the page's time, written here they are
a few hundredths of a millisecond each. The markup is the list template's: the header,
filters and pagination stay there."""

from html import escape

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from liaison.agreements.models import agreement_reference

from ..choices import Priority
from .case_badges import priority_badge, status_badge

register = template.Library()

ROW = (
    '<tr data-case="{pk}" class="{urgent}">'
    '<td class="text-nowrap"><a href="{url}">{reference}</a></td>'
    '<td><a href="{url}">{title}</a> {illustrative}</td>'
    "<td>{status}</td><td>{priority}</td><td>{overdue}</td>"
    '<td class="text-nowrap">{country}</td>'
    '<td class="small">{where}</td>'
    '<td class="text-nowrap small">{reported}</td>'
    '<td class="small">{post}</td>'
    '<td class="small" data-victims="{victims}">{victims}</td>'
    "{names}"
    '<td class="small text-nowrap">{agreement}</td></tr>'
)


def _url_maker(name: str):
    """pk -> the URL of view `name`, reversed once per page rather than once per row (a
    reverse() costs as much as the rest of a row)."""
    marker = str(2**31 - 1)
    head, tail = reverse(name, args=[marker]).split(marker)
    return lambda pk: f"{head}{pk}{tail}"


@register.simple_tag
def case_rows(cases, personal: bool) -> SafeString:
    """The `<tr>` of each case (`selectors.CaseRow`), or one row saying none matched."""
    if not cases:
        return format_html(
            '<tr><td colspan="12" class="text-body-secondary">{}</td></tr>', _("No cases match.")
        )
    illustrative = format_html(
        '<span class="badge text-bg-warning illustrative-badge" title="{}">'
        '<i class="bi bi-easel"></i> {}</span>',
        _("Illustrative demo data: not a real record"),
        _("Illustrative"),
    )
    page = {
        "illustrative": illustrative,
        "overdue": escape(_("Overdue")),
        "case_url": _url_maker("cases:detail"),
        "agreement_url": _url_maker("agreements:detail"),
    }
    # Every value in a row is escaped in _row.
    return mark_safe("".join(_row(case, personal, **page) for case in cases))


def _row(case, personal: bool, *, illustrative, overdue, case_url, agreement_url) -> str:
    # html.escape, not format_html: the same escaping, without Django's lazy-string checks
    # on every argument (they were most of the time of a row).
    overdue_badge = ""
    if case.overdue:
        steps = escape(", ".join(str(step) for step in case.overdue))
        overdue_badge = (
            f'<span class="badge text-bg-danger" data-overdue="true" title="{steps}">'
            f'<i class="bi bi-alarm"></i> {overdue}</span>'
        )
    agreement = "—"
    if case.agreement_id:
        reference = escape(agreement_reference(case.agreement_id))
        agreement = f'<a href="{escape(agreement_url(case.agreement_id))}">{reference}</a>'
    names = f'<td class="small">{escape(case.victim_names)}</td>' if personal else ""
    return ROW.format(
        pk=case.pk,
        urgent="case-urgent" if case.priority == Priority.URGENT else "",
        url=escape(case_url(case.pk)),
        reference=escape(case.reference),
        title=escape(case.title),
        illustrative=illustrative if case.is_illustrative else "",
        status=status_badge(case),
        priority=priority_badge(case),
        overdue=overdue_badge,
        country=escape(case.country),
        where=escape(case.where or "—"),
        reported=escape(case.reported),
        post=escape(case.post or "—"),
        victims=case.victim_count,
        names=names,
        agreement=agreement,
    )
