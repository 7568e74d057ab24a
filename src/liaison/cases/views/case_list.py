"""The working list of cases: filters, saved filters and export. Each view parses input,
calls one selector, renders."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from liaison.core import audit, mfa
from liaison.core.choices import AuditAction
from liaison.core.listing import build_listing, export_audited, wants_export
from liaison.core.models import SavedFilter
from liaison.core.permissions import Perm, can, require

from .. import permissions, selectors
from ..forms import casework as forms
from .passport_search import kept_searches, passport_search_context

NAV = {"active_nav": "cases"}
PER_PAGE = 50
# Never kept in a saved filter: the page, an export, and a passport search.
NOT_SAVED = ("page", "export", "passport_search")


@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(user, Perm.VIEW_CASES)
    columns = selectors.columns_for(user)
    listing, queryset = build_listing(
        request,
        selectors.list_queryset(user),
        form_class=forms.CaseFilterForm,
        form_kwargs={
            "may_search_passports": permissions.sees_passports(user),
            "may_search_people": permissions.sees_personal_data(user),
            "passport_searches": kept_searches(request.session),
        },
        columns=columns,
        apply_filters=selectors.case_filter,  # the search too: names, phones, references
        default_sort=selectors.default_sort,
        order=selectors.ordered,
        per_page=PER_PAGE,
    )
    if fmt := wants_export(request):
        if permissions.sees_personal_data(user) and (
            again := mfa.reauthentication_required(request)
        ):
            return again
        return _export(request, selectors.export_queryset(queryset, user), columns, fmt)
    personal = permissions.sees_personal_data(user)
    page = listing.page
    page.object_list = selectors.list_rows(page.object_list, names=personal)
    return render(
        request,
        "cases/case/list.html",
        {
            **NAV,
            "listing": listing,
            "total_text": _total_text(listing.total),
            "can_export": can(user, Perm.EXPORT_DATA),
            "can_work": can(user, Perm.WORK_CASES),
            "personal": personal,
            "saved_filters": selectors.saved_filters(user),
            "save_form": forms.SavedFilterForm(initial={"query": _saveable(request.GET)}),
            **passport_search_context(user, listing.form),
        },
    )


def _total_text(total: int) -> str:
    # The list counts at most COUNT_CAP + 1 cases: past that it says "more than".
    if total > selectors.COUNT_CAP:
        return _("more than %(n)s cases") % {"n": selectors.COUNT_CAP}
    return ngettext("%(counter)s case", "%(counter)s cases", total) % {"counter": total}


def _export(request, queryset, columns, fmt):
    """The export, audited; a passport search is recorded by its masked number, and never
    left to a job (which has no session to find it in): that export is made at once."""
    token = request.GET.get("passport_search")
    request.GET = selectors.filters_recorded(request.GET, kept_searches(request.session))
    return export_audited(
        request, queryset, columns, fmt=fmt, filename="cases", may_queue=not token
    )


def _saveable(query: QueryDict) -> str:
    kept = query.copy()
    for key in NOT_SAVED:
        kept.pop(key, None)
    return kept.urlencode()


@require_POST
def saved_filter_save(request: HttpRequest) -> HttpResponse:
    """Saves the list's current filters under a name (the same name replaces them)."""
    require(request.user, Perm.VIEW_CASES)
    form = forms.SavedFilterForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the filter a name (up to 100 characters)."))
        return redirect("cases:list")
    query = _saveable(QueryDict(form.cleaned_data["query"]))
    with transaction.atomic():
        saved, created = SavedFilter.objects.update_or_create(
            owner=request.user,
            list_name=selectors.SAVED_FILTER_LIST,
            name=form.cleaned_data["name"].strip(),
            defaults={"query": query},
        )
        if created:
            audit.record_created(saved, actor=request.user)
    messages.success(request, _("The filter '%(name)s' is saved.") % {"name": saved.name})
    return redirect(reverse("cases:list") + "?" + query)


@require_POST
def saved_filter_delete(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Perm.VIEW_CASES)
    saved = get_object_or_404(selectors.saved_filters(request.user), pk=pk)
    with transaction.atomic():
        audit.record(AuditAction.DELETE, actor=request.user, obj=saved)
        saved.delete()
    messages.success(request, _("The filter '%(name)s' is deleted.") % {"name": saved.name})
    return redirect("cases:list")
