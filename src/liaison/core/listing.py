"""List pages: search, filters, sorting, pagination and CSV/XLSX export, the same way on
every list of the product. A list page describes its columns once; the page and the
export both come from that description."""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import audit, jobs, purpose
from .choices import AuditAction
from .formstyle import bootstrapify
from .permissions import Perm, require, signed_in_user
from .routing import read_on_replica

EXPORT_FORMATS = ("csv", "xlsx")
EXPORT_ROW_LIMIT = 100_000
ROWS_HEADER = "X-Exported-Rows"
# Spreadsheet programs run cells that start like a formula; such text is exported quoted.
# A plain number or phone number (+855 23 720 000) cannot call anything and stays as is.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[+-]?[0-9][0-9 ().-]*$")


@dataclass(frozen=True)
class Column:
    key: str
    label: Any
    value: Callable[[Any], Any] | None = None
    sort: str | None = None  # the ordering expression, when the column can be sorted

    def read(self, row: Any) -> Any:
        if self.value is not None:
            return self.value(row)
        value = row
        for part in self.key.split("__"):
            value = getattr(value, part, None) if value is not None else None
        return value


@dataclass
class Listing:
    page: Any
    form: forms.Form
    sort: str
    columns: list[Column]
    querystring: QueryDict
    total: int
    extra: dict = field(default_factory=dict)

    def sort_link(self, column: Column) -> str:
        query = self.querystring.copy()
        query.pop("page", None)
        query["sort"] = f"-{column.key}" if self.sort == column.key else column.key
        return "?" + query.urlencode()

    def page_link(self, number: int) -> str:
        query = self.querystring.copy()
        query["page"] = str(number)
        return "?" + query.urlencode()

    def export_link(self, fmt: str) -> str:
        query = self.querystring.copy()
        query.pop("page", None)
        query["export"] = fmt
        return "?" + query.urlencode()

    # Templates cannot call methods with arguments; these expose the links they need.
    @cached_property  # the header reads it once per column
    def sort_links(self) -> list[tuple[str, str]]:
        return [(c.key, self.sort_link(c)) for c in self.columns if c.sort]

    @property
    def export_query(self) -> list[tuple[str, str]]:
        """The filters as hidden fields of the form that asks an export's purpose."""
        skipped = {"page", "export", *purpose.FIELDS}
        return [
            (k, v) for k, values in self.querystring.lists() if k not in skipped for v in values
        ]

    @property
    def export_link_csv(self) -> str:
        return self.export_link("csv")

    @property
    def export_link_xlsx(self) -> str:
        return self.export_link("xlsx")

    @property
    def previous_link(self) -> str:
        return self.page_link(self.page.previous_page_number()) if self.page.has_previous() else ""

    @property
    def next_link(self) -> str:
        return self.page_link(self.page.next_page_number()) if self.page.has_next() else ""


class ListFilterForm(forms.Form):
    """Base of every list's filter form: a free-text search and a sort key."""

    compact = True  # drawn with Bootstrap's small controls above the list

    q = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=200)
    sort = forms.CharField(required=False, max_length=60, widget=forms.HiddenInput)


def days_between(
    queryset: QuerySet, field: str, first: datetime.date | None, last: datetime.date | None
) -> QuerySet:
    """The records whose `field` falls on `first` or after and on `last` or before, each day
    bounded at midnight in the reader's time zone: the one date rule of every list, page
    or API."""
    if first:
        queryset = queryset.filter(**{f"{field}__gte": _midnight(first)})
    if last:
        queryset = queryset.filter(**{f"{field}__lt": _midnight(last + datetime.timedelta(days=1))})
    return queryset


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def cleaned_filters(form_class: type[forms.Form], params: dict, **form_kwargs) -> dict:
    """A list's filters given to the API, cleaned by the page's own filter form, so that
    the API and the page read them alike; what the form refuses is refused (422) with its
    messages on their fields."""
    form = form_class({k: v for k, v in params.items() if v is not None}, **form_kwargs)
    if not form.is_valid():
        raise ValidationError(
            {field or "": [str(m) for m in messages] for field, messages in form.errors.items()}
        )
    return form.cleaned_data


