"""The database's own refusal to change or delete audit entries, whatever the code path.

PostgreSQL: a row trigger refuses UPDATE and DELETE (migration 0002), and the application's
role has no right to UPDATE, DELETE or TRUNCATE the table, nor to disable the trigger (it
does not own the table: core/db_roles.py). SQLite: triggers refuse UPDATE and DELETE.

Only the owner lifts the guard, for one transaction: the migration that chained the
entries already written, `liaison audit archive` and `liaison flush` (which empties the
whole database; tests do it between transactional tests)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

PG_TRIGGER = "core_auditevent_no_update"
PG_FORWARD = """
CREATE OR REPLACE FUNCTION core_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit entries are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE OR REPLACE TRIGGER core_auditevent_no_update BEFORE UPDATE OR DELETE ON core_auditevent
    FOR EACH ROW EXECUTE FUNCTION core_auditevent_append_only();
"""
SQLITE_TRIGGERS = {
    "core_auditevent_no_update": "UPDATE",
    "core_auditevent_no_delete": "DELETE",
}


def _sqlite_install(cursor) -> None:
    for name, event in SQLITE_TRIGGERS.items():
        cursor.execute(
            f"CREATE TRIGGER IF NOT EXISTS {name} BEFORE {event} ON core_auditevent "  # nosec B608 — constant names
            "BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END;"
        )


def _sqlite_drop(cursor, names=tuple(SQLITE_TRIGGERS)) -> None:
    for name in names:
        cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


def install(connection) -> None:
    """Puts the guard in place (again): a table rebuilt by a migration loses its SQLite
    triggers with the old table."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(PG_FORWARD)
        elif connection.vendor == "sqlite":
            _sqlite_install(cursor)


def uninstall_sqlite_delete(connection) -> None:
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            _sqlite_drop(cursor, ("core_auditevent_no_delete",))


@contextmanager
def lifted(connection) -> Iterator[None]:
    """Within the caller's transaction, entries may be changed or deleted; the guard is
    back when it ends. On PostgreSQL only the table's owner may do this."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE core_auditevent DISABLE TRIGGER {PG_TRIGGER}")
        elif connection.vendor == "sqlite":
            _sqlite_drop(cursor)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"ALTER TABLE core_auditevent ENABLE TRIGGER {PG_TRIGGER}")
            elif connection.vendor == "sqlite":
                _sqlite_install(cursor)
