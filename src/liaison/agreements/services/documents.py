"""Documents of an agreement: draft versions, the signed copy, attachments. Each upload is
checked (declared type = actual content, size limit), hashed and stored as a new version;
nothing is ever overwritten."""

from __future__ import annotations

import hashlib

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison.core import audit, uploads
from liaison.core.choices import AuditAction
from liaison.core.models import User
from liaison.core.permissions import refuse

from .. import permissions, workflow
from ..choices import DocumentKind
from ..conf import ALLOWED_DOCUMENT_TYPES
from ..models import Agreement, AgreementDocument

DOCUMENT_AUDIT_FIELDS = [
    "agreement_id",
    "kind",
    "version",
    "original_name",
    "sha256",
    "size",
    "content_type",
    "comment",
    "uploaded_by_id",
]
# The types an agreement keeps (agreements.conf), checked as every upload is (core.uploads).
ACCEPTED = uploads.Accepted(
    {ext: mime for mime, ext in ALLOWED_DOCUMENT_TYPES.items()}, uploads.DOCUMENTS.refusal
)


def store_document(
    *, actor: User, locked: Agreement, kind: str, upload, comment: str = ""
) -> AgreementDocument:
    """Stores a checked upload as the next version of its kind, for a locked agreement."""
    if kind not in DocumentKind.values:
        raise ValidationError({"kind": _("Unknown document kind.")})
    data, content_type = uploads.check_upload(upload, ACCEPTED)
    latest = locked.documents.filter(kind=kind).aggregate(v=Max("version"))["v"] or 0
    document = AgreementDocument(
        agreement=locked,
        kind=kind,
        version=latest + 1,
        original_name=(upload.name or "document")[-255:],
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        content_type=content_type,
        comment=comment.strip(),
        uploaded_by=actor,
        uploaded_at=timezone.now(),
    )
    # If the transaction is rolled back the file stays behind unreferenced, never a row
    # pointing at a missing file.
    document.file.save(upload.name or "document", ContentFile(data), save=False)
    document.save()
    audit.record(
        AuditAction.CREATE,
        actor=actor,
        obj=document,
        changes=audit.diff({}, audit.snapshot(document, DOCUMENT_AUDIT_FIELDS)),
    )
    return document


@transaction.atomic
def document_upload(
    *, actor: User, agreement: Agreement, kind: str, upload, comment: str = ""
) -> AgreementDocument:
    """A new draft version or attachment of an agreement."""
    if not permissions.can_upload(actor, agreement):
        refuse(actor, what="agreements.document")
    locked = workflow.lock(agreement)
    return store_document(actor=actor, locked=locked, kind=kind, upload=upload, comment=comment)
