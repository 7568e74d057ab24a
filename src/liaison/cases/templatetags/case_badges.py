"""A case's status and priority badges. Drawn in Python because the case list shows a
hundred of them: as template includes reading the fields' display labels (which translate
every choice of the field on each call) they were a fifth of the list's time."""

from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from ..choices import CaseStatus, Priority

register = template.Library()

STATUS_LABELS = dict(CaseStatus.choices)
PRIORITY_LABELS = dict(Priority.choices)
STATUS_STYLES = {CaseStatus.CLOSED: "text-bg-secondary", CaseStatus.RECEIVED: "text-bg-warning"}
PRIORITY_STYLES = {Priority.HIGH: "text-bg-warning"}


# html.escape and f-strings rather than format_html: the same escaping, without Django's
# lazy-string checks on every argument, for badges drawn a hundred times a page.


@register.simple_tag
def status_badge(case) -> SafeString:
    style = STATUS_STYLES.get(case.status, "text-bg-info")
    label = escape(str(STATUS_LABELS.get(case.status, case.status)))
    return mark_safe(
        f'<span class="badge {style}" data-status="{escape(case.status)}">{label}</span>'
    )


@register.simple_tag
def priority_badge(case) -> SafeString:
    if case.priority == Priority.URGENT:
        return mark_safe(
            '<span class="badge text-bg-danger" data-priority="urgent">'
            f'<i class="bi bi-exclamation-octagon-fill"></i> {escape(_("Urgent"))}</span>'
        )
    style = PRIORITY_STYLES.get(case.priority, "text-bg-light border")
    label = escape(str(PRIORITY_LABELS.get(case.priority, case.priority)))
    return mark_safe(
        f'<span class="badge {style}" data-priority="{escape(case.priority)}">{label}</span>'
    )
