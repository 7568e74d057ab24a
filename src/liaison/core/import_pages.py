"""The import page every domain shares: upload a CSV/XLSX file, import all rows or none,
and on refusal show the problems row by row with a CSV report to download."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from .formstyle import bootstrapify
from .importing import ImportFileError, ImportResult, read_table
from .permissions import Perm, require

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
) -> HttpResponse:
    """`run(table)` imports the validated rows (a domain service); the rest is the same
    for every import."""
    require(request.user, perm)
    posted = request.method == "POST"
    form = ImportUploadForm(request.POST if posted else None, request.FILES if posted else None)
    result, report_token = None, None
    if posted and form.is_valid():
        try:
            result = run(read_table(form.cleaned_data["file"]))
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
