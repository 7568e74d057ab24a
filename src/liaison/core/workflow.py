"""The workflow engine every domain declares its lifecycles with. A lifecycle is a table of
the allowed moves, {(from_status, to_status): Rule}, each rule naming who may make the move
and what must be true first. The engine refuses a move the table does not have (saying
from where it is possible) or one whose preconditions fail (naming everything missing),
locks the row and checks its optimistic version, and writes the history row and the audit
row in the same transaction as the change. A domain's workflow.py holds its table, its
sentences and its hooks; this module knows no domain."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from . import audit
from .choices import AuditAction
from .models import User
from .permissions import Perm, can, refuse
from .versions import require_version
from .wording import and_list

R = TypeVar("R", bound=models.Model)  # the record a lifecycle moves
H = TypeVar("H", bound=models.Model)  # a row of its history
Text = str | Promise  # a message or a label, translated when it is shown


@dataclass(frozen=True)
class Precondition(Generic[R]):
    """Something that must be true of the record before a move; `missing` names it, in the
    words that follow "… needs", or answers None when it holds."""

    missing: Callable[[R], str | None]


@dataclass(frozen=True)
class Rule(Generic[R]):
    """One allowed move: what must be true first, whether a written reason is required, the
    label of its button, and who may make it (`allowed`; None: whoever may work the record)."""

    preconditions: tuple[Precondition[R], ...] = ()
    needs_reason: bool = False
    label: Text = ""
    allowed: Callable[[User, R], bool] | None = None


def holding(perm: Perm) -> Callable[[User, Any], bool]:
    """The rule's `allowed` for a move that any holder of `perm` may make."""

    def allowed(user: User, record: Any) -> bool:
        return can(user, perm)

    return allowed


@dataclass(frozen=True)
class Wording:
    """The sentences that name the domain's record ("while the case is …"). Each is the
    domain's own message (gettext_lazy), so its translation applies; they are formatted when
    a move is refused, with the keys listed."""

    not_from: Text  # %(action)s %(to)s %(current)s %(sources)s %(allowed)s
    unreachable: Text  # %(to)s: a status no move leads to
    needs_reason: Text  # %(action)s


@dataclass
class Move(Generic[R]):
    """One move being made, as the hooks see it. `details` carries what the calling service
    passes on to its hooks (a case's outcome); the hooks add the other fields they change
    to `changes`, which the audit row records beside the status."""

    record: R
    actor: User
    from_status: str
    to_status: str
    at: datetime.datetime
    reason: str
    action: AuditAction
    details: Mapping[str, Any] = field(default_factory=dict)
    changes: dict[str, Any] = field(default_factory=dict)
    history: models.Model | None = None


def history_rows(
    model: type[H], *, of: str, reason_field: str = "reason"
) -> Callable[[Move[Any]], H]:
    """Writes a move as a row of `model` (its foreign key to the record named `of`): from,
    to, who, when and why."""

    def write(move: Move[Any]) -> H:
        authenticated = getattr(move.actor, "is_authenticated", False)
        return model._default_manager.create(
            **{of: move.record, reason_field: move.reason},
            from_status=move.from_status,
            to_status=move.to_status,
            actor=move.actor if authenticated else None,
            at=move.at,
        )

    return write


def _audit_subject(record: models.Model) -> str:
    return f"{audit.object_type_of(record)}:{record.pk}"


