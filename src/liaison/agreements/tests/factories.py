"""Agreements test data, built through the real models and services."""

import datetime
import io
import zipfile

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from liaison.agreements.choices import AgreementStatus, ScopeArea
from liaison.agreements.models import Agreement
from liaison.core.tests.factories import PartnerBodyFactory

PDF_BYTES = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


def pdf(name="draft.pdf", content_type="application/pdf", data=PDF_BYTES):
    return SimpleUploadedFile(name, data, content_type=content_type)


def docx(name="draft.docx"):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return SimpleUploadedFile(
        name,
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )


def months_ahead(months: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=31 * months)


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement

    title = factory.Sequence(lambda n: f"MOU on police cooperation {n}")
    counterpart = factory.SubFactory(PartnerBodyFactory)
    country = factory.LazyAttribute(lambda a: a.counterpart.country)
    purpose = "Share information and run joint operations against scam compounds."
    scope_areas = factory.LazyFunction(
        lambda: [ScopeArea.INFORMATION_SHARING, ScopeArea.JOINT_OPERATIONS]
    )
    planned_signing_on = factory.LazyFunction(lambda: months_ahead(4))
    status = AgreementStatus.DRAFT
