"""What a backup test compares between the system backed up and the one restored, read
the same way in both."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection

from liaison.core.models import AuditEvent

# Made by `liaison migrate` on every system, or never carried over (sessions).
NOT_COMPARED = {"django_migrations", "django_content_type", "auth_permission", "django_session"}


def table_counts() -> dict[str, int]:
    """Rows in every table of the database, found by looking at the database itself, so a
    table the backup forgot shows up."""
    counts = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            if table in NOT_COMPARED or table.startswith("sqlite_"):
                continue
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts


def audit_trail() -> list[dict]:
    """Every audit entry with every column, oldest first, as JSON would carry it."""
    names = [field.attname for field in AuditEvent._meta.concrete_fields]
    rows = list(AuditEvent.objects.order_by("id").values(*names))
    return json.loads(json.dumps(rows, cls=DjangoJSONEncoder))