@dataclass(frozen=True)
class Workflow(Generic[R, H]):
    """One lifecycle: the model whose `status` it moves (and whose `version` it counts), its
    status choices, the table, how the history is written, the domain's sentences, what
    each move is called in a refusal ("Signing needs …").

    `may_work` says who may change the record at all (None: the rules alone decide);
    `subject` names the record in an audited refusal. `on_enter` hooks set the fields a
    move sets, before the record is saved, and may refuse; `after` hooks follow the change
    once its history and audit rows are written (timeline, derived figures)."""

    model: type[R]
    statuses: type[models.TextChoices]
    transitions: Mapping[tuple[str, str], Rule[R]]
    history: Callable[[Move[R]], H]
    wording: Wording
    stale_message: Callable[[R], str]  # the refusal of a stale change, given the record now
    action_names: Mapping[str, Text] = field(default_factory=dict)
    may_work: Callable[[User, R], bool] | None = None
    subject: Callable[[R], str] = _audit_subject
    on_enter: Sequence[Callable[[Move[R]], None]] = ()
    after: Sequence[Callable[[Move[R]], None]] = ()
    status_input: str = "to_status"  # the input naming the new status, for an unknown one

    # --- reading the table ----------------------------------------------------------------

    def label(self, status: str) -> str:
        return str(self.statuses(status).label)

    def action(self, to_status: str) -> str:
        return str(self.action_names.get(to_status) or self.label(to_status))

    def moves_from(self, record: R) -> list[tuple[str, Rule[R]]]:
        """The moves the table allows from the record's status, whoever asks."""
        current = _status(record)
        return [(to, rule) for (source, to), rule in self.transitions.items() if source == current]

    def may_make(self, user: User, record: R, rule: Rule[R]) -> bool:
        return rule.allowed is None or rule.allowed(user, record)

    def available_moves(self, user: User, record: R) -> list[tuple[str, Rule[R]]]:
        """The moves from the record's status this user may make (preconditions aside)."""
        if self.may_work is not None and not self.may_work(user, record):
            return []
        return [
            (to, rule) for to, rule in self.moves_from(record) if self.may_make(user, record, rule)
        ]

    def missing_for(self, record: R, rule: Rule[R]) -> list[str]:
        return [m for p in rule.preconditions if (m := p.missing(record))]

    def refusal_message(self, record: R, to_status: str) -> str | None:
        """Why `record` cannot move to `to_status` now, naming everything missing; None when
        the table allows the move and every precondition holds."""
        action = self.action(to_status)
        rule = self.transitions.get((_status(record), to_status))
        if rule is not None:
            missing = self.missing_for(record, rule)
            return self._needs(action, missing) if missing else None
        sources = [source for (source, target) in self.transitions if target == to_status]
        if not sources:
            return str(self.wording.unreachable) % {"to": self.label(to_status)}
        message = str(self.wording.not_from) % {
            "action": action,
            "to": self.label(to_status),
            "current": self.label(_status(record)),
            "sources": self._quoted(sources, ", ".join),
            "allowed": self._quoted([to for to, _rule in self.moves_from(record)], and_list),
        }
        # Name what is missing for the move as the table has it, so the person knows what to do.
        needed: list[str] = []
        for source in sources:
            for gap in self.missing_for(record, self.transitions[(source, to_status)]):
                if gap not in needed:
                    needed.append(gap)
        return f"{message} {self._needs(action, needed)}" if needed else message

    def _needs(self, action: str, missing: list[str]) -> str:
        return _("%(action)s needs %(missing)s.") % {"action": action, "missing": and_list(missing)}

    def _quoted(self, statuses: list[str], join: Callable[[list[str]], str]) -> str:
        return join([f"'{self.label(s)}'" for s in statuses]) if statuses else "—"

    # --- making a move --------------------------------------------------------------------

    def require(self, actor: User, record: R, to_status: str) -> None:
        """Refuses (403, audited) unless `actor` may work the record and make this move."""
        if self.may_work is not None and not self.may_work(actor, record):
            refuse(actor, what=self.subject(record))
        current = _status(record)
        rule = self.transitions.get((current, to_status))
        if rule is not None and not self.may_make(actor, record, rule):
            refuse(actor, what=f"{record._meta.app_label}.transition:{current}->{to_status}")

    def lock(self, record: R, expected_version: int | None = None) -> R:
        """The record's row, locked until the end of the transaction and read afresh;
        refused as stale when someone else changed it since the caller read version N
        (detect and tell, never overwrite)."""
        locked = self.model._default_manager.select_for_update().get(pk=record.pk)
        require_version(locked, expected_version, self.stale_message(locked))
        return locked

    def apply(
        self,
        *,
        actor: User,
        locked: R,
        to_status: str,
        reason: str = "",
        at: datetime.datetime | None = None,
        changes: dict[str, Any] | None = None,
        details: Mapping[str, Any] | None = None,
    ) -> H:
        """Moves a record whose row the caller has locked (inside its transaction), if the
        table allows it and every precondition holds; returns the history row. `changes`
        adds the fields the calling service set to the audit row."""
        rule = self.transitions.get((_status(locked), to_status))
        if rule is not None and not self.may_make(actor, locked, rule):
            raise PermissionDenied(_("Your role does not allow this move."))
        message = self.refusal_message(locked, to_status)
        if rule is None or message:
            raise ValidationError(message or _("This move is not possible."), code="refused")
        if rule.needs_reason and not reason.strip():
            wanted = str(self.wording.needs_reason) % {"action": self.action(to_status)}
            raise ValidationError({"reason": wanted})
        move = self._move(actor, locked, to_status, reason, at, AuditAction.TRANSITION)
        return self._commit(move, changes, details)

    def correct(
        self,
        *,
        actor: User,
        locked: R,
        to_status: str,
        reason: str,
        at: datetime.datetime | None = None,
        changes: dict[str, Any] | None = None,
        details: Mapping[str, Any] | None = None,
    ) -> H:
        """Sets a status that no move of the table leads to, to undo a status recorded by
        mistake. No rule says who may: the calling service checks it (a correction is a
        right of its own) and what may be corrected. The reason is required; the history
        row and the audit row (a correction, not a move) say what was corrected and why."""
        if to_status not in self.statuses.values:
            raise ValidationError({self.status_input: _("Unknown status.")})
        if not reason.strip():
            raise ValidationError(
                {
                    "reason": _(
                        "A correction needs a written reason: say what was recorded by mistake."
                    )
                }
            )
        move = self._move(actor, locked, to_status, reason, at, AuditAction.CORRECTION)
        return self._commit(move, changes, details)

    def transition(
        self,
        *,
        actor: User,
        record: R,
        to_status: str,
        reason: str = "",
        expected_version: int | None = None,
        details: Mapping[str, Any] | None = None,
    ) -> R:
        """The transition service: checks the status, who may, locks, moves; returns the
        record as saved. Refuses with a message naming what is missing."""
        if to_status not in self.statuses.values:
            raise ValidationError({self.status_input: _("Unknown status.")})
        self.require(actor, record, to_status)
        with transaction.atomic():
            locked = self.lock(record, expected_version)
            self.apply(
                actor=actor, locked=locked, to_status=to_status, reason=reason, details=details
            )
        return locked

    def _move(
        self,
        actor: User,
        locked: R,
        to_status: str,
        reason: str,
        at: datetime.datetime | None,
        action: AuditAction,
    ) -> Move[R]:
        return Move(
            record=locked,
            actor=actor,
            from_status=_status(locked),
            to_status=to_status,
            at=at or timezone.now(),
            reason=reason.strip(),
            action=action,
        )

    def _commit(
        self, move: Move[R], changes: dict[str, Any] | None, details: Mapping[str, Any] | None
    ) -> H:
        move.changes.update(changes or {})
        move.details = details or {}
        for hook in self.on_enter:
            hook(move)  # before the record is saved: a hook may still refuse
        record = move.record
        record.status = move.to_status  # type: ignore[attr-defined]
        record.version += 1  # type: ignore[attr-defined]
        record.save()
        history = move.history = self.history(move)
        audit.record(
            move.action,
            actor=move.actor,
            obj=record,
            changes={
                **move.changes,
                "status": {"before": move.from_status, "after": move.to_status},
            },
            reason=move.reason,
        )
        for hook in self.after:
            hook(move)
        return history


def _status(record: models.Model) -> str:
    return str(record.status)  # type: ignore[attr-defined]
