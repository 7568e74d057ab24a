"""Importing the office's former registry: every row or none, with a report that names
the row and the column of each problem."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from liaison.agreements.choices import AgreementStatus, ScopeArea
from liaison.agreements.models import Agreement
from liaison.core.choices import AuditAction
from liaison.core.models import AuditEvent

pytestmark = pytest.mark.django_db

URL = reverse("agreements:import")
HEADER = (
    "reference,title,counterpart,country,institution,agreement type,scope areas,status,"
    "signed_on,expires_on"
)
GOOD_ROWS = [
    "ICO-2014-07,MOU on combating transnational crime,CNP,KH,police-university,mou,"
    "information_sharing;fugitives,expired,2014-05-02,2019-05-01",
    "ICO-2019-03,Korean Desk arrangement,Cambodian National Police,,npa-ico,arrangement,"
    "personnel_dispatch,active,2019-03-11,",
    "ICO-2023-11,Letter of intent on training,cnp,KH,seoul-mpa,letter_of_intent,training,"
    "signed,2023-11-20,",
]


def csv_file(*rows, header=HEADER, name="registry.csv"):
    return SimpleUploadedFile(name, "\n".join([header, *rows]).encode(), "text/csv")


@pytest.fixture
def ico(personas, client_for):
    return client_for(personas.ico)


def test_a_good_file_creates_every_row_and_one_import_entry(ico, personas, cambodia_police):
    response = ico.post(URL, {"file": csv_file(*GOOD_ROWS)})

    assert response.status_code == 302
    expired, active, signed = Agreement.objects.order_by("signed_on")
    assert expired.external_reference == "ICO-2014-07"
    assert expired.status == AgreementStatus.EXPIRED
    assert expired.ended_on == expired.expires_on
    assert expired.scope_areas == [ScopeArea.INFORMATION_SHARING, ScopeArea.FUGITIVES]
    assert active.counterpart == cambodia_police
    assert active.country == cambodia_police.country  # from the counterpart
    assert signed.result_report_due is not None  # a signed one still owes its report
    event = AuditEvent.objects.get(action=AuditAction.IMPORT)
    assert event.actor == personas.ico
    assert event.changes["created"] == 3


def test_a_good_xlsx_is_imported_too(ico, cambodia_police, institutions):
    workbook = Workbook()
    workbook.active.append(HEADER.split(","))
    for row in csv.reader(io.StringIO("\n".join(GOOD_ROWS))):
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)

    response = ico.post(URL, {"file": SimpleUploadedFile("registry.xlsx", buffer.getvalue())})

    assert response.status_code == 302
    assert Agreement.objects.count() == 3


def test_a_file_with_one_bad_row_writes_nothing_and_names_the_row_and_column(ico, cambodia_police):
    bad = GOOD_ROWS[1].replace("npa-ico", "no-such-office")

    response = ico.post(URL, {"file": csv_file(GOOD_ROWS[0], bad, GOOD_ROWS[2])})

    assert response.status_code == 400
    assert not Agreement.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.IMPORT).exists()
    problems = response.context["result"].problems
    assert [(p.row, p.field) for p in problems] == [(3, "institution")]
    assert "no-such-office" in problems[0].message
    report = ico.get(reverse("agreements:import_report", args=[response.context["report_token"]]))
    assert report.status_code == 200
    assert "3,institution," in report.content.decode("utf-8-sig")


def test_unknown_values_and_inconsistent_dates_are_each_reported(ico, cambodia_police):
    rows = [
        "A-1,Title,Nobody Police,KH,npa-ico,mou,,active,2020-01-01,",
        "A-2,Title,CNP,ZZ,npa-ico,mou,,active,2020-01-01,",
        "A-3,Title,CNP,KH,npa-ico,treaty,spying,pending,01/02/2020,",
        "A-4,Title,CNP,KH,npa-ico,mou,,expired,2020-01-01,",
        "A-5,Title,CNP,KH,npa-ico,mou,,active,2020-01-01,2019-01-01",
    ]

    response = ico.post(URL, {"file": csv_file(*rows)})

    found = {(p.row, p.field) for p in response.context["result"].problems}
    assert found >= {
        (2, "counterpart"),
        (3, "country"),
        (4, "agreement_type"),
        (4, "scope_areas"),
        (4, "status"),
        (4, "signed_on"),
        (5, "expires_on"),
        (6, "status"),
    }
    assert not Agreement.objects.exists()


def test_a_reference_already_in_the_registry_or_twice_in_the_file_is_refused(ico, cambodia_police):
    assert ico.post(URL, {"file": csv_file(GOOD_ROWS[0])}).status_code == 302

    again = ico.post(URL, {"file": csv_file(GOOD_ROWS[0])})
    twice = ico.post(URL, {"file": csv_file(GOOD_ROWS[1], GOOD_ROWS[1])})

    assert [(p.row, p.field) for p in again.context["result"].problems] == [(2, "reference")]
    assert [(p.row, p.field) for p in twice.context["result"].problems] == [(3, "reference")]
    assert Agreement.objects.count() == 1


def test_a_wrong_file_type_is_refused(ico, cambodia_police):
    pdf = SimpleUploadedFile("registry.pdf", b"%PDF-1.4\n", "application/pdf")
    xlsx_named_csv = SimpleUploadedFile("registry.csv", b"PK\x03\x04rest", "text/csv")

    for upload in (pdf, xlsx_named_csv):
        response = ico.post(URL, {"file": upload})
        assert response.status_code == 400
        assert response.context["form"].errors["file"]
    assert not Agreement.objects.exists()


def test_a_file_with_unknown_columns_is_refused_naming_them(ico, cambodia_police):
    response = ico.post(URL, {"file": csv_file("x,y", header="title,colour")})

    message = response.context["form"].errors["file"][0]
    assert "colour" in message
    assert "counterpart" in message


@pytest.mark.parametrize("persona", ["requester", "commissioner", "analyst"])
def test_only_the_office_may_import(client_for, personas, persona):
    client = client_for(getattr(personas, persona))
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"file": csv_file(*GOOD_ROWS)}).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("core:login") in response["Location"]


def test_the_admin_sees_the_import_button_and_a_requester_does_not(client_for, personas):
    assert URL in client_for(personas.admin).get(reverse("agreements:list")).content.decode()
    assert (
        URL not in client_for(personas.requester).get(reverse("agreements:list")).content.decode()
    )
