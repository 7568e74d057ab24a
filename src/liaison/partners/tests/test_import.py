"""The bulk import of partner bodies: all rows or none, with a row-by-row report."""

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from liaison.core.choices import AuditAction
from liaison.core.models import AuditEvent
from liaison.partners.models import PartnerBody

URL = reverse("partners:body_import")
HEADER = "kind,name_en,name_ko,name_local,abbreviation,country,website"
GOOD_ROWS = [
    "police,Philippine National Police,필리핀 경찰청,Pambansang Pulisya ng Pilipinas,PNP,KH,"
    "pnp.gov.ph",
    "Police,Vietnam Ministry of Public Security,베트남 공안부,Bộ Công an,MPS,th,",
    "international_organisation,ASEANAPOL Secretariat,아세아나폴 사무국,,ASEANAPOL,,",
]


def csv_file(*rows, header=HEADER, name="partners.csv", encoding="utf-8"):
    return SimpleUploadedFile(name, "\n".join([header, *rows]).encode(encoding), "text/csv")


def xlsx_file(rows, name="partners.xlsx"):
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def test_a_good_csv_creates_every_row_and_one_import_entry(personas, directory, client_for):
    before = PartnerBody.objects.count()
    response = client_for(personas.ico).post(URL, {"file": csv_file(*GOOD_ROWS)})
    assert response.status_code == 302
    assert response["Location"] == reverse("partners:body_list")
    assert PartnerBody.objects.count() == before + 3
    pnp = PartnerBody.objects.get(abbreviation="PNP")
    assert (pnp.kind, pnp.country_id, pnp.website) == ("police", "KH", "https://pnp.gov.ph")
    assert PartnerBody.objects.get(abbreviation="MPS").country_id == "TH"
    entry = AuditEvent.objects.get(action=AuditAction.IMPORT)
    assert (entry.actor, entry.object_type, entry.object_repr) == (
        personas.ico,
        "partners.partnerbody",
        "3 partner bodies",
    )
    assert entry.changes["created"] == 3
    assert sorted(entry.changes["ids"]) == sorted(
        PartnerBody.objects.filter(abbreviation__in=["PNP", "MPS", "ASEANAPOL"]).values_list(
            "pk", flat=True
        )
    )
    assert not AuditEvent.objects.filter(action=AuditAction.CREATE).exists()


def test_a_good_xlsx_is_imported_too(personas, directory, client_for):
    rows = [HEADER.split(","), ["police", "Lao Police", "라오스 경찰", "", "LP", "KH", None]]
    response = client_for(personas.ico).post(URL, {"file": xlsx_file(rows)})
    assert response.status_code == 302
    assert PartnerBody.objects.filter(name_en="Lao Police").exists()


def test_a_cp949_csv_from_a_korean_spreadsheet_is_read(personas, directory, client_for):
    upload = csv_file("police,Lao Police,라오스 경찰,,LP,KH,", encoding="cp949")
    assert client_for(personas.ico).post(URL, {"file": upload}).status_code == 302
    assert PartnerBody.objects.get(name_en="Lao Police").name_ko == "라오스 경찰"


def test_one_bad_row_writes_nothing_and_names_its_row_and_column(personas, directory, client_for):
    before = PartnerBody.objects.count()
    bad = "police,Malaysian Police,말레이시아 경찰,,PDRM,XX,"
    response = client_for(personas.ico).post(URL, {"file": csv_file(*GOOD_ROWS[:2], bad)})
    assert response.status_code == 400
    assert PartnerBody.objects.count() == before
    assert not AuditEvent.objects.filter(action=AuditAction.IMPORT).exists()
    problems = [(p.row, p.field) for p in response.context["result"].problems]
    assert problems == [(4, "country")]  # the header is row 1
    assert "XX" in response.content.decode()


def test_a_row_the_model_refuses_is_reported_and_rolls_back_the_others(
    personas, directory, client_for
):
    # Valid as a row, refused on saving: a national body needs a country; and a duplicate.
    rows = [GOOD_ROWS[0], "police,Nowhere Police,,,,,", "police,Royal Thai Police,,,,TH,"]
    response = client_for(personas.ico).post(URL, {"file": csv_file(*rows)})
    assert response.status_code == 400
    assert [(p.row, p.field) for p in response.context["result"].problems] == [
        (3, "country"),
        (4, "name_en"),
    ]
    assert not PartnerBody.objects.filter(abbreviation="PNP").exists()


