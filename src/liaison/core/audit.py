"""Writing the audit trail. Services call `record` inside their own transaction, so an
action and its audit entry are committed together or not at all."""

from __future__ import annotations

import contextvars
import datetime
import decimal
import uuid
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from . import audit_chain
from .choices import AuditAction
from .models import AuditEvent


@dataclass(frozen=True)
class RequestContext:
    ip_address: str | None = None
    user_agent: str = ""
    request_id: str = ""


_request_context: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar(
    "liaison_request_context", default=None
)


def set_request_context(context: RequestContext) -> contextvars.Token:
    return _request_context.set(context)


def reset_request_context(token: contextvars.Token) -> None:
    _request_context.reset(token)


def current_request_context() -> RequestContext:
    return _request_context.get() or RequestContext()


def _json_value(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [_json_value(v) for v in value]
    return value


# Never copied into the audit trail, even as a hash.
SECRET_FIELDS = {"password", "token_hash", "passport_ciphertext", "passport_hash"}


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The concrete field values of a record, as JSON-ready data, for before/after."""
    names = fields or [
        f.attname
        for f in obj._meta.concrete_fields
        if f.name not in ("created_at", "updated_at") and f.name not in SECRET_FIELDS
    ]
    return {name: _json_value(getattr(obj, name)) for name in names}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Only the fields that changed: {field: {"before": old, "after": new}}."""
    return {
        key: {"before": before.get(key), "after": after.get(key)}
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


def object_type_of(obj: models.Model) -> str:
    return f"{obj._meta.app_label}.{obj._meta.model_name}"


def record(
    action: AuditAction,
    *,
    actor,
    obj: models.Model | None = None,
    changes: dict | None = None,
    reason: str = "",
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    actor_label: str = "",
    purpose: str = "",
    using: str = "default",
) -> AuditEvent:
    """Writes one entry, chained to the one before (core/audit_chain.py). `using`: the
    database alias, for the owner's commands (`liaison audit archive`)."""
    context = current_request_context()
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    if obj is not None:
        object_type = object_type or object_type_of(obj)
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)
    entry = {
        "at": timezone.now(),
        "actor_id": actor.pk if authenticated else None,
        "actor_label": (actor.get_username() if authenticated else actor_label)[:200],
        "actor_role": getattr(actor, "role", "") if authenticated else "",
        "action": str(action),
        "object_type": str(object_type),
        "object_id": str(object_id),
        "object_repr": str(object_repr)[:300],
        "changes": audit_chain.json_ready(changes or {}),
        "reason": str(reason),
        "ip_address": audit_chain.canonical_address(context.ip_address),
        "user_agent": context.user_agent[:300],
        "request_id": context.request_id,
        "purpose": str(purpose)[:300],
    }
    # Chained and written in the caller's transaction (no savepoint of its own: a failure
    # fails that transaction whole); the chain head stays locked until it ends.
    with transaction.atomic(using=using, savepoint=False):
        (linked,) = audit_chain.link([entry], using)
        # Through the router when on the default database: it notes the request's write,
        # which pins the browser to the primary (read-your-writes with a replica).
        events = AuditEvent.objects if using == "default" else AuditEvent.objects.using(using)
        return events.create(**linked)


def record_created(obj: models.Model, *, actor, reason: str = "") -> AuditEvent:
    return record(
        AuditAction.CREATE, actor=actor, obj=obj, changes=diff({}, snapshot(obj)), reason=reason
    )


def record_updated(
    obj: models.Model, before: dict, *, actor, reason: str = ""
) -> AuditEvent | None:
    """An update entry with only what changed; nothing is written when nothing changed."""
    changes = diff(before, snapshot(obj, list(before)))
    if not changes:
        return None
    return record(AuditAction.UPDATE, actor=actor, obj=obj, changes=changes, reason=reason)


def record_viewed(obj: models.Model, *, actor) -> AuditEvent:
    return record(AuditAction.VIEW, actor=actor, obj=obj)
