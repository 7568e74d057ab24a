"""Retention: each kind of record is kept for a period (LIAISON_RETENTION_DAYS), counted
from a date that means something for it (a case from its closing, a submission from its
receipt), and then its personal data is destroyed: the record deleted, or its names,
identifiers, contacts, narratives and files removed while the facts that figures are made
of stay. A legal hold on a record, or on one it belongs to, stops that.

Each app declares its rules in its `retention.py` (found at start-up, like `jobs.py`);
this module knows no domain. Every record is destroyed in a transaction of its own that
also writes its `Disposal` row and its destruction entry in the audit trail, so a record is
destroyed wholly or not at all, a run cut off anywhere is finished by the next, and a
record already destroyed is never destroyed twice. Audit entries are never touched here.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models import CharField, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from . import audit, jobs
from .choices import AuditAction, DisposalOutcome
from .models import Disposal, LegalHold, User
from .permissions import Perm, require

ACTOR_LABEL = "liaison retention"

logger = logging.getLogger("liaison.retention")


@dataclass(frozen=True)
class Rule:
    """How long one kind of record is kept, from when, and how it is destroyed."""

    name: str  # "cases.closed_case": its key in LIAISON_RETENTION_DAYS and in every entry
    label: Any  # lazy text: "Closed cases"
    model: type[models.Model]
    counted_from: str  # the date or time the period runs from, a lookup path ("closed_at")
    counted_from_label: Any  # lazy text: "closing"
    outcome: DisposalOutcome
    # Removes the record's personal data, or the record, inside the engine's transaction,
    # and returns the files to delete from the storage once the rows are done.
    destroy: Callable[[Any], Iterable[str]]
    # Which records the rule covers (closed cases, not every case).
    covers: Callable[[], QuerySet] | None = None
    # Holds on other records that stop this one: (their type, the lookup path to their
    # pk from this record), e.g. ("cases.case", "report__case_id") for a submission.
    held_through: tuple[tuple[str, str], ...] = ()
    # How the record is named on the retention page and in its destruction entry: a
    # reference, never a person's name.
    describe: Callable[[Any], str] = str

    @property
    def object_type(self) -> str:
        return f"{self.model._meta.app_label}.{self.model._meta.model_name}"

    @property
    def days(self) -> int:
        try:
            return int(settings.LIAISON_RETENTION_DAYS[self.name])
        except KeyError:
            raise ImproperlyConfigured(
                f"LIAISON_RETENTION_DAYS has no period for the rule {self.name!r}"
            ) from None

    def records(self) -> QuerySet:
        if self.covers is None:
            return self.model._default_manager.all()
        return self.covers()


RULES: dict[str, Rule] = {}


def rule(new: Rule) -> Rule:
    """Registers a retention rule (from an app's retention.py)."""
    RULES[new.name] = new
    return new


@dataclass(frozen=True)
class Holdable:
    """A kind of record a legal hold may be placed on: how the hold pages name it and link
    to it."""

    object_type: str
    describe: Callable[[str], str]  # (object id) -> a reference
    url: Callable[[str], str]  # (object id) -> the record's page


HOLDABLE: dict[str, Holdable] = {}


def holdable(object_type: str, *, describe: Callable[[str], str], url: Callable[[str], str]):
    HOLDABLE[object_type] = Holdable(object_type, describe, url)


# --- what is due ------------------------------------------------------------------------


def _field(model: type[models.Model], path: str) -> models.Field:
    *relations, name = path.split("__")
    for relation in relations:
        model = model._meta.get_field(relation).related_model  # type: ignore[assignment]
    return model._meta.get_field(name)  # type: ignore[return-value]


def _limit(rule: Rule, moment: datetime.datetime) -> datetime.datetime | datetime.date:
    """The latest start of a period that has ended by `moment`."""
    limit = moment - datetime.timedelta(days=rule.days)
    if isinstance(_field(rule.model, rule.counted_from), models.DateTimeField):
        return limit
    return timezone.localtime(limit).date()


def _held(object_type: str, path: str) -> Exists:
    return Exists(
        LegalHold.objects.filter(
            lifted_at__isnull=True,
            object_type=object_type,
            object_id=Cast(OuterRef(path), output_field=CharField()),
        )
    )


def _not_disposed(rule: Rule) -> Q:
    done = Disposal.objects.filter(
        object_type=rule.object_type, object_id=Cast(OuterRef("pk"), output_field=CharField())
    )
    return ~Q(Exists(done))


def held_q(rule: Rule) -> Q:
    """Records of `rule` under a standing hold, their own or one on what they belong to."""
    held = Q(_held(rule.object_type, "pk"))
    for object_type, path in rule.held_through:
        held |= Q(_held(object_type, path))
    return held


def _expired(rule: Rule, now: datetime.datetime | None, within_days: int) -> QuerySet:
    """The records of `rule` whose period has ended by `now` (plus `within_days`) and that
    are not destroyed yet, held or not."""
    moment = (now or timezone.now()) + datetime.timedelta(days=within_days)
    started = {
        f"{rule.counted_from}__isnull": False,
        f"{rule.counted_from}__lte": _limit(rule, moment),
    }
    return rule.records().filter(**started).filter(_not_disposed(rule))


def due(rule: Rule, *, now: datetime.datetime | None = None, within_days: int = 0) -> QuerySet:
    """The records of `rule` whose period has ended by `now` (plus `within_days`), not yet
    destroyed and not on hold, earliest first."""
    expired = _expired(rule, now, within_days).exclude(held_q(rule))
    return expired.order_by(rule.counted_from, "pk")


def on_hold(rule: Rule, *, now: datetime.datetime | None = None, within_days: int = 0) -> QuerySet:
    """The records of `rule` that would be due but for a hold."""
    return _expired(rule, now, within_days).filter(held_q(rule))


@dataclass(frozen=True)
class Due:
    """One record whose period has ended (or will soon): no personal data, only its
    reference and dates."""

    rule: str
    rule_label: str
    object_type: str
    object_id: str
    record: str
    counted_from: datetime.date
    due_on: datetime.date


def _as_date(value: datetime.date | datetime.datetime) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date()
    return value


def _due_item(rule: Rule, record) -> Due:
    start = _as_date(_value(record, rule.counted_from))
    return Due(
        rule=rule.name,
        rule_label=str(rule.label),
        object_type=rule.object_type,
        object_id=str(record.pk),
        record=rule.describe(record),
        counted_from=start,
        due_on=start + datetime.timedelta(days=rule.days),
    )


def _value(record, path: str):
    value = record
    for part in path.split("__"):
        value = getattr(value, part)
    return value


def schedule(
    *, now: datetime.datetime | None = None, within_days: int = 0, limit: int | None = None
) -> list[Due]:
    """What the job would destroy at `now` (plus `within_days`), every rule, earliest first."""
    found: list[Due] = []
    for each in RULES.values():
        records = due(each, now=now, within_days=within_days)
        found += [_due_item(each, r) for r in (records[:limit] if limit else records)]
    return sorted(found, key=lambda d: (d.due_on, d.rule, d.object_id))


# --- destroying -------------------------------------------------------------------------


@dataclass
class RunResult:
    destroyed: dict[str, int] = field(default_factory=dict)  # per rule
    items: list[Due] = field(default_factory=list)
    dry_run: bool = False
    # Records whose destruction raised ("cases.case 12"): left whole, tried again next run.
    failed: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.destroyed.values())


