"""The case page's panel "Who has seen the victims' data", fetched by htmx when opened:
the looks at the victims' personal data from the audit trail, newest first, by page. The
panel is itself a read of the audit trail, and is recorded as one."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from liaison.core.choices import Role
from liaison.core.looks import audit_trail_read
from liaison.core.permissions import Perm, require

from .. import selectors
from ..access_review import LOOKED_AT, victim_data_looks

PER_PAGE = 20


@require_GET
def access_history(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    case = selectors.get_case_for_user(user, pk)  # 404 out of scope, 403 without cases
    require(user, Perm.VIEW_CASE_PERSONAL)  # who looked at a victim is about the victim
    page = Paginator(victim_data_looks(case), PER_PAGE).get_page(request.GET.get("page"))
    audit_trail_read(
        user,
        shown=f"who viewed the victims of {case.reference}: page {page.number}",
        filters=f"case={case.pk}&page={page.number}",
    )
    roles = dict(Role.choices)
    rows = [
        {
            "event": event,
            "role": roles.get(event.actor_role, event.actor_role),
            "looked_at": LOOKED_AT.get(event.object_type, ""),
        }
        for event in page.object_list
    ]
    return render(
        request,
        "cases/case/access_history.html",
        {"case": case, "page": page, "rows": rows},
    )
