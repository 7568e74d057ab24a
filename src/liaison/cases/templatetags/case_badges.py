"""A case's status and priority badges. Drawn in Python because the case list shows a
hundred of them: as template includes reading the fields' display labels (which translate
every choice of the field on each call) they were a fifth of the list's time. Each badge
is drawn once per status (or priority) and language, then kept."""

import functools
from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
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
    return mark_safe(_status_badge(case.status, get_language()))


@register.simple_tag
def priority_badge(case) -> SafeString:
    return mark_safe(_priority_badge(case.priority, get_language()))


# `language` keys the cache: the label is translated into the active language, which it is.
@functools.lru_cache(maxsize=256)
def _status_badge(status: str, language: str | None) -> str:
    style = STATUS_STYLES.get(status, "text-bg-info")
    label = escape(str(STATUS_LABELS.get(status, status)))
    return f'<span class="badge {style}" data-status="{escape(status)}">{label}</span>'


@functools.lru_cache(maxsize=256)
def _priority_badge(priority: str, language: str | None) -> str:
    if priority == Priority.URGENT:
        return (
            '<span class="badge text-bg-danger" data-priority="urgent">'
            f'<i class="bi bi-exclamation-octagon-fill"></i> {escape(_("Urgent"))}</span>'
        )
    style = PRIORITY_STYLES.get(priority, "text-bg-light border")
    label = escape(str(PRIORITY_LABELS.get(priority, priority)))
    return f'<span class="badge {style}" data-priority="{escape(priority)}">{label}</span>'
