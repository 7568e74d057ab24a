"""Text that can be stored and shown: no NUL character (PostgreSQL refuses it in text and
JSON) and no lone surrogate (half of a UTF-16 pair, which no UTF-8 page or database can
hold: JSON's "\\ud800" decodes to one). Input carrying either is refused naming the field
(core.api_input for the API; the forms for the pages); text already stored with one is
shown with U+FFFD in its place."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
REPLACEMENT = "\ufffd"

NUL_MESSAGE = gettext_lazy("The text contains a NUL character, which cannot be stored.")
SURROGATE_MESSAGE = gettext_lazy(
    "The text contains an invalid character (half of a UTF-16 pair), which cannot be stored."
)


def problem(text: str) -> str | None:
    """Why `text` cannot be stored, or None when it can."""
    found = _UNSTORABLE.search(text)
    if found is None:
        return None
    return str(NUL_MESSAGE if found.group() == "\x00" else SURROGATE_MESSAGE)


def problems(value: Any, path: tuple = ()) -> list[tuple[tuple, str]]:
    """Every string in a JSON-like value (keys included) that cannot be stored, with the
    path to it."""
    if isinstance(value, str):
        reason = problem(value)
        return [(path, reason)] if reason else []
    found: list[tuple[tuple, str]] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and (reason := problem(key)):
                found.append(((*path, key), reason))
            found.extend(problems(item, (*path, key)))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            found.extend(problems(item, (*path, index)))
    return found


def storable(value: Any) -> Any:
    """`value` with every unstorable character replaced by U+FFFD, strings inside lists and
    dicts too: what was typed is kept, but can be written to any database and shown."""
    if isinstance(value, str):
        return _UNSTORABLE.sub(REPLACEMENT, value)
    if isinstance(value, dict):
        return {storable(key): storable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [storable(item) for item in value]
    return value


def validate_storable(text: str) -> None:
    """A form field's validator: refuses text that cannot be stored."""
    reason = problem(text)
    if reason:
        raise ValidationError(reason, code="unstorable")
