"""A case's status and priority badges. Drawn in Python because the case list shows a
hundred of them: as template includes reading the fields' display labels (which translate
every choice of the field on each call) they were a fifth of the list's time."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from ..choices import CaseStatus, Priority

register = template.Library()

STATUS_LABELS = dict(CaseStatus.choices)
PRIORITY_LABELS = dict(Priority.choices)
STATUS_STYLES = {CaseStatus.CLOSED: "text-bg-secondary", CaseStatus.RECEIVED: "text-bg-warning"}
PRIORITY_STYLES = {Priority.HIGH: "text-bg-warning"}


@register.simple_tag
def status_badge(case) -> str:
    return format_html(
        '<span class="badge {}" data-status="{}">{}</span>',
        STATUS_STYLES.get(case.status, "text-bg-info"),
        case.status,
        STATUS_LABELS.get(case.status, case.status),
    )


@register.simple_tag
def priority_badge(case) -> str:
    if case.priority == Priority.URGENT:
        return format_html(
            '<span class="badge text-bg-danger" data-priority="urgent">'
            '<i class="bi bi-exclamation-octagon-fill"></i> {}</span>',
            _("Urgent"),
        )
    return format_html(
        '<span class="badge {}" data-priority="{}">{}</span>',
        PRIORITY_STYLES.get(case.priority, "text-bg-light border"),
        case.priority,
        PRIORITY_LABELS.get(case.priority, case.priority),
    )
