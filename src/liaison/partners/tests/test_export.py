"""Exports of the directory's lists: what the list shows, to those allowed, recorded."""

import csv
import io

from django.urls import reverse
from openpyxl import load_workbook

from liaison.core.choices import AuditAction
from liaison.core.models import AuditEvent

LIST = reverse("partners:body_list")


def test_the_csv_export_holds_the_filtered_list(personas, directory, client_for):
    response = client_for(personas.analyst).get(f"{LIST}?country=KH&export=csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="partner-bodies-' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "Name (English)",
        "Name (Korean)",
        "Abbreviation",
        "Kind",
        "Country",
        "Part of",
        "Website",
        "Active",
        "Updated",
    ]
    assert [r[:5] for r in rows[1:]] == [
        [
            "Anti-Human Trafficking Department",
            directory.cnp_unit.name_ko,
            "AHTJP",
            "Foreign police body",
            "Cambodia",
        ],
        [
            "Cambodian National Police",
            "캄보디아 국가경찰",
            "CNP",
            "Foreign police body",
            "Cambodia",
        ],
    ]
    assert rows[1][5] == "Cambodian National Police"
    entry = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert (entry.actor, entry.object_type, entry.object_repr, entry.reason) == (
        personas.analyst,
        "partners.partnerbody",
        "2 rows, csv",
        "filters: country=KH",
    )


def test_the_xlsx_export_opens_as_a_spreadsheet(personas, directory, client_for):
    response = client_for(personas.ico).get(f"{LIST}?export=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 5
    assert sheet["A2"].value == "Anti-Human Trafficking Department"


def test_requester_cannot_export_the_directory(personas, directory, client_for):
    response = client_for(personas.requester).get(f"{LIST}?export=csv")
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()
    assert AuditEvent.objects.get(action=AuditAction.ACCESS_DENIED).actor == personas.requester


def test_the_export_buttons_show_only_for_those_who_may_export(personas, directory, client_for):
    assert "export=csv" not in client_for(personas.requester).get(LIST).content.decode()
    assert "export=csv" in client_for(personas.analyst).get(LIST).content.decode()


def test_contacts_export_for_the_commissioner_office(personas, directory, client_for):
    response = client_for(personas.commissioner).get(
        reverse("partners:contact_list") + "?export=csv"
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == ["Sok Dara", "Somchai Prasert"]
    # Spreadsheets would read a leading "+" as a formula; the export quotes it.
    assert rows[1][6] == "+85512345678"  # a plain phone number is not quoted


def test_an_overseas_officer_sees_contacts_but_cannot_export_them(personas, directory, client_for):
    response = client_for(personas.overseas).get(reverse("partners:contact_list") + "?export=csv")
    assert response.status_code == 403


def test_a_large_export_is_made_by_a_job_as_the_same_person_with_the_same_rows(
    personas, directory, client_for, settings, queue, django_capture_on_commit_callbacks
):
    from liaison.core import jobs
    from liaison.core.models import Job

    inline = client_for(personas.analyst).get(f"{LIST}?country=KH&export=csv")
    settings.LIAISON_EXPORT_INLINE_ROWS = 1
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(personas.analyst).get(f"{LIST}?country=KH&export=csv")
    job = Job.objects.get(kind="core.export")
    assert response.status_code == 302
    assert response["Location"] == reverse("core:job_detail", kwargs={"pk": job.pk})
    queue.run_pending()
    job.refresh_from_db()
    assert job.state == "done" and job.summary == "2 rows of the list are exported."
    assert job.result_file_name.startswith("partner-bodies-")
    with jobs.open_file(job) as stored:
        assert stored.read() == inline.content
    exports = AuditEvent.objects.filter(action=AuditAction.EXPORT, actor=personas.analyst)
    assert exports.count() == 2  # the one made at once and the one the job made


def test_a_queued_export_is_refused_if_the_person_lost_the_right_meanwhile(
    personas, directory, client_for, settings, queue, django_capture_on_commit_callbacks
):
    from liaison.core.choices import Role
    from liaison.core.models import Job

    settings.LIAISON_EXPORT_INLINE_ROWS = 1
    with django_capture_on_commit_callbacks(execute=True):
        client_for(personas.analyst).get(f"{LIST}?export=csv")
    personas.analyst.role = Role.AUDITOR
    personas.analyst.save()
    queue.run_pending()
    job = Job.objects.get(kind="core.export")
    assert job.state == "failed" and job.error == "Your role does not allow this."
    assert not job.result_file
