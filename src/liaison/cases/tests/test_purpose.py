"""A passport number opened and personal data exported state their purpose (EU LED art.
25), kept in the audit entry; without one they are refused, with the form that asks."""

import io
import zipfile

import pytest
from django.urls import reverse

from liaison.core.choices import AuditAction
from liaison.core.models import AuditEvent
from liaison.core.purpose import SESSION_KEY

pytestmark = pytest.mark.django_db


def passport_url(case):
    return reverse("cases:passport", args=[case.pk, "victim", case.victims.get().pk])


def viewed():
    return AuditEvent.objects.filter(action=AuditAction.VIEW, object_type="cases.victim")


def test_a_passport_without_a_purpose_is_refused_with_the_form_that_asks_for_it(
    client_for, personas, open_case
):
    client = client_for(personas.overseas)
    response = client.post(passport_url(open_case), HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    text = response.content.decode()
    assert "M12345678" not in text and "<html" not in text
    assert 'data-error-for="purpose"' in text and "for what purpose" in text
    page = client.post(passport_url(open_case))
    assert page.status_code == 400 and "<html" in page.content.decode()
    assert not viewed().exists()


def test_other_needs_the_purpose_in_words(client_for, personas, open_case):
    client = client_for(personas.overseas)
    response = client.post(passport_url(open_case), {"purpose": "other"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert 'data-error-for="purpose_note"' in response.content.decode()
    response = client.post(passport_url(open_case), {"purpose": "curiosity"})
    assert response.status_code == 400 and not viewed().exists()
    stated = {"purpose": "other", "purpose_note": "  the embassy's   call of 2 December "}
    response = client.post(passport_url(open_case), stated, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "M12345678" in response.content.decode()
    assert viewed().get().purpose == "other: the embassy's call of 2 December"


def test_the_purpose_is_kept_with_the_view_and_chosen_again_in_the_session(
    client_for, personas, open_case
):
    client = client_for(personas.overseas)
    response = client.post(passport_url(open_case), {"purpose": "consular_assistance"})
    assert response.status_code == 200 and "M12345678" in response.content.decode()
    assert viewed().get().purpose == "consular_assistance"
    assert client.session[SESSION_KEY] == {"purpose": "consular_assistance", "purpose_note": ""}
    page = client.get(reverse("cases:detail", args=[open_case.pk]), {"tab": "people"})
    assert '<option value="consular_assistance" selected>' in page.content.decode()


def test_the_service_refuses_a_reveal_without_a_purpose(personas, open_case):
    from django.core.exceptions import ValidationError

    from liaison.cases.services import people

    with pytest.raises(ValidationError) as refused:
        people.passport_reveal(actor=personas.overseas, person=open_case.victims.get(), purpose="")
    assert "purpose" in refused.value.message_dict
    assert not viewed().exists()


def test_an_export_of_personal_data_without_a_purpose_is_refused_with_the_form(
    client_for, personas, open_case
):
    client = client_for(personas.ico)
    response = client.get(reverse("cases:list"), {"export": "csv", "country": "KH"})
    assert response.status_code == 400
    text = response.content.decode()
    assert 'data-error-for="purpose"' in text and 'id="purpose-form"' in text
    assert '<input type="hidden" name="country" value="KH">' in text  # sent again as it was
    assert '<button class="btn btn-primary" type="submit" name="export" value="csv">' in text
    reports = client.get(reverse("cases:report_list"), {"export": "xlsx"})
    assert reports.status_code == 400
    htcds = client.get(reverse("cases:htcds_export"))
    assert htcds.status_code == 400
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_an_export_keeps_its_purpose_in_the_audit_entry(client_for, personas, open_case):
    client = client_for(personas.ico)
    query = {"export": "csv", "country": "KH", "purpose": "legal_proceedings"}
    response = client.get(reverse("cases:list"), query)
    assert response.status_code == 200 and open_case.reference in response.content.decode()
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.purpose == "legal_proceedings"
    assert event.reason == "filters: country=KH"  # the purpose is not a filter
    htcds = client.get(
        reverse("cases:htcds_export"),
        {"format": "zip", "purpose": "other", "purpose_note": "IOM data request"},
    )
    assert htcds.status_code == 200
    assert zipfile.ZipFile(io.BytesIO(htcds.content)).namelist()
    event = AuditEvent.objects.get(action=AuditAction.EXPORT, object_type="cases.victim")
    assert event.purpose == "other: IOM data request"


def test_an_export_without_personal_data_asks_no_purpose(client_for, personas, open_case):
    client = client_for(personas.analyst)
    page = client.get(reverse("cases:list")).content.decode()
    assert "data-export-asks-purpose" not in page and "?export=csv" in page
    assert client.get(reverse("cases:list"), {"export": "csv"}).status_code == 200
    assert AuditEvent.objects.get(action=AuditAction.EXPORT).purpose == ""


def test_the_list_asks_the_purpose_before_an_export_with_the_filters_kept(
    client_for, personas, open_case
):
    page = client_for(personas.ico).get(reverse("cases:list"), {"country": "KH", "page": "1"})
    text = page.content.decode()
    assert "data-export-asks-purpose" in text and 'id="export-purpose"' in text
    assert '<input type="hidden" name="country" value="KH">' in text
    assert 'name="page"' not in text.split('id="export-purpose"')[1]


def test_a_queued_export_keeps_its_purpose_in_the_entry_the_job_writes(
    client_for, personas, open_case, settings, queue, django_capture_on_commit_callbacks
):
    from liaison.core.models import Job

    settings.LIAISON_EXPORT_INLINE_ROWS = 0
    query = {"export": "csv", "purpose": "other", "purpose_note": "annual review"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(personas.ico).get(reverse("cases:list"), query)
    assert response.status_code == 302
    queue.run_pending()
    job = Job.objects.get(kind="core.export")
    assert job.state == "done", job.error
    event = AuditEvent.objects.get(action=AuditAction.EXPORT, object_type="cases.case")
    assert event.purpose == "other: annual review"
