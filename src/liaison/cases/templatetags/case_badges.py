"""A case's status and priority badges, drawn from their templates (cases/case/*_badge.html)
once per status (or priority) and language, then kept: the case list shows a hundred of
them, which drawn each time would cost as much as the rows around them."""

import functools

from django import template
from django.template.loader import get_template
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from ..choices import CaseStatus, Priority
from ..models import Case
from ..selectors import CaseRow

register = template.Library()

# The labels read from a dict: a field's display method translates every choice of the
# field on each call.
STATUS_LABELS = dict(CaseStatus.choices)
PRIORITY_LABELS = dict(Priority.choices)


@register.simple_tag
def status_badge(case: Case | CaseRow) -> SafeString:
    return status_badge_for(case.status)


@register.simple_tag
def priority_badge(case: Case | CaseRow) -> SafeString:
    return priority_badge_for(case.priority)


def status_badge_for(status: str, language: str | None = None) -> SafeString:
    """`language`: the active one, when the caller has already asked for it."""
    return _status_badge(status, language or get_language())


def priority_badge_for(priority: str, language: str | None = None) -> SafeString:
    return _priority_badge(priority, language or get_language())


# `language` keys the cache: the label is translated into the active language, which it is.
@functools.lru_cache(maxsize=256)
def _status_badge(status: str, language: str | None) -> SafeString:
    label = STATUS_LABELS.get(status, status)
    return get_template("cases/case/status_badge.html").render({"status": status, "label": label})


@functools.lru_cache(maxsize=256)
def _priority_badge(priority: str, language: str | None) -> SafeString:
    label = PRIORITY_LABELS.get(priority, priority)
    return get_template("cases/case/priority_badge.html").render(
        {"priority": priority, "label": label}
    )