def test_the_problem_report_downloads_as_csv_in_the_same_session(personas, directory, client_for):
    client = client_for(personas.ico)
    response = client.post(URL, {"file": csv_file("spies,Shadow Agency,,,,KH,")})
    token = response.context["report_token"]
    report = client.get(reverse("partners:import_report", args=[token]))
    assert report.status_code == 200
    assert report["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(report.content.decode("utf-8-sig"))))
    assert rows[0] == ["row", "column", "problem"]
    assert rows[1][:2] == ["2", "kind"]
    # Another person's session does not hold the report.
    other = client_for(personas.admin).get(reverse("partners:import_report", args=[token]))
    assert other.status_code == 404


def test_a_text_file_is_refused_before_anything_is_read(personas, directory, client_for):
    upload = SimpleUploadedFile("partners.txt", f"{HEADER}\n{GOOD_ROWS[0]}".encode())
    response = client_for(personas.ico).post(URL, {"file": upload})
    assert response.status_code == 400
    assert response.context["form"].errors["file"] == ["Upload a .csv or .xlsx file."]
    assert not PartnerBody.objects.filter(abbreviation="PNP").exists()


def test_a_spreadsheet_renamed_to_csv_is_refused(personas, directory, client_for):
    renamed = xlsx_file([HEADER.split(",")], name="partners.csv")
    response = client_for(personas.ico).post(URL, {"file": renamed})
    assert response.status_code == 400
    assert "spreadsheet named .csv" in response.context["form"].errors["file"][0]


def test_a_binary_renamed_to_xlsx_is_refused(personas, directory, client_for):
    upload = SimpleUploadedFile("partners.xlsx", b"\x7fELF\x02\x01\x01" + b"\x00" * 64)
    response = client_for(personas.ico).post(URL, {"file": upload})
    assert response.status_code == 400
    assert response.context["form"].errors["file"] == ["The file is not an XLSX spreadsheet."]


def test_a_file_with_an_unknown_column_is_refused_whole(personas, directory, client_for):
    upload = csv_file("police,Lao Police,LP,KH", header="kind,name_en,abbreviation,country_code")
    response = client_for(personas.ico).post(URL, {"file": upload})
    assert response.status_code == 400
    assert "country_code" in response.context["form"].errors["file"][0]
    assert not PartnerBody.objects.filter(name_en="Lao Police").exists()


def test_an_oversized_upload_is_refused_with_the_limit(personas, directory, client_for, settings):
    settings.LIAISON_MAX_UPLOAD_BYTES = 1024
    upload = csv_file(*GOOD_ROWS * 20)
    response = client_for(personas.ico).post(URL, {"file": upload})
    assert response.status_code == 413
    assert "limit" in response.content.decode()
    assert not PartnerBody.objects.filter(abbreviation="PNP").exists()


def test_a_form_without_a_file_answers_400(personas, directory, client_for):
    response = client_for(personas.ico).post(URL, {})
    assert response.status_code == 400
    assert "file" in response.context["form"].errors


def test_requester_cannot_import(personas, directory, client_for):
    response = client_for(personas.requester).post(URL, {"file": csv_file(*GOOD_ROWS)})
    assert response.status_code == 403
    assert not PartnerBody.objects.filter(abbreviation="PNP").exists()


def test_a_large_file_is_imported_by_a_job_with_the_same_result(
    personas, directory, client_for, settings, queue, django_capture_on_commit_callbacks
):
    from liaison.core.models import Job

    settings.LIAISON_IMPORT_INLINE_ROWS = 2
    before = PartnerBody.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(personas.ico).post(URL, {"file": csv_file(*GOOD_ROWS)})
    job = Job.objects.get(kind="partners.import_bodies")
    assert response.status_code == 302
    assert response["Location"] == reverse("core:job_detail", kwargs={"pk": job.pk})
    assert PartnerBody.objects.count() == before  # nothing yet: the worker does it
    queue.run_pending()
    job.refresh_from_db()
    assert (job.state, job.summary) == ("done", "3 partner bodies are imported.")
    assert PartnerBody.objects.count() == before + 3
    assert AuditEvent.objects.get(action=AuditAction.IMPORT).actor == personas.ico


def test_a_large_file_with_a_bad_row_imports_nothing_and_the_job_carries_the_report(
    personas, directory, client_for, settings, queue, django_capture_on_commit_callbacks
):
    from liaison.core import jobs
    from liaison.core.models import Job

    settings.LIAISON_IMPORT_INLINE_ROWS = 2
    before = PartnerBody.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        client_for(personas.ico).post(
            URL, {"file": csv_file(*GOOD_ROWS[:2], "spies,Shadow Agency,,,,KH,")}
        )
    queue.run_pending()
    job = Job.objects.get(kind="partners.import_bodies")
    assert job.state == "done" and job.summary.startswith("Nothing was imported: 1 problems")
    assert PartnerBody.objects.count() == before
    with jobs.open_file(job) as stored:
        rows = list(csv.reader(io.StringIO(stored.read().decode("utf-8-sig"))))
    assert rows[0] == ["row", "column", "problem"] and rows[1][:2] == ["4", "kind"]


def test_a_large_broken_file_is_refused_on_the_page_before_any_job(
    personas, directory, client_for, settings, queue
):
    from liaison.core.models import Job

    settings.LIAISON_IMPORT_INLINE_ROWS = 0
    upload = SimpleUploadedFile("partners.xlsx", b"\x7fELF\x02\x01\x01" + b"\x00" * 64)
    response = client_for(personas.ico).post(URL, {"file": upload})
    assert response.status_code == 400 and not Job.objects.exists()
