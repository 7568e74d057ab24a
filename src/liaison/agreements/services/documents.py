"""Documents of an agreement: draft versions, the signed copy, attachments. Each upload is
checked (declared type = actual content, size limit), hashed and stored as a new version;
nothing is ever overwritten."""

from __future__ import annotations

import hashlib
import io
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison.core import audit
from liaison.core.choices import AuditAction
from liaison.core.models import User
from liaison.core.permissions import refuse

from .. import permissions, workflow
from ..choices import DocumentKind
from ..conf import ALLOWED_DOCUMENT_TYPES
from ..models import Agreement, AgreementDocument

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
_BY_EXTENSION = {ext: mime for mime, ext in ALLOWED_DOCUMENT_TYPES.items()}
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
_GENERIC_TYPES = {"", "application/octet-stream", "binary/octet-stream", "application/zip"}


def sniff(data: bytes) -> str | None:
    """The document type the bytes really are (PDF, DOCX or ODT), or None."""
    if data.startswith(b"%PDF-"):
        return PDF
    if not data.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and archive.read("mimetype").strip() == ODT.encode():
                return ODT
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                return DOCX
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError):
        return None
    return None


def check_upload(upload) -> tuple[bytes, str]:
    """The upload's bytes and its type; refuses what is too large, of a type we do not
    keep, or not what its name and declared type say it is."""
    limit = settings.LIAISON_MAX_UPLOAD_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            {
                "file": _("The file is larger than the limit of %(mb)s MB.")
                % {"mb": round(limit / 1024 / 1024, 1)}
            }
        )
    name = (upload.name or "").lower()
    extension = "." + name.rsplit(".", 1)[-1] if "." in name else ""
    declared = _BY_EXTENSION.get(extension)
    if declared is None:
        raise ValidationError({"file": _("Upload a PDF, DOCX or ODT document.")})
    content_type = (getattr(upload, "content_type", "") or "").split(";")[0].strip().lower()
    if content_type not in _GENERIC_TYPES and content_type != declared:
        raise ValidationError(
            {
                "file": _("The file is declared as %(type)s but named %(name)s.")
                % {"type": content_type, "name": upload.name}
            }
        )
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationError({"file": _("The file is larger than the upload limit.")})
    actual = sniff(data)
    if actual != declared:
        raise ValidationError(
            {
                "file": _("The file's content is not a %(ext)s document.")
                % {"ext": extension.lstrip(".").upper()}
            }
        )
    return data, declared


def store_document(
    *, actor: User, locked: Agreement, kind: str, upload, comment: str = ""
) -> AgreementDocument:
    """Stores a checked upload as the next version of its kind, for a locked agreement."""
    if kind not in DocumentKind.values:
        raise ValidationError({"kind": _("Unknown document kind.")})
    data, content_type = check_upload(upload)
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
