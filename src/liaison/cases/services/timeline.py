"""The case timeline: notes, calls, messages to and from the partner police, documents
(kept with their SHA-256), and the entries the services write as things happen."""

from __future__ import annotations

import datetime
import hashlib

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison.core import audit, uploads
from liaison.core.choices import AuditAction
from liaison.core.models import User

from .. import documents, permissions
from ..choices import WRITTEN_ENTRY_KINDS, CaseStatus, EntryKind
from ..models import Case, CaseTransition, TimelineEntry

ENTRY_AUDIT_FIELDS = ["case_id", "kind", "at", "counterpart", "file_name", "file_sha256"]


def _entry(**fields) -> TimelineEntry:
    entry = TimelineEntry(**fields)
    entry.save()
    return entry


def system_entry(
    *,
    case: Case,
    kind: str,
    body: str,
    actor: User | None = None,
    at: datetime.datetime | None = None,
) -> TimelineEntry:
    """An entry written by a service (status change, request, report attached)."""
    return _entry(
        case=case,
        kind=kind,
        at=at or timezone.now(),
        author=actor if getattr(actor, "is_authenticated", False) else None,
        body=body,
        is_illustrative=case.is_illustrative,
    )


def status_entry(*, case: Case, move: CaseTransition, actor: User) -> TimelineEntry:
    text = _("%(from)s → %(to)s") % {
        "from": CaseStatus(move.from_status).label,
        "to": CaseStatus(move.to_status).label,
    }
    if move.reason:
        text += f"\n{move.reason}"
    return system_entry(case=case, kind=EntryKind.STATUS, body=text, actor=actor, at=move.at)


@transaction.atomic
def entry_add(
    *,
    actor: User,
    case: Case,
    kind: str,
    body: str = "",
    counterpart: str = "",
    at: datetime.datetime | None = None,
    upload=None,
) -> TimelineEntry:
    """Adds a note, call, message or document to the case's timeline. An upload is kept
    as received with its SHA-256 so anyone can later prove it unchanged."""
    permissions.require_work(actor, case)
    errors = {}
    if kind not in WRITTEN_ENTRY_KINDS:
        errors["kind"] = _("Choose what kind of entry this is.")
    if kind == EntryKind.DOCUMENT and upload is None:
        errors["file"] = _("Choose the file to upload.")
    if kind != EntryKind.DOCUMENT and not (body or "").strip():
        errors["body"] = _("Write what was said or done.")
    now = timezone.now()
    if at is not None and at > now + datetime.timedelta(minutes=5):
        errors["at"] = _("The time cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    entry = TimelineEntry(
        case=case,
        kind=kind,
        at=at or now,
        author=actor,
        body=(body or "").strip(),
        counterpart=(counterpart or "").strip(),
        is_illustrative=case.is_illustrative,
    )
    if upload is not None:
        # Checked as every upload is: by size, name and content. The type kept (and served
        # with the file) is the one the content proved, never the one the browser declared.
        data, content_type = uploads.check_upload(upload, uploads.DOCUMENTS_AND_IMAGES)
        entry.file_name = (upload.name or "document")[-255:]
        entry.file_sha256 = hashlib.sha256(data).hexdigest()
        entry.file_size = len(data)
        entry.file_content_type = content_type
        documents.store(entry, data)  # encrypted at rest
    entry.save()
    audit.record(
        AuditAction.CREATE,
        actor=actor,
        obj=entry,
        changes=audit.diff({}, audit.snapshot(entry, ENTRY_AUDIT_FIELDS)),
    )
    return entry
