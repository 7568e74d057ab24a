"""The exact search by passport or ID number, for the list of cases and the list of
reports: the number comes by POST and is kept in the session only as its keyed hashes,
under a random token that the list's address carries (cases.forms.passport)."""

from __future__ import annotations

import secrets
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from liaison.core import audit
from liaison.core.choices import AuditAction
from liaison.core.permissions import Perm, refuse, require

from .. import permissions, protect
from ..forms.passport import PassportSearch, PassportSearchForm

# The searches a session keeps, newest last, so the list's pages, filters and export still
# apply to the last few.
PASSPORT_SEARCHES = "cases:passport-searches"
KEPT_SEARCHES = 5
# Where the results are shown: the list searched from, and the filter that shows every
# status there.
LISTS = {"cases": ("cases:list", {"status": "all"}), "reports": ("cases:report_list", {})}


def kept_searches(session: SessionBase) -> dict[str, PassportSearch]:
    return {
        token: PassportSearch(hashes=tuple(kept["hashes"]), masked=kept["masked"])
        for token, kept in session.get(PASSPORT_SEARCHES, {}).items()
    }


def passport_search_context(user, form) -> dict:
    """What a list page shows of the search: the form to those who may search, and the
    masked number of the search the list shows, if any."""
    if not permissions.sees_passports(user):
        return {"passport_form": None, "passport_searched": ""}
    found = form.cleaned_data.get("passport_search") if form.is_bound and form.is_valid() else None
    return {
        "passport_form": PassportSearchForm(),
        "passport_searched": found.masked if found else "",
    }


@require_POST
def passport_search(request: HttpRequest) -> HttpResponse:
    """Keeps the search and shows its results at an address without the number; the
    search is recorded with the number masked and the start of its keyed hash."""
    user = request.user
    require(user, Perm.VIEW_CASES)
    if not permissions.sees_passports(user):
        refuse(user, what="cases.case:passport-search")
    url_name, shown = LISTS.get(request.POST.get("list", ""), LISTS["cases"])
    form = PassportSearchForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["passport"]))
        return redirect(url_name)
    number = form.cleaned_data["passport"]
    token = secrets.token_urlsafe(12)
    kept = list(request.session.get(PASSPORT_SEARCHES, {}).items())[-(KEPT_SEARCHES - 1) :]
    request.session[PASSPORT_SEARCHES] = {
        **dict(kept),
        token: {"hashes": protect.blind_indexes(number), "masked": protect.mask(number)},
    }
    audit.record(
        AuditAction.VIEW,
        actor=user,
        object_type="cases.report" if url_name == "cases:report_list" else "cases.case",
        object_repr="passport search",
        reason="passport=" + protect.recorded(number),
    )
    return redirect(reverse(url_name) + "?" + urlencode({"passport_search": token, **shown}))
