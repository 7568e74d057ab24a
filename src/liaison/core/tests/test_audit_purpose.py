"""The purpose of an access to personal data is kept in its audit entry and shown to the
auditor in the trail, its entry and its export, in the reader's language."""

import csv
import io

import pytest
from django.urls import reverse

from liaison.core import audit
from liaison.core.choices import AccessPurpose, AuditAction
from liaison.core.purpose import PurposeForm

pytestmark = pytest.mark.django_db


@pytest.fixture
def viewed(personas):
    return audit.record(
        AuditAction.VIEW,
        actor=personas.ico,
        object_type="cases.victim",
        object_id="7",
        object_repr="Kim Minjun",
        purpose="other: the family's request of 2 December",
    )


def test_record_keeps_the_purpose_it_is_given(personas, viewed):
    assert viewed.purpose == "other: the family's request of 2 December"
    assert viewed.purpose_label == "Other: the family's request of 2 December"
    plain = audit.record(AuditAction.VIEW, actor=personas.ico, purpose="victim_support")
    assert plain.purpose_label == "Victim support"
    assert audit.record(AuditAction.LOGIN, actor=personas.ico).purpose == ""


def test_the_purposes_are_a_short_list_and_other_needs_words():
    assert [c.value for c in AccessPurpose] == [
        "investigation",
        "victim_support",
        "consular_assistance",
        "partner_request",
        "legal_proceedings",
        "audit",
        "other",
    ]
    assert not PurposeForm({"purpose": ""}).is_valid()
    assert "purpose_note" in PurposeForm({"purpose": "other", "purpose_note": " "}).errors
    form = PurposeForm({"purpose": "audit", "purpose_note": ""})
    assert form.is_valid() and form.stated == "audit"


def test_the_auditor_reads_the_purpose_in_the_trail_its_entry_and_its_export(
    client_for, personas, viewed
):
    client = client_for(personas.auditor)
    page = client.get(reverse("core:audit_list"), {"action": "view"}).content.decode()
    assert "Other: the family&#x27;s request of 2 December" in page
    detail = client.get(reverse("core:audit_detail", args=[viewed.pk])).content.decode()
    assert '<dd class="col-sm-9" data-purpose>Other: the family&#x27;s request' in detail
    response = client.get(reverse("core:audit_list"), {"action": "view", "export": "csv"})
    # The auditor's own reads of the trail are views too, with no purpose.
    header, *rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    purposes = [row[header.index("Purpose")] for row in rows if row[header.index("Purpose")]]
    assert purposes == ["Other: the family's request of 2 December"]


def test_the_purpose_is_shown_in_korean(client_for, personas, viewed):
    personas.auditor.language = "ko"
    personas.auditor.save(update_fields=["language"])
    client = client_for(personas.auditor)
    page = client.get(reverse("core:audit_list"), {"action": "view"}, HTTP_ACCEPT_LANGUAGE="ko")
    assert "기타: the family&#x27;s request" in page.content.decode()
