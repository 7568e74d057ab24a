"""Human references for reports and cases: R-2026-000042, C-2026-000017, numbered by id."""

from __future__ import annotations

import uuid

from django.utils import timezone


def provisional() -> str:
    return "~" + uuid.uuid4().hex[:18]


def assign(obj, prefix: str) -> None:
    """Gives a just-saved report or case its reference, from the year and its id."""
    year = timezone.localtime(obj.created_at or timezone.now()).year
    obj.reference = f"{prefix}-{year}-{obj.pk:06d}"
    type(obj).objects.filter(pk=obj.pk).update(reference=obj.reference)
