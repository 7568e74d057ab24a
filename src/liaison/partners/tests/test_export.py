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
