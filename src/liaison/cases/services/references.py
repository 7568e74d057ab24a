"""Human references for reports and cases: R-2026-000042, C-2026-000017, numbered by id."""

from __future__ import annotations

import uuid

from django.db import connections, router
from django.utils import timezone


def save_new(obj, prefix: str) -> None:
    """Inserts a new report or case with its reference, from the year and its id.

    On PostgreSQL the id is drawn from the table's sequence first, so the row is written
    once, complete: numbering it afterwards would rewrite the row and every one of its
    indexes on each intake. Elsewhere (SQLite, which has no sequence to draw from) the row
    is inserted with a provisional unique reference, then numbered in the same transaction.
    """
    model = type(obj)
    connection = connections[router.db_for_write(model)]
    if connection.vendor == "postgresql":
        obj.pk = _next_id(connection, model)
        obj.reference = _reference(prefix, obj.pk)
        obj.save(force_insert=True)
        return
    obj.reference = "~" + uuid.uuid4().hex[:18]
    obj.save()
    obj.reference = _reference(prefix, obj.pk)
    model.objects.filter(pk=obj.pk).update(reference=obj.reference)


def _reference(prefix: str, pk: int) -> str:
    return f"{prefix}-{timezone.localtime().year}-{pk:06d}"


def _next_id(connection, model) -> int:
    # nextval is never rolled back nor handed out twice, so concurrent intakes cannot
    # draw the same id (a rolled-back intake leaves a gap, as an identity column does).
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s))",
            [model._meta.db_table, model._meta.pk.column],
        )
        return cursor.fetchone()[0]