def search(queryset: QuerySet, text: str, fields: Iterable[str]) -> QuerySet:
    """Every word must appear in at least one of the fields (case-insensitive)."""
    for word in text.split():
        condition = Q()
        for name in fields:
            condition |= Q(**{f"{name}__icontains": word})
        queryset = queryset.filter(condition)
    return queryset


def build_listing(
    request: HttpRequest,
    queryset: QuerySet,
    *,
    form_class: type[ListFilterForm],
    columns: list[Column],
    apply_filters: Callable[[QuerySet, dict], QuerySet] | None = None,
    default_sort: str | Callable[[dict], str],
    order: Callable[[QuerySet, str], QuerySet] | None = None,
    per_page: int = 25,
    form_kwargs: dict | None = None,
) -> tuple[Listing, QuerySet]:
    """Validates the filters (a bad value is shown on the form, not a 500), then searches,
    filters, sorts and paginates. Returns the listing and the full filtered queryset.

    `apply_filters` is the list's selector, the search box ("q") included, which the API
    calls too so that both read alike; a list whose default order depends on the filters
    gives `default_sort` as a function of them; one sorted by several keys gives
    `order(queryset, sort)`."""
    form = bootstrapify(form_class(request.GET or None, **(form_kwargs or {})))
    data: dict = {}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
    elif form.is_bound:
        queryset = queryset.none()
    bootstrapify(form)  # again, now that errors are known
    if apply_filters is not None:
        queryset = apply_filters(queryset, data)
    sortable = {c.key: c.sort for c in columns if c.sort}
    fallback = default_sort(data) if callable(default_sort) else default_sort
    sort = data.get("sort") or fallback
    if sort.lstrip("-") not in sortable:
        sort = fallback
    queryset = order(queryset, sort) if order else _ordered(queryset, sort, sortable)
    paginator = Paginator(queryset, per_page)
    page = paginator.get_page(request.GET.get("page"))
    listing = Listing(
        page=page,
        form=form,
        sort=sort,
        columns=columns,
        querystring=request.GET,
        total=paginator.count,
    )
    return listing, queryset


def _ordered(queryset: QuerySet, sort: str, sortable: dict[str, str]) -> QuerySet:
    expression = sortable[sort.lstrip("-")]
    return queryset.order_by(f"-{expression}" if sort.startswith("-") else expression, "pk")


def wants_export(request: HttpRequest) -> str | None:
    fmt = request.GET.get("export")
    return fmt if fmt in EXPORT_FORMATS else None


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if hasattr(value, "tzinfo") and getattr(value, "hour", None) is not None and value.tzinfo:
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if not isinstance(value, int | float | str):
        value = str(value)
    if (
        isinstance(value, str)
        and value.startswith(_FORMULA_START)
        and not _PLAIN_NUMBER.match(value)
    ):
        return "'" + value
    return value


