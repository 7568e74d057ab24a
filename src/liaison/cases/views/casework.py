"""Case pages: the working list with saved filters and export, one case with its people,
lifecycle, timeline, tasks and requests, the printable summary, and the actions on a case.
Each view parses input, calls one service or selector, renders."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from liaison.core import audit
from liaison.core.choices import AuditAction
from liaison.core.forms import bootstrapify
from liaison.core.listing import Listing, export_audited, wants_export
from liaison.core.models import SavedFilter
from liaison.core.permissions import Perm, can, require
from liaison.core.views import apply_errors

from .. import permissions, protect, selectors, workflow
from ..choices import CaseStatus, Outcome
from ..forms import casework as forms
from ..services import casework, people, timeline

NAV = {"active_nav": "cases"}
TABS = ("overview", "people", "timeline", "work")
PER_PAGE = 50
# Never kept in a saved filter: the page, an export, and a passport number.
NOT_SAVED = ("page", "export", "passport")


# The list ---------------------------------------------------------------------------------


def _filter_form(request: HttpRequest):
    return forms.CaseFilterForm(
        request.GET or None, may_search_passports=permissions.sees_passports(request.user)
    )


@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(user, Perm.VIEW_CASES)
    form = bootstrapify(_filter_form(request))
    queryset = selectors.list_queryset(user)
    data = {}
    if form.is_bound and not form.is_valid():
        queryset = queryset.none()
    elif form.is_bound:
        data = form.cleaned_data
    bootstrapify(form)
    queryset = selectors.case_filter(queryset, data)
    sort = data.get("sort") or selectors.default_sort(data)
    if sort.lstrip("-") not in selectors.SORTS:
        sort = selectors.default_sort(data)
    queryset = selectors.ordered(queryset, sort)
    columns = selectors.columns_for(user)
    if fmt := wants_export(request):
        return _export(request, selectors.export_queryset(queryset, user), columns, fmt)
    paginator = Paginator(queryset, PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    personal = permissions.sees_personal_data(user)
    page.object_list = selectors.list_rows(page.object_list, names=personal)
    listing = Listing(
        page=page,
        form=form,
        sort=sort,
        columns=columns,
        querystring=request.GET,
        total=paginator.count,
    )
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
        },
    )


def _total_text(total: int) -> str:
    # The list counts at most COUNT_CAP + 1 cases: past that it says "more than".
    if total > selectors.COUNT_CAP:
        return _("more than %(n)s cases") % {"n": selectors.COUNT_CAP}
    return ngettext("%(counter)s case", "%(counter)s cases", total) % {"counter": total}


def _export(request, queryset, columns, fmt):
    """The export, audited; a passport number searched for is recorded masked."""
    if request.GET.get("passport"):
        query = request.GET.copy()
        query["passport"] = protect.mask(protect.normalise_document_number(query["passport"]))
        request.GET = query
    return export_audited(request, queryset, columns, fmt=fmt, filename="cases")


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


# One case ---------------------------------------------------------------------------------


@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.get_case_for_user(request.user, pk)
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
        f["triage"] = _blank_form("triage", case, None, user)
    if tab == "people":
        for victim in context["victims"]:
            victim.status_form = _blank_form("victim_status", case, victim, user)
    elif tab == "timeline":
        f["entry_add"] = _blank_form("entry_add", case, None, user)


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


# Actions: each is a form and one service call. -------------------------------------------


def _nothing_filled(case, item) -> dict:
    return {}


@dataclass(frozen=True)
class Action:
    tab: str
    form: Callable  # (case, item, user, *form_args, **form_kwargs) -> form
    run: Callable  # (user, case, item, cleaned_data, form) -> success message
    item_list: str = ""  # the related rows the action is on ("victims"), if any
    item_form_attribute: str = ""
    files: bool = False
    initial: Callable = _nothing_filled  # (case, item) -> what the empty form starts from


def _edit(user, case, item, data, form):
    casework.case_update(
        actor=user,
        case=case,
        data={k: v for k, v in data.items() if k != "version"},
        expected_version=data["version"],
    )
    return _("The case is saved.")


def _triage(user, case, item, data, form):
    casework.case_triage(
        actor=user,
        case=case,
        priority=data["priority"],
        note=data["note"],
        expected_version=data.get("version"),
    )
    return _("The case is triaged.")


def _move(user, case, item, data, form):
    moved = workflow.case_transition(
        actor=user,
        case=case,
        to_status=data["to_status"],
        reason=data.get("reason") or "",
        outcome=data.get("outcome") or "",
        expected_version=data.get("version"),
    )
    return _("The case is now '%(s)s'.") % {"s": moved.get_status_display()}


def _assign(user, case, item, data, form):
    casework.case_assign(
        actor=user,
        case=case,
        post=data["post"],
        officers=list(data["officers"]),
        expected_version=data.get("version"),
    )
    return _("The assignment is saved.")


def _victim_add(user, case, item, data, form):
    victim = people.victim_add(actor=user, case=case, data=form.person_data())
    return _("%(who)s is added as a victim.") % {"who": victim.display_name}


def _victim_edit(user, case, item, data, form):
    people.victim_update(
        actor=user, victim=item, data=form.person_data(), expected_version=data.get("version")
    )
    return _("The victim is saved.")


def _victim_status(user, case, item, data, form):
    victim = people.victim_set_status(
        actor=user,
        victim=item,
        status=data["status"],
        note=data["note"],
        at=data.get("at"),
        expected_version=data.get("version"),
    )
    return _("%(who)s is now '%(s)s'.") % {
        "who": victim.display_name,
        "s": victim.get_status_display(),
    }


def _suspect_add(user, case, item, data, form):
    people.suspect_add(actor=user, case=case, data=form.person_data())
    return _("The suspect is added.")


def _suspect_edit(user, case, item, data, form):
    people.suspect_update(
        actor=user, suspect=item, data=form.person_data(), expected_version=data.get("version")
    )
    return _("The suspect is saved.")


def _identifier_add(user, case, item, data, form):
    people.identifier_add(
        actor=user, suspect=item, kind=data["kind"], value=data["value"], note=data["note"]
    )
    return _("The identifier is added.")


def _notice_add(user, case, item, data, form):
    try:
        _record_notice(user, case, data)
    except ValidationError as error:
        # The form names the person in one field; the service, per kind of person.
        if hasattr(error, "error_dict"):
            moved = {
                ("person" if k in ("suspect", "victim", "case") else k): v
                for k, v in error.message_dict.items()
            }
            raise ValidationError(moved) from None
        raise
    return _("The notice is recorded.")


def _record_notice(user, case, data):
    people.notice_record(
        actor=user,
        case=case,
        colour=data["colour"],
        status=data["status"],
        requested_on=data["requested_on"],
        issued_on=data.get("issued_on"),
        reference=data["reference"],
        **data["person"],
    )


def _entry_add(user, case, item, data, form):
    timeline.entry_add(
        actor=user,
        case=case,
        kind=data["kind"],
        body=data["body"],
        counterpart=data["counterpart"],
        at=data.get("at"),
        upload=data.get("file"),
    )
    return _("The entry is added to the timeline.")


def _task_add(user, case, item, data, form):
    casework.task_add(
        actor=user, case=case, title=data["title"], owner=data["owner"], due_at=data["due_at"]
    )
    return _("The task is added.")


def _task_complete(user, case, item, data, form):
    casework.task_complete(actor=user, task=item)
    return _("The task is done.")


def _request_send(user, case, item, data, form):
    casework.request_send(
        actor=user,
        case=case,
        kind=data["kind"],
        subject=data["subject"],
        partner_body=data.get("partner_body"),
    )
    return _("The request is recorded as sent.")


def _request_answer(user, case, item, data, form):
    casework.request_answer(
        actor=user, request=item, answer=data["answer"], answered_at=data.get("answered_at")
    )
    return _("The answer is recorded.")


def _plain(form_class):
    return lambda case, item, user, *args, **kwargs: form_class(*args, **kwargs)


def _prefixed(form_class, prefix):
    def make(case, item, user, *args, **kwargs):
        return form_class(*args, prefix=f"{prefix}-{item.pk}", **kwargs)

    return make


ACTIONS: dict[str, Action] = {
    "edit": Action(
        "overview", lambda c, i, u, *a, **k: forms.CaseForm(*a, case=c, user=u, **k), _edit
    ),
    "triage": Action(
        "overview",
        _plain(forms.TriageForm),
        _triage,
        initial=lambda c, i: {"priority": c.priority, "version": c.version},
    ),
    "move": Action("overview", _plain(forms.MoveForm), _move),
    "assign": Action(
        "overview",
        _plain(forms.AssignForm),
        _assign,
        initial=lambda c, i: {
            "post": c.post_id,
            "officers": c.officers.all(),
            "version": c.version,
        },
    ),
    "victim_add": Action(
        "people",
        lambda c, i, u, *a, **k: forms.VictimForm(*a, prefix="victim-new", **k),
        _victim_add,
    ),
    "victim_edit": Action(
        "people",
        lambda c, i, u, *a, **k: forms.VictimForm(*a, instance=i, prefix=f"victim-{i.pk}", **k),
        _victim_edit,
        item_list="victims",
        item_form_attribute="edit_form",
    ),
    "victim_status": Action(
        "people",
        _prefixed(forms.VictimStatusForm, "status"),
        _victim_status,
        item_list="victims",
        item_form_attribute="status_form",
        initial=lambda c, i: {"version": i.version},
    ),
    "suspect_add": Action(
        "people",
        lambda c, i, u, *a, **k: forms.SuspectForm(*a, prefix="suspect-new", **k),
        _suspect_add,
    ),
    "suspect_edit": Action(
        "people",
        lambda c, i, u, *a, **k: forms.SuspectForm(*a, instance=i, prefix=f"suspect-{i.pk}", **k),
        _suspect_edit,
        item_list="suspects",
        item_form_attribute="edit_form",
    ),
    "identifier_add": Action(
        "people",
        _prefixed(forms.IdentifierForm, "identifier"),
        _identifier_add,
        item_list="suspects",
        item_form_attribute="identifier_form",
    ),
    "notice_add": Action(
        "people",
        lambda c, i, u, *a, **k: forms.NoticeForm(*a, case=c, **k),
        _notice_add,
        initial=lambda c, i: {"requested_on": timezone.localdate()},
    ),
    "entry_add": Action(
        "timeline",
        _plain(forms.EntryForm),
        _entry_add,
        files=True,
        initial=lambda c, i: {"kind": "note"},
    ),
    "task_add": Action("work", lambda c, i, u, *a, **k: forms.TaskForm(*a, case=c, **k), _task_add),
    "task_complete": Action("work", _plain(forms.EmptyForm), _task_complete, item_list="tasks"),
    "request_send": Action("work", _plain(forms.RequestForm), _request_send),
    "request_answer": Action(
        "work",
        _prefixed(forms.AnswerForm, "answer"),
        _request_answer,
        item_list="requests",
        item_form_attribute="answer_form",
    ),
}

# The related rows an item of each kind is looked up in, always within the case.
ITEM_SOURCES = {
    "victims": lambda case: case.victims,
    "suspects": lambda case: case.suspects,
    "tasks": lambda case: case.tasks,
    "requests": lambda case: case.partner_requests,
}


def _action_target(user, pk: int, action: str, item: int | None):
    """The case and the row an action is on: 404 for a case outside the user's scope, an
    unknown action or a row not of this case; 403 without the right to work cases."""
    case = selectors.get_case_to_work(user, pk)
    spec = ACTIONS.get(action)
    if spec is None or bool(item) != bool(spec.item_list):
        raise Http404
    row = get_object_or_404(ITEM_SOURCES[spec.item_list](case), pk=item) if item else None
    return case, row


def _blank_form(action: str, case, item, user):
    """The action's form as the case page offers it, before anything is typed."""
    spec = ACTIONS[action]
    return bootstrapify(spec.form(case, item, user, initial=spec.initial(case, item)))


@require_POST
def case_action(request: HttpRequest, pk: int, action: str, item: int | None = None):
    """One action on a case: 404 for a case outside the user's scope, 403 without the right
    to work cases, 400 with the errors on the form when the input or the service refuses."""
    case, row = _action_target(request.user, pk, action, item)
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
    case, row = _action_target(request.user, pk, action, item)
    audit.record_viewed(row or case, actor=request.user)
    form = _blank_form(action, case, row, request.user)
    return render(request, "form_fields.html", {"form": form})


@require_POST
def passport_reveal(request: HttpRequest, pk: int, kind: str, item: int) -> HttpResponse:
    """The passport number in clear for someone allowed to see it (audited by the service);
    an htmx request gets the number alone, in place of the masked one."""
    case = selectors.get_case_for_user(request.user, pk)
    related = {"victim": case.victims, "suspect": case.suspects}.get(kind)
    if related is None:
        raise Http404
    person = get_object_or_404(related, pk=item)
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
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    audit.record_viewed(document, actor=request.user)
    return FileResponse(
        handle,
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
