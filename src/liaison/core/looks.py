"""Looks at personal data through a list or a search, recorded (CJIS AU-2, PIPA art. 29):
one VIEW entry per page of rows shown, naming the list and the filters it was read with.
A look at one record is `audit.record_viewed`; a list's entry carries no record id, so the
access review (core.access_review) tells the two apart."""

from __future__ import annotations

from collections.abc import Mapping

from django.db.models import QuerySet

from . import audit
from .choices import AuditAction
from .models import AuditEvent

# Not filters: where the reader is in the list, and what they asked the list to become.
NOT_FILTERS = ("page", "export", "sort")


def filters_text(query: Mapping[str, str]) -> str:
    """The filters of a list as the audit trail keeps them. Whatever must not be kept in
    clear (a passport number) is masked by the domain before it reaches this."""
    kept = "&".join(f"{key}={value}" for key, value in query.items() if key not in NOT_FILTERS)
    return "filters: " + (kept or "none")


def list_viewed(user, *, object_type: str, shown: str, filters: str) -> AuditEvent:
    """A page of a list or a search with personal data in it, as `user` saw it."""
    return audit.record(
        AuditAction.VIEW, actor=user, object_type=object_type, object_repr=shown, reason=filters
    )


AUDIT_TRAIL = "core.auditevent"


def audit_trail_read(user, *, shown: str, filters: str) -> AuditEvent:
    """The audit trail read, by page or API: who watches the watchers (CJIS AU-9). An
    export is recorded as the export it is (core.listing.export_audited)."""
    return list_viewed(user, object_type=AUDIT_TRAIL, shown=shown, filters=filters)


def trail_before(read: AuditEvent) -> QuerySet[AuditEvent]:
    """The trail as it stood when `read` was recorded: a read shows every entry before
    it and not itself, and the page and the API read alike."""
    return AuditEvent.objects.filter(pk__lt=read.pk)