def destroy_one(rule: Rule, pk, *, now: datetime.datetime | None = None) -> Due | None:
    """Destroys one record if it is still due: its rows, its `Disposal` row and its
    destruction entry in one transaction. None when another run did it first or a hold was
    placed since the record was listed."""
    with transaction.atomic():
        record = due(rule, now=now).select_for_update(of=("self",)).filter(pk=pk).first()
        if record is None:
            return None
        item = _due_item(rule, record)
        files = list(rule.destroy(record))
        Disposal.objects.create(
            rule=rule.name,
            object_type=item.object_type,
            object_id=item.object_id,
            outcome=rule.outcome,
            due_on=item.due_on,
        )
        audit.record(
            AuditAction.DELETE,
            actor=None,
            actor_label=ACTOR_LABEL,
            object_type=item.object_type,
            object_id=item.object_id,
            object_repr=item.record,
            reason=f"retention: {rule.name}",
            changes={
                "retention": {
                    "rule": rule.name,
                    "outcome": str(rule.outcome),
                    "counted_from": rule.counted_from,
                    "start": item.counted_from.isoformat(),
                    "days": rule.days,
                    "due_on": item.due_on.isoformat(),
                    "files_deleted": len(files),
                }
            },
        )
        # Files last, still inside the transaction: if the commit then failed, the rows
        # would still be due and the next run would finish them (deleting a file already
        # gone is nothing); files deleted after the commit could be left behind for good.
        for name in files:
            default_storage.delete(name)
    return item


