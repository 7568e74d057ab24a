"""Response-time targets per priority: how soon after the first report a case must be
triaged (acknowledged) and, when someone is missing or confined, rescue requested from the
partner police. The targets are data (ResponseTarget rows the office edits); each case
carries its due times so "overdue" is an indexed comparison."""

from __future__ import annotations

import datetime
from typing import Protocol

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison.core import audit
from liaison.core.choices import AuditAction
from liaison.core.models import User
from liaison.core.permissions import Perm, require

from ..choices import OPEN_CASE_STATUSES, Category, Milestone, Priority, VictimStatus
from ..models import OPEN_CASES, Case, CaseQuerySet, ResponseTarget

DEFAULT_HOURS: dict[tuple[str, str], int] = {
    (Priority.URGENT, Milestone.ACKNOWLEDGE): 1,
    (Priority.HIGH, Milestone.ACKNOWLEDGE): 4,
    (Priority.NORMAL, Milestone.ACKNOWLEDGE): 24,
    (Priority.LOW, Milestone.ACKNOWLEDGE): 72,
    (Priority.URGENT, Milestone.RESCUE_REQUEST): 24,
    (Priority.HIGH, Milestone.RESCUE_REQUEST): 48,
    (Priority.NORMAL, Milestone.RESCUE_REQUEST): 120,
    (Priority.LOW, Milestone.RESCUE_REQUEST): 240,
}

# A rescue is asked for when someone is held or missing.
RESCUE_CATEGORIES = (Category.KIDNAPPING, Category.CONFINEMENT, Category.MISSING)
RESCUE_VICTIM_STATUSES = (VictimStatus.MISSING, VictimStatus.LOCATED, VictimStatus.CONFINED)


def hours_table() -> dict[tuple[str, str], int]:
    table = dict(DEFAULT_HOURS)
    table.update({(t.priority, t.milestone): t.hours for t in ResponseTarget.objects.all()})
    return table


def needs_rescue(case: Case) -> bool:
    if any(c in RESCUE_CATEGORIES for c in case.categories or []):
        return True
    if case.pk is None:
        return False
    return case.victims.filter(status__in=RESCUE_VICTIM_STATUSES).exists()


def due_times(case: Case, table=None) -> dict[str, datetime.datetime | None]:
    table = table or hours_table()
    start = case.first_reported_at
    ack = start + datetime.timedelta(hours=table[(case.priority, Milestone.ACKNOWLEDGE)])
    rescue = None
    if needs_rescue(case):
        rescue = start + datetime.timedelta(hours=table[(case.priority, Milestone.RESCUE_REQUEST)])
    return {"acknowledge_due_at": ack, "rescue_request_due_at": rescue}


def apply(case: Case, table=None) -> None:
    """Sets the case's due times from its priority (the caller saves)."""
    for field, value in due_times(case, table).items():
        setattr(case, field, value)


def overdue_condition(now: datetime.datetime | None = None) -> Q:
    now = now or timezone.now()
    return OPEN_CASES & (
        Q(triaged_at__isnull=True, acknowledge_due_at__lt=now)
        | Q(
            rescue_requested_at__isnull=True, rescued_at__isnull=True, rescue_request_due_at__lt=now
        )
    )


def overdue_cases(user: User, now: datetime.datetime | None = None) -> CaseQuerySet:
    """The open cases in `user`'s scope that missed a response-time target."""
    return Case.objects.visible_to(user).filter(overdue_condition(now))


class Targeted(Protocol):
    """What the targets are checked against: a case, or a row of the case list."""

    @property
    def status(self) -> str: ...
    @property
    def triaged_at(self) -> datetime.datetime | None: ...
    @property
    def acknowledge_due_at(self) -> datetime.datetime | None: ...
    @property
    def rescue_requested_at(self) -> datetime.datetime | None: ...
    @property
    def rescued_at(self) -> datetime.datetime | None: ...
    @property
    def rescue_request_due_at(self) -> datetime.datetime | None: ...


def overdue_steps(case: Targeted, now: datetime.datetime | None = None) -> list[str]:
    """Which targets `case` missed, in words, for its page and the home page."""
    now = now or timezone.now()
    if case.status not in OPEN_CASE_STATUSES:
        return []
    missed: list[str] = []
    if case.triaged_at is None and case.acknowledge_due_at and case.acknowledge_due_at < now:
        missed.append(Milestone.ACKNOWLEDGE)
    if (
        case.rescue_requested_at is None
        and case.rescued_at is None
        and case.rescue_request_due_at
        and case.rescue_request_due_at < now
    ):
        missed.append(Milestone.RESCUE_REQUEST)
    return missed


@transaction.atomic
def targets_update(*, actor: User, hours: dict[tuple[str, str], int]) -> int:
    """Saves new targets and recomputes the due times of every open case; returns how many
    cases were recomputed."""
    require(actor, Perm.MANAGE_CASE_SETTINGS)
    errors = {}
    for (priority, milestone), value in hours.items():
        if priority not in Priority.values or milestone not in Milestone.values:
            errors[f"{milestone}_{priority}"] = _("Unknown priority or step.")
        elif not isinstance(value, int) or not 1 <= value <= 24 * 60:
            errors[f"{milestone}_{priority}"] = _("Give a whole number of hours from 1 to 1440.")
    if errors:
        raise ValidationError(errors)
    before = {f"{m}:{p}": h for (p, m), h in hours_table().items()}
    for (priority, milestone), value in hours.items():
        ResponseTarget.objects.update_or_create(
            priority=priority, milestone=milestone, defaults={"hours": value}
        )
    table = hours_table()
    after = {f"{m}:{p}": h for (p, m), h in table.items()}
    audit.record(
        AuditAction.UPDATE,
        actor=actor,
        object_type="cases.responsetarget",
        object_repr="response-time targets",
        changes=audit.diff(before, after),
    )
    count = 0
    for case in Case.objects.open().iterator(chunk_size=2000):
        apply(case, table)
        Case.objects.filter(pk=case.pk).update(
            acknowledge_due_at=case.acknowledge_due_at,
            rescue_request_due_at=case.rescue_request_due_at,
        )
        count += 1
    return count