def export_response(
    rows: Iterable[Any], columns: list[Column], *, fmt: str, filename: str
) -> HttpResponse:
    """The rows as a CSV (UTF-8 with BOM, so spreadsheet programs read Hangul) or XLSX file."""
    header = [str(c.label) for c in columns]
    body = ([_cell(c.read(row)) for c in columns] for row in rows)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if fmt == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title=filename[:31])
        sheet.append(header)
        for values in body:
            sheet.append(values)
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        text = io.StringIO()
        text.write("\ufeff")
        writer = csv.writer(text)
        writer.writerow(header)
        writer.writerows(body)
        response = HttpResponse(text.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.{fmt}"'
    return response


def export_audited(
    request: HttpRequest,
    queryset: QuerySet,
    columns: list[Column],
    *,
    fmt: str,
    filename: str,
    perm=None,
    may_queue: bool = True,
    personal: bool = False,
) -> HttpResponse:
    """Exports what the list shows, after checking the right to export, and records it.
    An export of personal data (`personal`) states its purpose in the query (core.purpose);
    without one it is refused (400) with the form that asks for it.

    Past `LIAISON_EXPORT_INLINE_ROWS` rows the export leaves the request: a job renders
    the same list, as the same person, and its result carries the file. `may_queue` is
    False when the query holds what must not be stored (an exact passport number). The
    rows may come from the read replica (a moment behind); the record goes to the primary."""
    require(request.user, perm or Perm.EXPORT_DATA)
    stated = ""
    if personal:
        form = purpose.purpose_form(request, request.GET)
        if not form.is_valid():
            return purpose_refused(request, form, export=fmt)
        stated = form.stated
        purpose.remember(request, stated)
    if may_queue and jobs.current_run() is None and _large(queryset):
        return _queue_export(request, filename)
    rows = read_on_replica(lambda: list(queryset[:EXPORT_ROW_LIMIT]))
    audit.record(
        AuditAction.EXPORT,
        actor=request.user,
        object_type=f"{queryset.model._meta.app_label}.{queryset.model._meta.model_name}",
        object_repr=f"{len(rows)} rows, {fmt}",
        reason="filters: "
        + (
            "&".join(
                f"{k}={v}"
                for k, v in request.GET.items()
                if k != "export" and k not in purpose.FIELDS
            )
            or "none"
        ),
        purpose=stated,
    )
    response = export_response(rows, columns, fmt=fmt, filename=filename)
    response[ROWS_HEADER] = str(len(rows))  # for the export job's summary
    return response


def purpose_refused(request: HttpRequest, form: forms.Form, *, export: str) -> HttpResponse:
    """400: the export of personal data without its purpose, and the form that asks for
    it, sent again with the same filters."""
    kept = [
        (k, v)
        for k, values in request.GET.lists()
        if k != "export" and k not in purpose.FIELDS
        for v in values
    ]
    context = {"form": form, "query": kept, "export": export, "action": request.path}
    return render(request, "core/purpose_required.html", context, status=400)


def _large(queryset: QuerySet) -> bool:
    limit = settings.LIAISON_EXPORT_INLINE_ROWS
    past_the_limit = queryset.order_by().values_list("pk", flat=True)[limit : limit + 1]
    return bool(list(past_the_limit))


def _queue_export(request: HttpRequest, filename: str) -> HttpResponse:
    with transaction.atomic():
        job = jobs.enqueue(
            "core.export",
            requested_by=signed_in_user(request),
            params={"path": request.path, "query": request.GET.urlencode(), "list": filename},
        )
    messages.info(
        request,
        _("The export is large: it is made in the background, and this page offers it when ready."),
    )
    return redirect("core:job_detail", pk=job.pk)


@jobs.kind("core.export", label=gettext_lazy("Export of a list"), max_attempts=2)
def export_list(run: jobs.JobRun, *, path: str, query: str, list: str) -> jobs.JobOutcome:
    """Renders the list's own export view as the person who asked, with their filters and
    rights as they are now; its file becomes the job's."""
    if run.requester is None or not run.requester.is_active:
        raise jobs.JobRefused(_("An export needs the person who asked for it."))
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = path
    request.GET = QueryDict(query)
    request.user = run.requester
    request.META = {"SERVER_NAME": "liaison-worker", "SERVER_PORT": "443"}
    try:
        match = resolve(path)
    except Resolver404:
        raise jobs.JobRefused(_("This list no longer exists.")) from None
    response = match.func(request, *match.args, **match.kwargs)
    disposition = response.get("Content-Disposition", "")
    name = re.search(r'filename="([^"]+)"', disposition)
    if response.status_code != 200 or name is None:
        raise jobs.JobRefused(
            _("The export could not be made (answer %(code)s).") % {"code": response.status_code}
        )
    rows = int(response.get(ROWS_HEADER, 0))
    return jobs.JobOutcome(
        summary=_("%(n)s rows of the list are exported.") % {"n": f"{rows:,}"},
        data={"rows": rows, "list": list},
        file=(name.group(1), response.content),
    )
