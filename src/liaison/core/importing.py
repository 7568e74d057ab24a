"""All-or-nothing imports from CSV or XLSX: every row is validated first; if any row is
wrong nothing is written and the person gets a row-by-row report to download."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from defusedxml import ElementTree  # an uploaded XLSX is untrusted XML
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

from . import jobs

MAX_IMPORT_ROWS = 20_000
# The XML elements (rows, cells, values) of one part of an XLSX file: a hundred for each
# row allowed, far more than any import's columns.
MAX_XLSX_ELEMENTS = 100 * (MAX_IMPORT_ROWS + 1)
_CSV_ENCODINGS = ("utf-8-sig", "cp949")  # cp949: what Korean spreadsheet programs save


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message is safe to show."""


@dataclass
class RowProblem:
    row: int  # as the person sees it in their spreadsheet: the header is row 1
    field: str
    message: str


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def report_csv(self) -> str:
        buffer = io.StringIO()
        buffer.write("\ufeff")
        writer = csv.writer(buffer)
        writer.writerow([_("row"), _("column"), _("problem")])
        writer.writerows([p.row, p.field, p.message] for p in self.problems)
        return buffer.getvalue()


def read_table(upload: File) -> list[dict[str, str]]:
    """Rows of a CSV or XLSX upload as dicts keyed by the lower-cased header. The rows are
    read one by one and reading stops past MAX_IMPORT_ROWS: a small file that unpacks to
    millions of rows is refused after the limit, not read whole."""
    if upload.size is not None and upload.size > settings.LIAISON_MAX_UPLOAD_BYTES:
        raise ImportFileError(_("The file is larger than the upload limit."))
    name = (upload.name or "").lower()
    data = upload.read()
    if name.endswith(".xlsx"):
        rows = _read_xlsx(data)
    elif name.endswith(".csv"):
        rows = _read_csv(data)
    else:
        raise ImportFileError(_("Upload a .csv or .xlsx file."))
    first = next(rows, None)
    if first is None:
        raise ImportFileError(_("The file has no header row."))
    header = [str(h or "").strip().lower() for h in first]
    table = []
    for count, values in enumerate(rows, start=1):
        if count > MAX_IMPORT_ROWS:
            raise ImportFileError(_("The file has more than %(n)s rows.") % {"n": MAX_IMPORT_ROWS})
        cells = ["" if v is None else str(v).strip() for v in values]
        if any(cells):
            table.append(dict(zip(header, cells + [""] * (len(header) - len(cells)), strict=False)))
    return table


def _read_csv(data: bytes) -> Iterator[list[str]]:
    if data[:4] == b"PK\x03\x04" or b"\x00" in data[:1024]:
        raise ImportFileError(_("The file is not a CSV text file; is it a spreadsheet named .csv?"))
    for encoding in _CSV_ENCODINGS:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportFileError(_("The CSV file is not in UTF-8 or CP949 text."))
    return _csv_rows(text)


def _csv_rows(text: str) -> Iterator[list[str]]:
    try:
        yield from csv.reader(io.StringIO(text))
    except csv.Error as exc:  # a NUL further in, a field past the csv module's limit
        raise ImportFileError(_("The CSV file cannot be read: %(error)s") % {"error": exc}) from exc


def _read_xlsx(data: bytes) -> Iterator[list[Any]]:
    if data[:4] != b"PK\x03\x04":
        raise ImportFileError(_("The file is not an XLSX spreadsheet."))
    return _xlsx_rows(data)


def _xlsx_rows(data: bytes) -> Iterator[list[Any]]:
    from openpyxl import load_workbook

    # Read-only: each row is parsed from the zipped sheet as it is asked for. A broken file
    # fails anywhere in openpyxl, zipfile, zlib or the XML parser, on opening or on any
    # row, with errors of many kinds; each is the same refusal to the person.
    try:
        _refuse_oversized_sheets(data)
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            for row in workbook.worksheets[0].iter_rows(values_only=True):
                yield list(row)
        finally:
            workbook.close()
    except ImportFileError:
        raise
    except Exception as exc:
        raise ImportFileError(_("The XLSX spreadsheet cannot be read.")) from exc


def _refuse_oversized_sheets(data: bytes) -> None:
    """Counts the rows of every XML part, stopping past the limit. openpyxl, even read-only,
    reads a sheet whole on opening when it lacks its <dimension> element: a 470 KB file of
    1.5 million empty rows would hold the worker for minutes before the first row."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.endswith(".xml"):
                with archive.open(name) as part:
                    _count_rows(part)


def _count_rows(part) -> None:
    rows = 0
    # The parts are parsed by openpyxl next with the same parser; expat refuses entity
    # expansion bombs itself (Python 3.11+).
    parsed = ElementTree.iterparse(part, events=("start",))
    for elements, (_event, element) in enumerate(parsed, start=1):
        if element.tag == "row" or element.tag.endswith("}row"):
            rows += 1
            if rows > MAX_IMPORT_ROWS + 1:  # the header and the rows allowed
                raise ImportFileError(
                    _("The file has more than %(n)s rows.") % {"n": MAX_IMPORT_ROWS}
                )
        if elements > MAX_XLSX_ELEMENTS:
            raise ImportFileError(_("The XLSX spreadsheet has too many cells to import."))


def run_import(
    table: list[dict[str, str]],
    *,
    row_form: type[forms.Form],
    save_row: Callable[[dict], Any],
    form_kwargs: dict | None = None,
) -> ImportResult:
    """Validates every row with `row_form`; writes them all with `save_row` in one
    transaction only if every row is valid. A failure while saving rolls back every row."""
    result = ImportResult(rows=len(table))
    cleaned_rows = []
    total = len(table)
    for number, values in enumerate(table, start=2):
        jobs.progress(number - 2, 2 * total, _("Checking the rows"))
        form = row_form(data=values, **(form_kwargs or {}))
        if form.is_valid():
            cleaned_rows.append((number, form.cleaned_data))
            continue
        for name, errors in form.errors.items():
            for message in errors:
                result.problems.append(
                    RowProblem(number, name if name != "__all__" else "", str(message))
                )
    if not result.ok or not table:
        if not table:
            result.problems.append(RowProblem(1, "", _("The file has no data rows.")))
        return result
    try:
        with transaction.atomic():
            for written, (number, data) in enumerate(cleaned_rows):
                jobs.progress(total + written, 2 * total, _("Writing the rows"))
                try:
                    save_row(data)
                except ValidationError as exc:
                    by_field = (
                        exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
                    )
                    for name, messages in by_field.items():
                        for message in messages:
                            result.problems.append(RowProblem(number, name, message))
            if result.problems:
                raise _RollBack
    except _RollBack:
        return result
    result.created = len(cleaned_rows)
    return result


class _RollBack(Exception):
    pass
