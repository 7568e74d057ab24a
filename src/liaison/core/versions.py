"""Optimistic versions. A record carries a `version`, read with the page or by the API
client and sent back with a change; a change made from an older version is refused, not
saved over someone else's (detect and tell). Every domain refuses the same way, with the
"stale" code that the pages and the API (409) recognise."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError


class StaleVersion(ValidationError):
    """A change sent from a version the record is no longer at. The API answers it 409 with
    the version the record is at now, so a client can reload and retry; a page shows the
    message on the form, with what was typed."""

    def __init__(self, message: str, *, current_version: int) -> None:
        super().__init__(message, code="stale")
        self.current_version = current_version


def require_version(record: Any, expected_version: int | None, message: str) -> None:
    """Refuses with `message` when `record`, read afresh under its lock, is no longer at
    `expected_version`; a change that names no version is not checked."""
    if expected_version is not None and record.version != expected_version:
        raise StaleVersion(message, current_version=record.version)
