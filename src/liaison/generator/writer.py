"""Rows written in bulk: COPY on PostgreSQL, one executemany INSERT elsewhere, with the
values converted as the fields would convert them."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable

from django.core.management.color import no_style
from django.db import connection, models

from liaison.cases.fields import CategoriesField, to_mask
from liaison.cases.models import (
    Case,
    CaseTransition,
    Identifier,
    InterpolNotice,
    PartnerRequest,
    Report,
    Suspect,
    TimelineEntry,
    Victim,
    VictimStatusChange,
)

UTC = datetime.UTC

_MISSING = object()  # a column every row must give (would fail as NULL)


def _utc_text(value: datetime.datetime) -> str:
    # How Django stores an aware time in SQLite: naive UTC, as text.
    return str(value.astimezone(UTC).replace(tzinfo=None))


class BulkWriter:
    """Rows (dicts of column → value) collected per model and written in batches: COPY on
    PostgreSQL, one executemany INSERT elsewhere. Columns not given take the field's
    default, so a row names only what it knows. Values are converted the way the fields
    would convert them, by a converter chosen once per column (the fields' own
    get_db_prep_save costs more than everything else at a million rows)."""

    def __init__(self, *, now: datetime.datetime):
        self.rows: dict[type[models.Model], list[tuple]] = {}
        self.columns: dict[type[models.Model], list] = {}
        self.specs: dict[type[models.Model], tuple[list, list]] = {}
        self.copy = connection.vendor == "postgresql"
        self.now = now
        self.counts: dict[str, int] = {}

    def _converter(self, f: models.Field) -> Callable | None:
        if isinstance(f, CategoriesField):
            return to_mask
        if isinstance(f, models.JSONField):
            return json.dumps
        if self.copy:
            return None  # psycopg takes dates, times and numbers as they are
        if isinstance(f, models.DateTimeField):
            return _utc_text
        if isinstance(f, models.DateField):
            return datetime.date.isoformat
        return None

    def _default(self, f: models.Field) -> object:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            return self.now
        if f.has_default():
            return f.get_default()
        if f.null:
            return None
        if isinstance(f, models.CharField | models.TextField | models.FileField):
            return ""
        raise ValueError(f"{f} needs a value")

    def _setup(self, model: type[models.Model]) -> tuple[list, list]:
        # A generated column (Case.priority_rank) is computed by the database, never written.
        fields = [f for f in model._meta.concrete_fields if not getattr(f, "generated", False)]
        pairs, converters = [], []
        for index, f in enumerate(fields):
            convert = self._converter(f)
            try:
                default = self._default(f)
            except ValueError:
                default = _MISSING
            if convert:
                converters.append((index, f.attname, convert))
                if default not in (None, _MISSING):
                    default = convert(default)
            pairs.append((f.attname, default))
        self.columns[model] = fields
        self.specs[model] = (pairs, converters)
        self.rows[model] = []
        return self.specs[model]

    def add(self, model: type[models.Model], **row) -> None:
        pairs, converters = self.specs.get(model) or self._setup(model)
        values = [row.get(name, default) for name, default in pairs]
        for index, name, convert in converters:
            if name in row and values[index] is not None:
                values[index] = convert(values[index])
        self.rows[model].append(tuple(values))

    def flush(self, order: list[type[models.Model]]) -> None:
        for model in order:
            rows = self.rows.get(model)
            if not rows:
                continue
            table = connection.ops.quote_name(model._meta.db_table)
            names = ", ".join(connection.ops.quote_name(f.column) for f in self.columns[model])
            if self.copy:
                with connection.cursor() as cursor:
                    raw = cursor.cursor
                    with raw.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(self.columns[model]))
                with connection.cursor() as cursor:
                    # Table and column names come from the models, quoted; values are bound.
                    sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608  # nosec B608
                    cursor.executemany(sql, rows)
            label = model._meta.label
            self.counts[label] = self.counts.get(label, 0) + len(rows)
            rows.clear()


# Each table after the tables its rows refer to.
ORDER = [
    Case,
    Report,
    CaseTransition,
    Victim,
    VictimStatusChange,
    Suspect,
    Identifier,
    InterpolNotice,
    PartnerRequest,
    TimelineEntry,
]


def reset_sequences() -> None:
    """After rows written with explicit ids, the next id the database hands out must be
    past them (PostgreSQL sequences; SQLite follows its largest rowid by itself)."""
    sql = connection.ops.sequence_reset_sql(no_style(), ORDER)
    if sql:
        with connection.cursor() as cursor:
            for statement in sql:
                cursor.execute(statement)
