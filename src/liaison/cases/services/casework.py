"""Working a case: its details and legal basis, assignment to a post and officers, triage,
tasks with owners and due dates, and requests to the partner police."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison.agreements import coverage
from liaison.agreements.choices import IN_FORCE_STATUSES
from liaison.core import audit
from liaison.core.choices import AuditAction, Role
from liaison.core.models import User

from .. import derived, permissions, workflow
from ..choices import CaseStatus, Category, EntryKind, Priority, RequestKind
from ..models import Case, CaseTask, PartnerRequest
from . import cooperation, targets, timeline

CASE_FIELDS = (
    "title",
    "summary",
    "categories",
    "priority",
    "happened_at",
    "country",
    "province",
    "city",
    "place",
    "latitude",
    "longitude",
    "place_time_zone",
    "partner_body",
    "agreement",
    "post",
)


def _check_case(case: Case) -> None:
    errors = {}
    if not case.title.strip():
        errors["title"] = _("Give the case a title.")
    if not case.categories:
        errors["categories"] = _("Choose at least one category.")
    unknown = [c for c in case.categories or [] if c not in Category.values]
    if unknown:
        errors["categories"] = _("Unknown category: %(c)s.") % {"c": ", ".join(unknown)}
    if case.priority not in Priority.values:
        errors["priority"] = _("Unknown priority.")
    agreement = case.agreement
    if agreement is not None:
        if agreement.status not in IN_FORCE_STATUSES:
            errors["agreement"] = _(
                "The legal basis must be an agreement in force; this one is '%(s)s'."
            ) % {"s": agreement.get_status_display()}
        elif case.partner_body_id and agreement.counterpart_id != case.partner_body_id:
            partner = agreement.counterpart
            if partner is None or partner.pk != getattr(case.partner_body, "parent_id", None):
                errors["agreement"] = _(
                    "This agreement is with %(body)s, not with the case's partner agency."
                ) % {"body": agreement.counterpart}
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def case_update(*, actor: User, case: Case, data: dict, expected_version: int | None) -> Case:
    """Changes the case's details; refused, not overwritten, when someone else saved the
    case since `expected_version` was read."""
    permissions.require_work(actor, case)
    locked = workflow.lock(case, expected_version)
    before = audit.snapshot(locked)
    was = derived.before(locked)
    for name in CASE_FIELDS:
        if name in data:
            value = data[name]
            setattr(locked, name, value.strip() if isinstance(value, str) else value)
    _check_case(locked)
    locked.full_clean(exclude=["reference", "created_by", "search_keys"])
    targets.apply(locked)
    locked.version += 1
    locked.save()
    if "counterparts" in data:
        locked.counterparts.set(data["counterparts"])
    audit.record_updated(locked, before, actor=actor)
    derived.case_changed(locked, was)
    return locked


@transaction.atomic
def case_triage(
    *, actor: User, case: Case, priority: str, note: str = "", expected_version: int | None = None
) -> Case:
    """Sets the priority (urgent when a life or liberty is at risk) and moves the case to
    'triaged', which acknowledges the report."""
    permissions.require_work(actor, case)
    if priority not in Priority.values:
        raise ValidationError({"priority": _("Choose a priority.")})
    locked = workflow.lock(case, expected_version)
    if locked.priority != priority:
        before = audit.snapshot(locked, ["priority"])
        locked.priority = priority
        targets.apply(locked)
        audit.record_updated(locked, before, actor=actor)
    workflow.apply_transition(actor=actor, locked=locked, to_status=CaseStatus.TRIAGED, reason=note)
    return locked


@transaction.atomic
def case_assign(
    *, actor: User, case: Case, post=None, officers=(), expected_version: int | None = None
) -> Case:
    """Assigns the case to an overseas post and named officers."""
    permissions.require_work(actor, case)
    bad = [o for o in officers if o.role not in (Role.OVERSEAS_OFFICER, Role.ICO_OFFICER)]
    if bad:
        raise ValidationError(
            {
                "officers": _("Only overseas and office officers work cases: %(names)s.")
                % {"names": ", ".join(str(o) for o in bad)}
            }
        )
    locked = workflow.lock(case, expected_version)
    before = {
        "post_id": locked.post_id,
        "officers": sorted(locked.officers.values_list("pk", flat=True)),
    }
    locked.post = post
    locked.version += 1
    locked.save()
    locked.officers.set(officers)
    after = {"post_id": locked.post_id, "officers": sorted(o.pk for o in officers)}
    changes = audit.diff(before, after)
    if changes:
        audit.record(AuditAction.UPDATE, actor=actor, obj=locked, changes=changes)
    return locked


@transaction.atomic
def task_add(*, actor: User, case: Case, title: str, owner, due_at) -> CaseTask:
    permissions.require_work(actor, case)
    errors = {}
    if not (title or "").strip():
        errors["title"] = _("Say what is to be done.")
    if owner is None:
        errors["owner"] = _("Choose who owns the task.")
    elif not permissions.can_work(owner, case):
        errors["owner"] = _("%(who)s cannot work this case.") % {"who": owner}
    if due_at is None:
        errors["due_at"] = _("Give a due date.")
    if errors:
        raise ValidationError(errors)
    task = CaseTask.objects.create(case=case, title=title.strip(), owner=owner, due_at=due_at)
    audit.record_created(task, actor=actor)
    return task


@transaction.atomic
def task_complete(*, actor: User, task: CaseTask) -> CaseTask:
    permissions.require_work(actor, task.case)
    locked = CaseTask.objects.select_for_update().get(pk=task.pk)
    if locked.done_at is not None:
        raise ValidationError(_("This task is already done."))
    before = audit.snapshot(locked, ["done_at", "done_by_id"])
    locked.done_at = timezone.now()
    locked.done_by = actor
    locked.save()
    audit.record_updated(locked, before, actor=actor)
    return locked


@transaction.atomic
def request_send(
    *,
    actor: User,
    case: Case,
    kind: str,
    subject: str,
    partner_body=None,
    sent_at: datetime.datetime | None = None,
) -> PartnerRequest:
    """A request to the partner police (rescue, records, arrest, autopsy …); logged on the
    timeline and, where it is cooperation, under the case's agreement."""
    permissions.require_work(actor, case)
    errors = {}
    if kind not in RequestKind.values:
        errors["kind"] = _("Choose what is requested.")
    if not (subject or "").strip():
        errors["subject"] = _("Say what is asked.")
    partner_body = partner_body or case.partner_body
    now = timezone.now()
    if partner_body is None:
        errors["partner_body"] = _("Name the partner agency the request goes to.")
    elif refusal := coverage.case_cooperation_refusal(partner_body, on=timezone.localdate(now)):
        errors["partner_body"] = refusal
    if sent_at and sent_at > now:
        errors["sent_at"] = _("The time cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    request = PartnerRequest.objects.create(
        case=case,
        kind=kind,
        partner_body=partner_body,
        subject=subject.strip(),
        sent_at=sent_at or now,
        sent_by=actor,
    )
    audit.record_created(request, actor=actor)
    timeline.system_entry(
        case=case,
        kind=EntryKind.REQUEST_SENT,
        body=f"{request.get_kind_display()} → {partner_body}: {request.subject}",
        actor=actor,
        at=request.sent_at,
    )
    cooperation.log_request(actor=actor, case=case, request=request)
    return request


@transaction.atomic
def request_answer(
    *,
    actor: User,
    request: PartnerRequest,
    answer: str,
    answered_at: datetime.datetime | None = None,
) -> PartnerRequest:
    permissions.require_work(actor, request.case)
    locked = PartnerRequest.objects.select_for_update().get(pk=request.pk)
    errors = {}
    if locked.answered_at is not None:
        errors["answer"] = _("This request was already answered.")
    if not (answer or "").strip():
        errors["answer"] = _("Give the partner's answer.")
    answered_at = answered_at or timezone.now()
    if answered_at < locked.sent_at:
        errors["answered_at"] = _("An answer comes after the request.")
    if errors:
        raise ValidationError(errors)
    before = audit.snapshot(locked, ["answered_at", "answer"])
    locked.answered_at = answered_at
    locked.answer = answer.strip()
    locked.save()
    audit.record_updated(locked, before, actor=actor)
    timeline.system_entry(
        case=locked.case,
        kind=EntryKind.REQUEST_ANSWERED,
        body=f"{locked.get_kind_display()} ← {locked.partner_body}: {locked.answer}",
        actor=actor,
        at=answered_at,
    )
    return locked