def run(*, dry_run: bool = False, now: datetime.datetime | None = None) -> RunResult:
    """Destroys every record whose period has ended, rule after rule, one transaction each;
    `dry_run` only lists them."""
    result = RunResult(dry_run=dry_run)
    if dry_run:
        result.items = schedule(now=now)
        for listed in result.items:
            result.destroyed[listed.rule] = result.destroyed.get(listed.rule, 0) + 1
        return result
    pending = {
        name: list(due(each, now=now).values_list("pk", flat=True)) for name, each in RULES.items()
    }
    total = sum(len(pks) for pks in pending.values())
    done = 0
    for name, pks in pending.items():
        for pk in pks:
            try:
                item = destroy_one(RULES[name], pk, now=now)
            except Exception:
                # Its transaction is rolled back, so the record is whole; one record that
                # cannot be destroyed must not keep every other from being.
                logger.exception("Retention could not destroy %s %s (%s)", name, pk, name)
                result.failed.append(f"{RULES[name].object_type} {pk}")
                continue
            if item is not None:
                result.destroyed[name] = result.destroyed.get(name, 0) + 1
                result.items.append(item)
            done += 1
            if done % 50 == 0:
                jobs.progress(done, total)
    jobs.progress(total, total)
    return result


# --- legal holds ------------------------------------------------------------------------


def object_type_of(obj: models.Model) -> str:
    return audit.object_type_of(obj)


def standing_hold(obj: models.Model) -> LegalHold | None:
    return (
        LegalHold.objects.filter(
            object_type=object_type_of(obj), object_id=str(obj.pk), lifted_at__isnull=True
        )
        .select_related("placed_by")
        .first()
    )


def disposal_of(obj: models.Model) -> Disposal | None:
    return Disposal.objects.filter(object_type=object_type_of(obj), object_id=str(obj.pk)).first()


HOLD_FIELDS = ["object_type", "object_id", "reason", "placed_by_id", "placed_at"]


@transaction.atomic
def hold_place(*, actor: User, obj: models.Model, reason: str) -> LegalHold:
    """Places a legal hold on `obj`: retention destroys nothing of it or of what belongs to
    it until the hold is lifted."""
    require(actor, Perm.MANAGE_RETENTION)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the record is held.")})
    object_type = object_type_of(obj)
    # The row of the record held is locked, so two holds placed at once cannot both pass.
    type(obj)._default_manager.select_for_update().filter(pk=obj.pk).first()
    if standing_hold(obj) is not None:
        raise ValidationError(_("This record is already on legal hold."), code="held")
    if disposal_of(obj) is not None:
        raise ValidationError(_("This record's personal data was already destroyed."))
    hold = LegalHold.objects.create(
        object_type=object_type, object_id=str(obj.pk), reason=reason, placed_by=actor
    )
    audit.record(
        AuditAction.CREATE,
        actor=actor,
        obj=hold,
        object_repr=f"legal hold on {object_type} {obj.pk}",
        changes=audit.diff({}, audit.snapshot(hold, HOLD_FIELDS)),
        reason=reason,
    )
    return hold


@transaction.atomic
def hold_lift(*, actor: User, obj: models.Model, reason: str) -> LegalHold:
    """Lifts the standing hold on `obj`; retention applies again from its next run."""
    require(actor, Perm.MANAGE_RETENTION)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the hold is lifted.")})
    hold = (
        LegalHold.objects.select_for_update()
        .filter(object_type=object_type_of(obj), object_id=str(obj.pk), lifted_at__isnull=True)
        .first()
    )
    if hold is None:
        raise ValidationError(_("This record is not on legal hold."), code="not_held")
    hold.lifted_by = actor
    hold.lifted_at = timezone.now()
    hold.lift_reason = reason
    hold.save(update_fields=["lifted_by", "lifted_at", "lift_reason"])
    audit.record(
        AuditAction.UPDATE,
        actor=actor,
        obj=hold,
        object_repr=f"legal hold on {hold.object_type} {hold.object_id}",
        changes={"lifted_at": {"before": None, "after": hold.lifted_at.isoformat()}},
        reason=reason,
    )
    return hold


def standing_holds() -> list[dict]:
    """Every standing hold with the record it is on, for the retention page."""
    rows = []
    for hold in LegalHold.objects.filter(lifted_at__isnull=True).select_related("placed_by"):
        kind = HOLDABLE.get(hold.object_type)
        rows.append(
            {
                "hold": hold,
                "record": kind.describe(hold.object_id) if kind else hold.object_id,
                "url": kind.url(hold.object_id) if kind else "",
            }
        )
    return rows
