"""Analysis pages: the case dashboard with its map, and the response-time targets."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from liaison.core.formstyle import bootstrapify
from liaison.core.permissions import Perm, require
from liaison.core.routing import reads_from_replica
from liaison.core.views import save_form

from .. import dashboard as figures
from ..choices import Milestone, Priority
from ..forms.analysis import DashboardFilterForm, TargetsForm, target_field_name
from ..services import targets

NAV = {"active_nav": "cases"}


@require_GET
@reads_from_replica  # figures that may be a moment behind (core/routing.py)
def dashboard(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.VIEW_CASES)
    first_year = figures.first_year(figures.scoped(request.user))
    form = bootstrapify(DashboardFilterForm(request.GET or None, first_year=first_year))
    if form.is_bound and not form.is_valid():
        return render(request, "cases/analysis/dashboard.html", {**NAV, "form": form}, status=400)
    data = form.cleaned_data if form.is_bound else {}
    context = figures.dashboard(request.user, year=data.get("year"), country=data.get("country"))
    return render(request, "cases/analysis/dashboard.html", {**NAV, "form": form, **context})


def _target_rows(form: TargetsForm) -> list[dict]:
    """The table the page draws: one row per priority, one cell per step."""
    return [
        {
            "label": label,
            "priority": priority,
            "cells": [
                {
                    "field": form[target_field_name(priority, milestone)],
                    "default": targets.DEFAULT_HOURS[(priority, milestone)],
                }
                for milestone in Milestone.values
            ],
        }
        for priority, label in Priority.choices
    ]


@require_http_methods(["GET", "POST"])
def response_targets(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.MANAGE_CASE_SETTINGS)
    current = {target_field_name(p, m): h for (p, m), h in targets.hours_table().items()}
    form = TargetsForm(request.POST or None, initial=current)
    saved = save_form(
        request, form, lambda _data: targets.targets_update(actor=request.user, hours=form.hours())
    )
    if saved is not None:
        messages.success(
            request,
            _("The targets are saved; the due times of %(n)s open cases are recomputed.")
            % {"n": saved},
        )
        return redirect("cases:targets")
    return render(
        request,
        "cases/analysis/targets.html",
        {**NAV, "form": form, "rows": _target_rows(form), "steps": Milestone.choices},
        status=400 if request.method == "POST" else 200,
    )
