"""One case: its page with its tabs, the actions taken on it and their forms, the
printable summary, a passport number revealed and a document downloaded. Each view parses
input, calls one service or selector, renders."""

from __future__ import annotations

import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from liaison.core import audit, mfa
from liaison.core.formstyle import bootstrapify
from liaison.core.permissions import Perm, can, require
from liaison.core.views import apply_errors

from .. import documents, permissions, selectors, workflow
from ..choices import DOCUMENT_KINDS, CaseStatus, Outcome, VictimStatus
from ..models import Identifier
from ..services import people
from .case_actions import ACTIONS, action_target, blank_form

NAV = {"active_nav": "cases"}
TABS = ("overview", "people", "timeline", "work")


@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.get_case_for_page(request.user, pk)
    tab = request.GET.get("tab")
    return _detail(request, case, tab=tab if tab in TABS else "overview")


def _moves(case, can_work: bool) -> list[dict]:
    if not can_work:
        return []
    return [
        {
            "to": target,
            "label": rule.label,
            "needs_reason": rule.needs_reason,
            "closing": target == CaseStatus.CLOSED,
            "blocked": workflow.refusal_message(case, target),
        }
        for target, rule in workflow.moves_from(case)
        # Triage has its own form: it sets the priority as it acknowledges the report.
        if target != CaseStatus.TRIAGED
    ]


def _detail(request, case, *, tab: str, bound: tuple[str, object] | None = None, status=200):
    user = request.user
    personal = permissions.sees_personal_data(user)
    if personal:
        audit.record_viewed(case, actor=user)
    can_work = permissions.can_work(user, case)
    context = {
        **NAV,
        "case": case,
        "tab": tab,
        "tabs": TABS,
        "personal": personal,
        "may_reveal": permissions.sees_passports(user),
        "can_work": can_work,
        **selectors.facts(case),
        "outcomes": Outcome.choices,
        "moves": _moves(case, can_work),
        "forms": {},
    }
    if tab == "overview":
        context.update(selectors.overview(case, names=personal))
    elif tab == "people":
        context.update(selectors.people(case, user))
    elif tab == "timeline":
        context["entries"] = selectors.timeline(case)
    else:
        context["tasks"] = selectors.tasks(case)
        context["requests"] = selectors.partner_requests(case)
    if can_work:
        _add_open_forms(context, case, user, tab)
    if bound:
        _place_bound(context, *bound)
    return render(request, "cases/case/detail.html", context, status=status)


def _add_open_forms(context: dict, case, user, tab: str) -> None:
    """The forms the page shows open. The others sit in closed cards that fetch their
    fields when first opened (case_action_form): most are never opened, and their select
    lists of countries, agencies and officers cost more to draw than the rest of the page."""
    f = context["forms"]
    if case.status == CaseStatus.RECEIVED:
        f["triage"] = blank_form("triage", case, None, user)
    if tab == "people":
        corrects = can(user, Perm.CORRECT_CASE_RECORDS)
        for victim in context["victims"]:
            if workflow.VICTIMS.moves_from(victim):
                victim.status_form = blank_form("victim_status", case, victim, user)
            elif victim.status == VictimStatus.DECEASED and corrects:
                victim.correction_form = blank_form("victim_correct_death", case, victim, user)
    elif tab == "timeline":
        f["entry_add"] = blank_form("entry_add", case, None, user)


def _place_bound(context: dict, key: str, form) -> None:
    """Puts the submitted form, with its errors, where the page shows that form: a closed
    card shows it open instead of fetching an empty one."""
    bootstrapify(form)
    action, _sep, item = key.partition(":")
    attribute = ACTIONS[action].item_form_attribute
    if not (item and attribute):
        context["forms"][action] = form
        return
    for row in context.get(ACTIONS[action].item_list, []):
        if str(row.pk) == item:
            setattr(row, attribute, form)


@require_POST
def case_action(request: HttpRequest, pk: int, action: str, item: int | None = None):
    """One action on a case: 404 for a case outside the user's scope, 403 without the right
    to work cases, 400 with the errors on the form when the input or the service refuses."""
    case, row = action_target(request.user, pk, action, item)
    spec = ACTIONS[action]
    form = spec.form(case, row, request.user, request.POST, request.FILES if spec.files else None)
    if form.is_valid():
        try:
            message = spec.run(request.user, case, row, form.cleaned_data, form)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, message)
            return redirect(reverse("cases:detail", args=[case.pk]) + f"?tab={spec.tab}")
    case = selectors.get_case_for_user(request.user, pk)
    key = f"{action}:{item}" if item else action
    return _detail(request, case, tab=spec.tab, bound=(key, form), status=400)


@require_GET
def case_action_form(request: HttpRequest, pk: int, action: str, item: int | None = None):
    """The fields of one action's empty form, fetched when its card is first opened, with
    the action's own refusals. They show the case's or the person's details as recorded,
    so fetching them is recorded as a view."""
    case, row = action_target(request.user, pk, action, item)
    audit.record_viewed(row or case, actor=request.user)
    form = blank_form(action, case, row, request.user)
    return render(request, "form_fields.html", {"form": form})


@require_POST
def passport_reveal(request: HttpRequest, pk: int, kind: str, item: int) -> HttpResponse:
    """The passport number in clear for someone allowed to see it (audited by the service):
    a victim's, a suspect's, or a suspect's passport or ID identifier;
    an htmx request gets the number alone, in place of the masked one."""
    case = selectors.get_case_for_user(request.user, pk)
    related = {
        "victim": case.victims,
        "suspect": case.suspects,
        "identifier": Identifier.objects.filter(suspect__case=case, kind__in=DOCUMENT_KINDS),
    }.get(kind)
    if related is None:
        raise Http404
    person = get_object_or_404(related, pk=item)
    if again := mfa.reauthentication_required(request):
        return again
    number = people.passport_reveal(actor=request.user, person=person)
    context = {**NAV, "case": case, "person": person, "kind": kind, "number": number}
    if request.headers.get("HX-Request"):
        return render(request, "cases/case/passport.html", context)
    return render(request, "cases/case/passport_page.html", context)


@require_GET
def document_download(request: HttpRequest, pk: int, entry: int) -> HttpResponse:
    """A document from the timeline, for those who see personal data; every download is
    recorded."""
    case = selectors.get_case_for_user(request.user, pk)
    require(request.user, Perm.VIEW_CASE_PERSONAL)
    document = get_object_or_404(case.timeline.exclude(file=""), pk=entry)
    try:
        data = documents.content(document)  # decrypted for this reader only
    except FileNotFoundError:
        raise Http404 from None
    audit.record_viewed(document, actor=request.user)
    return FileResponse(
        io.BytesIO(data),
        as_attachment=True,
        filename=document.file_name,
        content_type=document.file_content_type or "application/octet-stream",
    )


@require_GET
def case_summary(request: HttpRequest, pk: int) -> HttpResponse:
    """One or two printed pages: the facts, the people (for those who may see them), the
    lifecycle with its times, requests, notices, tasks and the latest timeline entries."""
    user = request.user
    case = selectors.get_case_for_user(user, pk)
    personal = permissions.sees_personal_data(user)
    if personal:
        audit.record_viewed(case, actor=user)
    return render(
        request,
        "cases/case/summary.html",
        {
            "case": case,
            "personal": personal,
            **selectors.facts(case),
            "officers": case.officers.order_by("username"),
            **selectors.people(case, user),
            "requests": selectors.partner_requests(case),
            "tasks": selectors.tasks(case),
            "entries": selectors.timeline(case, limit=12),
            "printed_at": timezone.localtime(),
        },
    )
