"""Case documents pass the same upload check as agreement documents (core.uploads): by
size, name and content. An executable named invoice.pdf is refused, not stored and served
as a PDF; a file over the limit is answered with the limit, in the user's language."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from liaison.agreements.tests.factories import PDF_BYTES, docx
from liaison.cases.choices import EntryKind
from liaison.cases.models import TimelineEntry
from liaison.cases.services import timeline
from liaison.core.models import User

from .test_case_actions import act, bound

pytestmark = pytest.mark.django_db

EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00 This program cannot be run in DOS mode."
PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 20


def document(client, case, name, data, content_type="application/pdf"):
    upload = SimpleUploadedFile(name, data, content_type)
    return act(client, case, "entry_add", {"kind": "document", "file": upload})


@pytest.fixture
def officer(client_for, personas):
    return client_for(personas.overseas)


def test_an_executable_named_invoice_pdf_is_refused_on_the_form_and_not_stored(officer, open_case):
    form = bound(document(officer, open_case, "invoice.pdf", EXECUTABLE), name="entry_add")
    assert form.errors["file"] == ["The file's content is not a PDF document."]
    assert not TimelineEntry.objects.filter(kind=EntryKind.DOCUMENT).exists()


def test_a_type_casework_does_not_keep_is_refused_with_the_types_it_does(officer, open_case):
    form = bound(document(officer, open_case, "tool.exe", EXECUTABLE, ""), name="entry_add")
    assert "PDF, DOCX or ODT document, or a PNG or JPEG image" in form.errors["file"][0]


def test_a_declared_type_other_than_the_name_says_is_refused(officer, open_case):
    form = bound(document(officer, open_case, "s.pdf", PDF_BYTES, "text/html"), name="entry_add")
    assert "declared as text/html" in form.errors["file"][0]


def test_a_real_pdf_is_kept_and_served_as_the_type_its_content_proved(officer, open_case):
    response = document(officer, open_case, "statement.pdf", PDF_BYTES, "application/octet-stream")
    assert response.status_code == 302
    entry = TimelineEntry.objects.get(kind=EntryKind.DOCUMENT)
    assert entry.file_content_type == "application/pdf"
    assert entry.file_size == len(PDF_BYTES)


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [("gate.png", PNG_BYTES, "image/png"), ("chat.jpg", b"\xff\xd8\xff\xe0 JFIF", "image/jpeg")],
)
def test_a_photo_or_screenshot_is_kept(name, data, kind, officer, open_case):
    assert document(officer, open_case, name, data, kind).status_code == 302
    assert TimelineEntry.objects.get(kind=EntryKind.DOCUMENT).file_content_type == kind


def test_a_docx_is_kept_as_agreement_documents_are(officer, open_case):
    upload = docx("report.docx")
    response = act(officer, open_case, "entry_add", {"kind": "document", "file": upload})
    assert response.status_code == 302


def test_a_file_over_the_limit_is_refused_by_the_service_with_the_limit(
    personas, open_case, settings
):
    settings.LIAISON_MAX_UPLOAD_BYTES = 1024 * 1024
    big = SimpleUploadedFile("scan.pdf", b"%PDF-1.7\n" + b"0" * (1024 * 1024), "application/pdf")
    with pytest.raises(ValidationError, match=r"larger than the limit of 1\.0 MB"):
        timeline.entry_add(
            actor=personas.overseas, case=open_case, kind=EntryKind.DOCUMENT, upload=big
        )


def test_an_11_mb_upload_is_answered_413_with_the_limit_in_the_users_language(personas, open_case):
    from liaison.core.tests.second_factor import verify_session

    User.objects.filter(pk=personas.overseas.pk).update(language="ko")
    client = Client()
    client.force_login(personas.overseas)
    verify_session(client, personas.overseas)
    eleven_mb = b"%PDF-1.7\n" + b"0" * (11 * 1024 * 1024)
    response = document(client, open_case, "scan.pdf", eleven_mb)
    assert response.status_code == 413
    html = response.content.decode()
    assert "업로드" in html and "10.0 MB" in html  # the reason, in Korean, with the limit
    assert personas.overseas.full_name in html  # under the officer's own menu
    assert not TimelineEntry.objects.filter(kind=EntryKind.DOCUMENT).exists()


def test_the_api_answers_an_oversized_body_413_in_json(personas, open_case):
    client = Client()
    client.force_login(personas.overseas)
    response = client.post(
        f"/api/v1/cases/{open_case.pk}/transitions",
        b"{" + b" " * (11 * 1024 * 1024) + b"}",
        content_type="application/json",
    )
    assert response.status_code == 413 and "10.0 MB" in response.json()["detail"]
