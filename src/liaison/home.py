"""The home page: one card per domain the reader may see. It reads every domain, so it lives
at the project level, above them all (as NetBox's home view lives in netbox/views)."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from liaison.agreements.selectors import dashboard_summary
from liaison.cases.dashboard import home_summary as cases_summary
from liaison.core.choices import Role
from liaison.core.middleware import AuthenticatedRequest
from liaison.core.models import AuditEvent, User
from liaison.core.permissions import Perm, can
from liaison.partners.selectors import directory_summary
from liaison.personnel.selectors import home_summary as personnel_summary


@require_GET
def home(request: AuthenticatedRequest) -> HttpResponse:
    return render(
        request, "home.html", {"cards": dashboard_cards(request.user), "active_nav": "home"}
    )


def dashboard_cards(user: User) -> list[dict]:
    """The home page: one card per domain the user may see; domains not built yet say so."""
    cards: list[dict[str, Any]] = []
    if can(user, Perm.VIEW_DIRECTORY):
        cards.append(
            {"key": "partners", "title": _("Partner directory"), "summary": directory_summary(user)}
        )
    if can(user, Perm.VIEW_AGREEMENTS):
        cards.append(
            {
                "key": "agreements",
                "title": _("Agreements (MOUs)"),
                "summary": dashboard_summary(user, today=timezone.localdate()),
            }
        )
    if can(user, Perm.VIEW_CASES):
        cards.append(
            {
                "key": "cases",
                "title": _("Cases of nationals abroad"),
                "summary": cases_summary(user),
            }
        )
        cards.append(
            {
                "key": "personnel",
                "title": _("Overseas posts"),
                "summary": personnel_summary(user),
            }
        )
    for key, title in (("programmes", _("Programmes and multilateral work")),):
        if user.role not in (Role.AUDITOR, Role.PARTNER_LIAISON):
            cards.append({"key": key, "title": title, "placeholder": True})
    if can(user, Perm.VIEW_AUDIT):
        today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
        cards.append(
            {
                "key": "audit",
                "title": _("Audit trail"),
                "summary": {
                    "events_today": AuditEvent.objects.filter(at__gte=today).count(),
                    "failed_logins_today": AuditEvent.objects.filter(
                        at__gte=today, action="login_failed"
                    ).count(),
                },
            }
        )
    return cards
