import hashlib

import pytest
from django.core.exceptions import ValidationError

from liaison.agreements import services
from liaison.agreements.choices import DocumentKind
from liaison.core.choices import AuditAction
from liaison.core.models import AuditEvent

from .factories import PDF_BYTES, docx, pdf


def _upload(actor, agreement, upload):
    return services.document_upload(
        actor=actor, agreement=agreement, kind=DocumentKind.DRAFT, upload=upload
    )


def test_a_draft_is_stored_with_its_checksum_as_a_new_version(draft, personas):
    document = _upload(personas.requester, draft, docx())
    assert document.version == 2
    assert document.content_type.endswith("wordprocessingml.document")
    first = draft.documents.get(version=1)
    assert first.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    assert first.file.name != document.file.name
    with first.file.open("rb") as handle:
        assert handle.read() == PDF_BYTES
    entry = AuditEvent.objects.filter(
        action=AuditAction.CREATE, object_type="agreements.agreementdocument"
    ).first()
    assert entry.changes["version"] == {"before": None, "after": 2}


def test_a_file_that_is_not_what_its_name_says_is_refused(draft, personas):
    with pytest.raises(ValidationError, match="not a PDF document"):
        _upload(personas.requester, draft, pdf(data=b"MZ\x90\x00 this is an executable"))


def test_a_declared_type_that_differs_from_the_name_is_refused(draft, personas):
    with pytest.raises(ValidationError, match="declared as"):
        _upload(personas.requester, draft, pdf(content_type="image/png"))


def test_other_types_are_refused(draft, personas):
    with pytest.raises(ValidationError, match="PDF, DOCX or ODT"):
        _upload(personas.requester, draft, pdf(name="draft.exe"))


def test_a_file_over_the_limit_is_refused(draft, personas, settings):
    settings.LIAISON_MAX_UPLOAD_BYTES = 20
    with pytest.raises(ValidationError, match="larger than"):
        _upload(personas.requester, draft, pdf())
    assert draft.documents.count() == 1


def test_an_outsider_cannot_upload(draft, personas):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        _upload(personas.outsider, draft, pdf())
