"""Optimistic versions. A record carries a `version`, read with the page or by the API
client and sent back with a change; a change made from an older version is refused, not
saved over someone else's (detect and tell). Every domain refuses the same way, with the
"stale" code that the pages and the API (409) recognise."""

from __future__ import annotations

from django.core.exceptions import ValidationError


def require_version(record, expected_version: int | None, message: str) -> None:
    """Refuses with `message` when `record`, read afresh under its lock, is no longer at
    `expected_version`; a change that names no version is not checked."""
    if expected_version is not None and record.version != expected_version:
        raise ValidationError(message, code="stale")
