"""The import page every domain shares: upload a CSV/XLSX file, import all rows or none,
and on refusal show the problems row by row with a CSV report to download. A file of more
than `LIAISON_IMPORT_INLINE_ROWS` rows is imported by a job (`register_import`): the page
shows its progress, and its result message carries the same row-by-row report."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import jobs
from .formstyle import bootstrapify
from .importing import ImportFileError, ImportResult, read_table
from .permissions import Perm, require, signed_in_user

MAX_PROBLEMS_SHOWN = 200
_REPORT_KEY = "import-report-{}"


class ImportUploadForm(forms.Form):
    file = forms.FileField(label=_("File (.csv or .xlsx)"))


def import_page(
    request: HttpRequest,
    *,
    perm: Perm,
    run: Callable[[list[dict]], ImportResult],
    template: str,
    success_message: str,
    success_url: str,
    report_url_name: str,
    context: dict,
    job_kind: str,
) -> HttpResponse:
    """`run(table)` imports the validated rows (a domain service); the rest is the same
    for every import. A large file goes to the job `job_kind` (see `register_import`)."""
    require(request.user, perm)
    posted = request.method == "POST"
    form = ImportUploadForm(request.POST if posted else None, request.FILES if posted else None)
    result, report_token = None, None
    if posted and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            table = read_table(upload)
            if len(table) > settings.LIAISON_IMPORT_INLINE_ROWS:
                return _queue_import(request, job_kind, upload, rows=len(table))
            result = run(table)
        except ImportFileError as error:
            form.add_error("file", str(error))
        else:
            if result.ok:
                messages.success(request, success_message % {"n": result.created})
                return redirect(success_url)
            report_token = uuid.uuid4().hex
            request.session[_REPORT_KEY.format(report_token)] = result.report_csv()
    return render(
        request,
        template,
        {
            **context,
            "form": bootstrapify(form),
            "result": result,
            "report_token": report_token,
            "report_url_name": report_url_name,
            "problems": result.problems[:MAX_PROBLEMS_SHOWN] if result else [],
        },
        status=400 if posted else 200,
    )


def import_report(request: HttpRequest, *, perm: Perm, token: str, filename: str) -> HttpResponse:
    """The row-by-row problems of a refused import, as CSV; only in the session that ran it."""
    require(request.user, perm)
    report = request.session.get(_REPORT_KEY.format(token))
    if report is None:
        raise Http404
    response = HttpResponse(report, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _queue_import(request: HttpRequest, job_kind: str, upload, *, rows: int) -> HttpResponse:
    """Keeps the file in the storage (the worker may be on another machine) and queues it."""
    upload.seek(0)
    path = default_storage.save(f"jobs/uploads/{uuid.uuid4().hex}/{upload.name}", upload)
    with transaction.atomic():
        job = jobs.enqueue(
            job_kind,
            requested_by=signed_in_user(request),
            params={"upload": path, "filename": upload.name},
            reason=f"{rows} rows",
        )
    messages.info(
        request,
        gettext("The file has %(n)s rows: it is imported in the background.") % {"n": rows},
    )
    return redirect("core:job_detail", pk=job.pk)


def register_import(
    name: str,
    *,
    label,
    service: Callable[..., ImportResult],
    success_message,
    report_filename: str,
) -> None:
    """The job that imports a large file with `service(actor=…, table=…)`, all or nothing,
    as the page does; refused, it ends with the row-by-row report as its file."""

    def import_file(run: jobs.JobRun, *, upload: str, filename: str) -> jobs.JobOutcome:
        actor = run.requester
        if actor is None:
            raise jobs.JobRefused(gettext("An import needs the person who asked for it."))
        table = _stored_table(upload, filename)
        result = service(actor=actor, table=table)
        transaction.on_commit(lambda: default_storage.delete(upload))
        if result.ok:
            return jobs.JobOutcome(
                summary=str(success_message) % {"n": result.created},
                data={"rows": result.rows, "created": result.created},
            )
        return jobs.JobOutcome(
            summary=gettext(
                "Nothing was imported: %(problems)s problems in a file of %(rows)s rows. "
                "The report lists them row by row."
            )
            % {"problems": len(result.problems), "rows": result.rows},
            data={"rows": result.rows, "created": 0, "problems": len(result.problems)},
            file=(report_filename, result.report_csv().encode("utf-8")),
        )

    jobs.kind(name, label=label, atomic=True, max_attempts=2)(import_file)


def _stored_table(upload: str, filename: str) -> list[dict]:
    try:
        with default_storage.open(upload, "rb") as stored:
            return read_table(File(stored, name=filename))
    except FileNotFoundError:
        raise jobs.JobRefused(gettext("The uploaded file is no longer there.")) from None
    except ImportFileError as error:
        raise jobs.JobRefused(str(error)) from None
