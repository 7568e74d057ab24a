"""The benchmark's data: its accounts, its cases generated in bulk (on PostgreSQL without
the secondary indexes, built once at the end), and the database settled as autovacuum
would leave it."""

from __future__ import annotations

import datetime
import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count

from liaison.cases.models import Case
from liaison.core.choices import Role
from liaison.core.models import User
from liaison.demo import cases as demo
from liaison.generator import cases as generator
from liaison.generator.writer import ORDER
from liaison.personnel.models import Post, Posting, PostingRole

BENCH_USER = "bench.ico"
BENCH_POST_OFFICER = "bench.post"
SEED = 500_000
Out = Callable[[str], None]


def _bench_account(username: str, full_name: str, role: str) -> User:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "full_name": full_name,
            "role": role,
            "email": f"{username}@bench.liaison.invalid",
            "language": "en",
        },
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def bench_user() -> User:
    return _bench_account(BENCH_USER, "Benchmark ICO officer", Role.ICO_OFFICER)


def bench_post_officer() -> User | None:
    """An officer serving at the post with the most benchmark cases: their dashboard is
    counted from their own cases, not from the kept counts."""
    post = Post.objects.annotate(n=Count("cases")).filter(n__gt=0).order_by("-n", "pk").first()
    if post is None:
        return None
    user = _bench_account(BENCH_POST_OFFICER, "Benchmark post officer", Role.OVERSEAS_OFFICER)
    Posting.objects.get_or_create(
        post=post,
        officer=user,
        defaults={"role": PostingRole.LIAISON_OFFICER, "started_on": datetime.date(2019, 1, 1)},
    )
    return user


def foreign_cases() -> int:
    """Cases in this database that the benchmark did not write."""
    return Case.objects.exclude(created_by__username=BENCH_USER).count()


def bench_cases() -> int:
    return Case.objects.filter(created_by__username=BENCH_USER).count()


def wipe() -> None:
    """Empties the case tables of a database that holds only benchmark cases."""
    models = [
        m for m in apps.get_app_config("cases").get_models() if m.__name__ != "ResponseTarget"
    ]
    tables = [m._meta.db_table for m in models]
    tables += [f.remote_field.through._meta.db_table for m in models for f in m._meta.many_to_many]
    quoted = ", ".join(connection.ops.quote_name(t) for t in tables)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")
        else:
            for table in reversed(tables):
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")  # noqa: S608  # nosec B608


def _pending_file() -> Path:
    folder = Path(settings.VAR_DIR) / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"pending-indexes-{connection.settings_dict['NAME']}.json"


def restore_indexes(out: Out | None = None) -> None:
    """Re-creates the indexes and foreign keys a load dropped (also after a load that was
    killed half-way: they are kept in a file until restored)."""
    path = _pending_file()
    if connection.vendor != "postgresql" or not path.exists():
        return
    saved = json.loads(path.read_text())
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '1GB'")
        for definition in saved["indexes"]:
            cursor.execute(definition.replace("CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", 1))
        for table, name, definition in saved["foreign_keys"]:
            cursor.execute("SELECT 1 FROM pg_constraint WHERE conname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    path.unlink()
    if out:
        out(f"  indexes and foreign keys rebuilt in {time.perf_counter() - started:.1f} s")


@contextmanager
def bulk_load(out: Out, *, dedicated: bool) -> Iterator[None]:
    """On PostgreSQL, loads into the case tables without their secondary indexes and
    foreign keys, then builds them once: building an index over sorted data is many times
    faster than maintaining it row by row (the trigram indexes above all). Only for a
    database that holds nothing but benchmark cases."""
    if connection.vendor != "postgresql" or not dedicated:
        yield
        return
    tables = [m._meta.db_table for m in ORDER]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary AND NOT i.indisunique",
            [tables],
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE contype = 'f' AND conrelid = ANY(%s::regclass[])",
            [tables],
        )
        foreign_keys = cursor.fetchall()
        _pending_file().write_text(
            json.dumps({"indexes": [d for _n, d in indexes], "foreign_keys": foreign_keys})
        )
        # Foreign keys checked at commit cannot be dropped while checks are pending.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")
        for table, name, _definition in foreign_keys:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT IF EXISTS "{name}"')
        cursor.execute("SET synchronous_commit = off")
    try:
        yield
    finally:
        restore_indexes(out)


def generate(*, cases: int, people: int, out: Out, dedicated: bool = True) -> dict:
    """Writes the benchmark's cases; returns the rows per table and the seconds taken."""
    posts = demo.ensure_posts(with_officers=False)
    started = time.perf_counter()

    def progress(done: int) -> None:
        if done % 50_000 == 0 or done == cases:
            out(f"  {done:>9,} cases  {time.perf_counter() - started:7.1f} s")

    actor = bench_user()
    with bulk_load(out, dedicated=dedicated):
        counts = generator.generate(
            cases=cases,
            people=people,
            actor=actor,
            seed=SEED,
            start=datetime.date(2019, 1, 1),
            filing=demo.case_filing(posts),
            loose_reports=max(cases // 50, 1),
            chunk=5000,
            progress=progress,
        )
    settle()
    return {"rows": counts, "seconds": round(time.perf_counter() - started, 1)}


def settle() -> None:
    """What autovacuum does to a live database after a big load, done now: statistics for
    the planner and, on PostgreSQL, the visibility map that index-only scans need."""
    # VACUUM cannot run inside a transaction (as in the tests); ANALYZE still does.
    vacuum = connection.vendor == "postgresql" and connection.get_autocommit()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)" if vacuum else "ANALYZE")
