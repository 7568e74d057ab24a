"""Query pieces the ORM does not offer."""

import re

from django.db.models import CharField, Func, Value

_WORD = re.compile(r"[A-Za-z0-9_]+")


class Literal(Value):
    """A constant of the code written into the SQL rather than bound as a parameter.

    A partial index's condition is a literal (`WHERE NOT (status = 'closed')`). Given the
    same literal, SQLite knows every row of the index meets it and reads the index alone;
    given `status = ?`, it reads the table row behind each index entry to test the status
    again (on half a million cases, 20 ms for a count that takes 1 ms). Only plain words
    are accepted, so nothing a user typed can reach the SQL this way."""

    def __init__(self, value: str):
        if not _WORD.fullmatch(value):
            raise ValueError(f"not a plain word: {value!r}")
        super().__init__(str(value), output_field=CharField())

    def as_sql(self, compiler, connection):
        return f"'{self.value}'", []


class Unindexed(Func):
    """`expression`, which SQLite must not read through an index: there it is written with
    SQLite's unary `+`, its documented way of keeping a term away from the planner's
    indexes; elsewhere it is the expression itself.

    Without per-value statistics SQLite may read a table in the order of the index on a
    GROUP BY column to save a sort, and test every row, when starting from a selective
    condition and sorting the few matches is a hundred times less work."""

    template = "%(expressions)s"
    arity = 1

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template="+%(expressions)s", **extra_context)
