"""PostgreSQL's two roles (README, "The database").

The owner role (DATABASE_OWNER_URL) owns every table: migrations, `liaison db-roles` and
`liaison audit archive` connect as it. The application role (DATABASE_URL) reads and
writes the product's tables but may only INSERT and SELECT audit entries, SELECT, INSERT
and UPDATE the chain head (its first write makes the one row) and SELECT the archives'
anchors: not owning the tables, it can neither TRUNCATE them nor disable their triggers.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import connections
from psycopg import sql

OWNER = "owner"
APPEND_ONLY = {
    # table: what the application role keeps of the usual rights
    "core_auditevent": ("SELECT", "INSERT"),
    "core_auditchainhead": ("SELECT", "INSERT", "UPDATE"),
    "core_auditanchor": ("SELECT",),
}
ALL_RIGHTS = ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER")


class RolesError(Exception):
    """The roles cannot be set up as asked; the message says why and what to do."""


@dataclass(frozen=True)
class Roles:
    owner: str
    app: str


def configured_roles() -> Roles:
    if "owner" not in settings.DATABASES:
        raise RolesError(
            "DATABASE_OWNER_URL is not set: it names the role that owns the tables (and "
            "runs the migrations); DATABASE_URL the application's role."
        )
    owner = settings.DATABASES[OWNER].get("USER") or ""
    app = settings.DATABASES["default"].get("USER") or ""
    if not owner or not app:
        raise RolesError("DATABASE_URL and DATABASE_OWNER_URL each name their user.")
    if owner == app:
        raise RolesError(
            f"DATABASE_URL and DATABASE_OWNER_URL both connect as {owner!r}: the application "
            "needs a role of its own, which does not own the tables."
        )
    return Roles(owner=owner, app=app)


def _role_exists(cursor, role: str) -> bool:
    cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
    return cursor.fetchone() is not None


def create_app_role(cursor, role: str, password: str) -> bool:
    """Creates the application's login role when missing; True when created."""
    if _role_exists(cursor, role):
        return False
    cursor.execute(
        sql.SQL("CREATE ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD {}").format(
            sql.Identifier(role), sql.Literal(password)
        )
    )
    return True


def _refuse_powerful_app_role(cursor, roles: Roles) -> None:
    cursor.execute(
        "SELECT rolsuper, rolbypassrls, pg_has_role(%s, %s, 'MEMBER') FROM pg_roles "
        "WHERE rolname = %s",
        [roles.app, roles.owner, roles.app],
    )
    row = cursor.fetchone()
    if row is None:
        raise RolesError(
            f"The application role {roles.app!r} does not exist: `liaison db-roles "
            "--create` makes it with the password of DATABASE_URL."
        )
    superuser, bypass, member = row
    if superuser or bypass:
        raise RolesError(f"The application role {roles.app!r} is a superuser: it may do anything.")
    if member:
        raise RolesError(
            f"The application role {roles.app!r} is a member of the owner {roles.owner!r}, "
            "so it holds the owner's rights: revoke that membership."
        )
    cursor.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tableowner = %s",
        [roles.app],
    )
    owned = [name for (name,) in cursor.fetchall()]
    if owned:
        raise RolesError(
            f"The application role {roles.app!r} owns tables ({', '.join(owned[:5])}): "
            f"run `ALTER TABLE … OWNER TO {roles.owner}` for each (or REASSIGN OWNED)."
        )


def grant(cursor, roles: Roles) -> None:
    """The application role's rights, as the owner: everything on the product's tables
    but the audit trail's, which only grows. Also for tables later migrations make."""
    _refuse_powerful_app_role(cursor, roles)
    app, owner = sql.Identifier(roles.app), sql.Identifier(roles.owner)
    statements = [
        sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(app),
        sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}").format(
            app
        ),
        sql.SQL("GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {}").format(app),
        sql.SQL(
            "ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA public "
            "GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {}"
        ).format(owner, app),
        sql.SQL(
            "ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA public "
            "GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {}"
        ).format(owner, app),
    ]
    for table, kept in APPEND_ONLY.items():
        if not _exists(cursor, table):
            continue  # before the first migration: `liaison migrate` grants again after it
        statements.append(sql.SQL("REVOKE ALL ON {} FROM {}").format(sql.Identifier(table), app))
        statements.append(
            sql.SQL("GRANT {} ON {} TO {}").format(
                sql.SQL(", ").join(sql.SQL(right) for right in kept), sql.Identifier(table), app
            )
        )
    for statement in statements:
        cursor.execute(statement)


def _exists(cursor, table: str) -> bool:
    cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [table])
    return bool(cursor.fetchone()[0])


def rights(cursor, role: str, table: str) -> list[str]:
    """What `role` may do on `table`, as PostgreSQL answers it."""
    return [right for right in ALL_RIGHTS if _has(cursor, role, table, right)]


def _has(cursor, role: str, table: str, right: str) -> bool:
    cursor.execute("SELECT has_table_privilege(%s, %s, %s)", [role, table, right])
    return bool(cursor.fetchone()[0])


def set_up(*, create: bool) -> list[str]:
    """`liaison db-roles`: as the owner, creates the application role if asked and grants
    its rights; the lines to print."""
    roles = configured_roles()
    lines = []
    with connections[OWNER].cursor() as cursor:
        if create:
            password = settings.DATABASES["default"].get("PASSWORD") or ""
            if not password:
                raise RolesError("DATABASE_URL has no password to create the role with.")
            if create_app_role(cursor, roles.app, password):
                lines.append(f"Created the application role {roles.app}.")
        grant(cursor, roles)
        if not _exists(cursor, "core_auditevent"):
            lines.append(f"Granted {roles.app} its rights; run `liaison migrate` next.")
            return lines
        audit = ", ".join(rights(cursor, roles.app, "core_auditevent"))
        lines.append(
            f"The application role {roles.app} reads and writes the product's tables; on the "
            f"audit trail it may {audit} only. The owner is {roles.owner}."
        )
    return lines
