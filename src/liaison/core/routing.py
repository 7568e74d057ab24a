"""Which database a query goes to: the primary, or the read replica (`DATABASE_REPLICA_URL`)
for the few pages that read a great deal and may be a little behind.

The replica is a PostgreSQL hot standby fed by streaming replication, so what it answers
lags the primary by the replication delay: well under a second on a sound network, more
while it replays a large write or a long report holds it back. Only the pages marked
`reads_from_replica` (the dashboards, the analysis pages) and the rows of an export
(`core.listing.export_audited`) read it, and only when all of these hold:

- the request is not pinned: a browser that wrote less than `LIAISON_REPLICA_PIN_SECONDS`
  ago (default 5; `ReplicaPinMiddleware` keeps a signed cookie) reads the primary, so
  people see their own changes at once as long as the lag stays under that window;
- the request has not written yet: after its first write it reads what it wrote;
- no transaction is open on the primary: what a transaction reads, it reads there.

Everything else (every write, every other page, the API, commands) uses the primary, and
without a replica configured the router answers None everywhere: Django's own choice, as
if there were no router. Migrations never run on the replica: it is a copy of the primary
and PostgreSQL refuses writes to it anyway.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import time
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections, models

log = logging.getLogger("liaison.db")

PRIMARY = DEFAULT_DB_ALIAS
REPLICA = "replica"
# After the replica fails, this process reads the primary for this long before trying it
# again: a replica that is down would otherwise cost every dashboard its connect timeout.
REPLICA_REST_SECONDS = 30
T = TypeVar("T")


@dataclass
class RequestReads:
    """What the router knows of the request in progress: whether it is pinned to the
    primary (its browser wrote within the pin window) and whether it has written."""

    pinned: bool = False
    wrote: bool = False


# A mutable record rather than a flag, so that a write seen in a thread the request hands
# work to (asgiref copies the context, never back) still reaches the middleware.
_request: ContextVar[RequestReads | None] = ContextVar("liaison_request_reads", default=None)
_replica_scope: ContextVar[bool] = ContextVar("liaison_replica_scope", default=False)
_replica_rests_until = 0.0  # time.monotonic() of this process; shared by its threads


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


@contextlib.contextmanager
def request_reads(*, pinned: bool) -> Iterator[RequestReads]:
    """The router's view of one request, for the middleware."""
    state = RequestReads(pinned=pinned)
    token = _request.set(state)
    try:
        yield state
    finally:
        _request.reset(token)


def reads_go_to_replica() -> bool:
    if not (_replica_scope.get() and replica_configured()):
        return False
    if time.monotonic() < _replica_rests_until:
        return False
    state = _request.get()
    if state is not None and (state.pinned or state.wrote):
        return False
    return not connections[PRIMARY].in_atomic_block


def read_on_replica(read: Callable[[], T]) -> T:
    """Runs `read` with its queries sent to the replica when the request may read it. A
    replica that cannot answer (down, or a query cancelled by a conflict with recovery)
    costs a read on the primary, logged, never an error page; the replica then rests
    REPLICA_REST_SECONDS."""
    global _replica_rests_until
    if not replica_configured() or _replica_scope.get():
        return read()
    token = _replica_scope.set(True)
    try:
        return read()
    except (OperationalError, InterfaceError):
        replica = connections[REPLICA]
        if not replica.errors_occurred:
            raise  # the primary failed: reading it again would not help
        log.warning(
            "The read replica failed; reading the primary for %s s.",
            REPLICA_REST_SECONDS,
            exc_info=True,
        )
        _replica_rests_until = time.monotonic() + REPLICA_REST_SECONDS
        replica.close()
    finally:
        _replica_scope.reset(token)
    return read()


def reads_from_replica(view: Callable[..., T]) -> Callable[..., T]:
    """Marks a view that may read the replica: a page of figures that may be a moment
    behind. The view must only read (or write last, as an export writes its audit entry):
    if the replica fails it runs a second time, on the primary."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        return read_on_replica(lambda: view(request, *args, **kwargs))

    return wrapped


def _is_session(model: type[models.Model]) -> bool:
    # Keeping a session alive writes it now and then (SessionKeepAliveMiddleware): that is
    # not the user changing anything they could then miss on a dashboard.
    return model._meta.app_label == "sessions"


class PrimaryReplicaRouter:
    """Reads in a replica scope go to the replica; everything else is Django's choice."""

    def db_for_read(self, model: type[models.Model], **hints: Any) -> str | None:
        if not reads_go_to_replica():
            return None
        instance = hints.get("instance")
        if instance is not None and instance._state.db not in (None, PRIMARY, REPLICA):
            return None  # a record of another database (the benchmark's) stays there
        return REPLICA

    def db_for_write(self, model: type[models.Model], **hints: Any) -> str | None:
        state = _request.get()
        if state is not None and not _is_session(model):
            state.wrote = True
        instance = hints.get("instance")
        if instance is not None and instance._state.db == REPLICA:
            return PRIMARY  # a record read from the replica is saved to the primary
        return None

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        # The replica holds the primary's rows: a case read there may point at a user
        # read here.
        if {obj1._state.db, obj2._state.db} <= {PRIMARY, REPLICA}:
            return True
        return None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return False if db == REPLICA else None
