"""Import files are hostile input: a broken spreadsheet is refused with a message, and a
small file that unpacks to millions of rows is refused at the row limit without being
read whole (OWASP ASVS 5.0 V5.2: file size and content, decompression bombs)."""

import io
import time
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from liaison.core.importing import MAX_IMPORT_ROWS, ImportFileError, read_table
from liaison.partners.models import PartnerBody

HEADER = ["kind", "name_en", "name_ko", "country"]


def small_xlsx(rows) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def with_sheet(xlsx: bytes, sheet_xml_chunks) -> bytes:
    """The same workbook with its first sheet's XML replaced, written in chunks as they
    come (a sheet of a million rows is never held in memory by the test either)."""
    source = zipfile.ZipFile(io.BytesIO(xlsx))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for item in source.infolist():
            if item.filename == "xl/worksheets/sheet1.xml":
                with target.open(item.filename, "w") as sheet:
                    for chunk in sheet_xml_chunks:
                        sheet.write(chunk)
            else:
                target.writestr(item, source.read(item.filename))
    return buffer.getvalue()


def million_rows(count: int):
    yield (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>kind</t></is></c></row>'
    )
    step = 100_000  # rows without a number are numbered in order; they compress to nothing
    for start in range(0, count, step):
        yield b"<row/>" * min(step, count - start)
    yield b"</sheetData></worksheet>"


def upload(data: bytes, name="partners.xlsx"):
    return SimpleUploadedFile(name, data)


def test_a_small_xlsx_of_a_million_and_a_half_rows_is_refused_at_the_row_limit_quickly():
    bomb = with_sheet(small_xlsx([HEADER]), million_rows(1_500_000))
    assert len(bomb) < 500_000  # smaller than the 470 KB one that held a worker
    started = time.monotonic()
    with pytest.raises(ImportFileError, match="more than"):
        read_table(upload(bomb))
    # Reading all 1.5 million rows takes a minute; stopping at the limit takes well under
    # a second here. The bound is loose so that a busy machine does not fail it.
    assert time.monotonic() - started < 10


def test_a_csv_past_the_row_limit_is_refused_with_the_limit():
    rows = "\n".join(["kind,name_en"] + ["police,x"] * (MAX_IMPORT_ROWS + 1))
    with pytest.raises(ImportFileError, match="more than"):
        read_table(upload(rows.encode(), name="partners.csv"))


def test_exactly_the_row_limit_is_read():
    rows = "\n".join(["kind,name_en"] + ["police,x"] * MAX_IMPORT_ROWS)
    assert len(read_table(upload(rows.encode(), name="partners.csv"))) == MAX_IMPORT_ROWS


def truncated() -> bytes:
    good = small_xlsx([HEADER, ["police", "PNP", "필리핀 경찰청", "PH"]])
    return good[: len(good) // 2]


def broken_sheet_xml() -> bytes:
    return with_sheet(small_xlsx([HEADER]), [b"<worksheet><sheetData><row r="])


def no_workbook() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a spreadsheet")
    return buffer.getvalue()


def corrupt_member() -> bytes:
    data = bytearray(small_xlsx([HEADER] * 50))
    data[200:260] = b"\xff" * 60  # inside a compressed member: its CRC or inflate fails
    return bytes(data)


@pytest.mark.parametrize("malformed", [truncated, broken_sheet_xml, no_workbook, corrupt_member])
def test_a_malformed_xlsx_is_refused_with_a_message(malformed):
    with pytest.raises(ImportFileError, match=r"cannot be read|not an XLSX"):
        read_table(upload(malformed()))


@pytest.mark.django_db
@pytest.mark.parametrize("malformed", [truncated, broken_sheet_xml, no_workbook, corrupt_member])
def test_the_import_page_answers_a_malformed_xlsx_with_400_and_the_message(
    malformed, personas, client_for
):
    before = PartnerBody.objects.count()
    response = client_for(personas.ico).post(
        reverse("partners:body_import"), {"file": upload(malformed())}
    )
    assert response.status_code == 400
    (message,) = response.context["form"].errors["file"]
    assert "cannot be read" in message or "not an XLSX" in message
    assert PartnerBody.objects.count() == before


@pytest.mark.django_db
def test_the_import_page_refuses_the_bomb_with_the_row_limit(personas, client_for):
    bomb = with_sheet(small_xlsx([HEADER]), million_rows(1_500_000))
    response = client_for(personas.ico).post(
        reverse("partners:body_import"), {"file": upload(bomb)}
    )
    assert response.status_code == 400
    assert f"more than {MAX_IMPORT_ROWS}" in response.context["form"].errors["file"][0].replace(
        ",", ""
    )
