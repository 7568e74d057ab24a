"""The actions on a case, each a form and one service call: which form it shows, what it
runs, and which tab of the case page it belongs to. The views that take them are in
case_page."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison.core.formstyle import bootstrapify
from liaison.core.permissions import Perm, require

from .. import selectors, workflow
from ..choices import VictimStatus
from ..forms import casework as forms
from ..services import casework, people, timeline


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
    permission: Perm | None = None  # a right beyond working the case, checked first


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


def _victim_correct_death(user, case, item, data, form):
    victim = people.victim_correct_death(
        actor=user,
        victim=item,
        status=data["status"],
        reason=data["reason"],
        expected_version=data.get("version"),
    )
    return _("The death of %(who)s is corrected: now '%(s)s'.") % {
        "who": victim.display_name,
        "s": victim.get_status_display(),
    }


def _status_before_death(victim) -> str:
    """Where the victim was before the death was recorded: what a correction most often
    goes back to (missing when the death was recorded with the report)."""
    deaths = [c for c in victim.status_changes.all() if c.to_status == VictimStatus.DECEASED]
    return (deaths[-1].from_status if deaths else "") or VictimStatus.MISSING


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


def _adding(form_class, prefix):
    """The form of a new row, apart from the forms of the rows shown beside it."""
    return lambda case, item, user, *args, **kwargs: form_class(
        *args, prefix=f"{prefix}-new", **kwargs
    )


def _editing(form_class, prefix):
    def make(case, item, user, *args, **kwargs):
        return form_class(*args, instance=item, prefix=f"{prefix}-{item.pk}", **kwargs)

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
    "victim_add": Action("people", _adding(forms.VictimForm, "victim"), _victim_add),
    "victim_edit": Action(
        "people",
        _editing(forms.VictimForm, "victim"),
        _victim_edit,
        item_list="victims",
        item_form_attribute="edit_form",
    ),
    "victim_status": Action(
        "people",
        lambda c, i, u, *a, **k: forms.VictimStatusForm(*a, victim=i, prefix=f"status-{i.pk}", **k),
        _victim_status,
        item_list="victims",
        item_form_attribute="status_form",
        initial=lambda c, i: {"version": i.version},
    ),
    "victim_correct_death": Action(
        "people",
        _prefixed(forms.DeathCorrectionForm, "correction"),
        _victim_correct_death,
        item_list="victims",
        item_form_attribute="correction_form",
        initial=lambda c, i: {"version": i.version, "status": _status_before_death(i)},
        permission=Perm.CORRECT_CASE_RECORDS,
    ),
    "suspect_add": Action("people", _adding(forms.SuspectForm, "suspect"), _suspect_add),
    "suspect_edit": Action(
        "people",
        _editing(forms.SuspectForm, "suspect"),
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


def action_target(user, pk: int, action: str, item: int | None):
    """The case and the row an action is on: 404 for a case outside the user's scope, an
    unknown action or a row not of this case; 403 (audited) without the right to work cases
    or the action's own right."""
    case = selectors.get_case_to_work(user, pk)
    spec = ACTIONS.get(action)
    if spec is None or bool(item) != bool(spec.item_list):
        raise Http404
    if spec.permission is not None:
        require(user, spec.permission)
    row = get_object_or_404(ITEM_SOURCES[spec.item_list](case), pk=item) if item else None
    return case, row


def blank_form(action: str, case, item, user):
    """The action's form as the case page offers it, before anything is typed."""
    spec = ACTIONS[action]
    return bootstrapify(spec.form(case, item, user, initial=spec.initial(case, item)))
