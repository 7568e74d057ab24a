"""The auditor's monthly access review: a month picker, the unusual days, who viewed which
data subjects (by page), and the same rows as CSV through the lists' export."""

from __future__ import annotations

import datetime

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from . import access_review, looks
from .choices import Role
from .formstyle import bootstrapify
from .listing import Column, export_audited, wants_export
from .middleware import AuthenticatedRequest
from .permissions import Perm, require

PER_PAGE = 100
MAX_PAGE = 10_000


class MonthForm(forms.Form):
    month = forms.DateField(
        label=gettext_lazy("Month"),
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        error_messages={"invalid": gettext_lazy("Give the month as YYYY-MM.")},
    )

    def clean_month(self) -> datetime.date:
        month = self.cleaned_data["month"]
        if month > timezone.localtime(timezone.now(), access_review.agency_zone()).date():
            raise forms.ValidationError(_("The month has not begun yet."))
        if month.year < 2000:
            raise forms.ValidationError(_("Give a month from 2000 on."))
        return month


def _page_number(given: str | None) -> int:
    """The page asked for; anything but a page number is the first (as Django's paginator)."""
    try:
        return min(max(int(given or 1), 1), MAX_PAGE)
    except ValueError:
        return 1


def _role(value: str) -> str:
    return str(dict(Role.choices).get(value, value))


COLUMNS = [
    Column("actor_label", gettext_lazy("User"), value=lambda r: r["actor_label"]),
    Column("actor_role", gettext_lazy("Role"), value=lambda r: _role(r["actor_role"])),
    Column("object_type", gettext_lazy("Record type"), value=lambda r: r["object_type"]),
    Column("object_id", gettext_lazy("Record id"), value=lambda r: r["object_id"]),
    Column("record", gettext_lazy("Record"), value=lambda r: r["record"]),
    Column("views", gettext_lazy("Views"), value=lambda r: r["views"]),
    Column("first", gettext_lazy("First view"), value=lambda r: r["first"]),
    Column("last", gettext_lazy("Last view"), value=lambda r: r["last"]),
]


@require_GET
def access_review_page(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, Perm.VIEW_AUDIT)
    today = timezone.localtime(timezone.now(), access_review.agency_zone()).date()
    form = bootstrapify(
        MonthForm(request.GET or {"month": f"{access_review.previous_month(today):%Y-%m}"})
    )
    if not form.is_valid():
        return render(
            request, "core/access_review.html", {"form": form, "active_nav": "audit"}, status=400
        )
    month = form.cleaned_data["month"]
    rows = access_review.subjects_viewed(month)
    if fmt := wants_export(request):
        return export_audited(
            request,
            rows,
            COLUMNS,
            fmt=fmt,
            filename=f"access-review-{month:%Y-%m}",
            perm=Perm.VIEW_AUDIT,
            may_queue=False,  # its rows are grouped: the export job's size check reads pks
        )
    number = _page_number(request.GET.get("page"))
    # A page and one row more, to know whether another follows: counting every group of a
    # busy month would cost as much as reading them all.
    shown = list(rows[(number - 1) * PER_PAGE : number * PER_PAGE + 1])
    looks.audit_trail_read(
        request.user,
        shown=f"access review {month:%Y-%m}: page {number}",
        filters=looks.filters_text(request.GET),
    )
    return render(
        request,
        "core/access_review.html",
        {
            "form": form,
            "month": month,
            "review": access_review.review_of(month),
            "number": number,
            "previous": number - 1,
            "next": number + 1 if len(shown) > PER_PAGE else None,
            "rows": [{**row, "role": _role(row["actor_role"])} for row in shown[:PER_PAGE]],
            "factor": access_review.FACTOR,
            "floor": access_review.FLOOR,
            "median_days": access_review.MEDIAN_DAYS,
            "active_nav": "audit",
        },
    )
