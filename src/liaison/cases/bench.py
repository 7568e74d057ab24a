"""The cases benchmark (`liaison bench cases`): half a million illustrative cases in a
database of their own, then the pages officers use under pressure timed through the whole
Django stack, each beside the time of the bare SQL it runs (its floor).

The floor of a page is measured by recording the statements one request of the page runs:
its SELECTs are executed again, exactly, through `connection.cursor()`; its writes (the
audit row of a view, a session's idle expiry when it is due) are taken at the time they
took in that request, since running them twice would write twice. The ratio page/floor is then what
Python, templates and middleware add; "beyond SQL" is the same as a difference. The slowest
of those queries is named, with its EXPLAIN, for any page over its target. A signed-in
request that does nothing is measured first, in the same way (`bench_urls`): the framework's
own ratio, below which no page can go."""

from __future__ import annotations

import datetime
import json
import logging
import time
import warnings
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import dj_database_url
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import NoReverseMatch, reverse

from liaison.core.choices import Role
from liaison.demo import cases as demo

from . import generate as generator
from .models import Case, Identifier, Victim

BENCH_USER = "bench.ico"
BENCH_POST_OFFICER = "bench.post"
BENCH_DB = "liaison_bench"
SEED = 500_000
# Targets, in milliseconds (p95), and the most a page may add to its SQL.
TARGETS = {
    "list": 150,
    "search": 150,
    "search_rare": 150,
    "detail": 100,
    "dashboard": 500,
    "dashboard_cached": 500,
    "dashboard_post": 500,
}
MAX_RATIO = 3.0
# Not a page of the product: a signed-in request that does nothing, measured as a page is.
# Its ratio is the framework's own (session, user, middleware) and no page can go below it.
REFERENCE = "signed_in_empty"
INTAKE_TARGET = 100  # reports per second


# --- where ---------------------------------------------------------------------------------


def bench_url(configured: dict) -> str:
    """The dedicated database beside the configured one: `liaison_bench` on the same
    PostgreSQL server, or a file under var/bench/ for SQLite."""
    if configured["ENGINE"].endswith("postgresql"):
        user = configured.get("USER") or ""
        password = f":{configured['PASSWORD']}" if configured.get("PASSWORD") else ""
        auth = f"{user}{password}@" if user else ""
        host = configured.get("HOST") or "localhost"
        port = f":{configured['PORT']}" if configured.get("PORT") else ""
        return f"postgres://{auth}{host}{port}/{BENCH_DB}"
    path = Path(settings.VAR_DIR) / "bench" / "liaison-bench.sqlite3"
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path.resolve()}"


def same_database(url: str, configured: dict) -> bool:
    parsed = dj_database_url.parse(url)
    keys = ("ENGINE", "NAME", "HOST", "PORT")
    return all(str(parsed.get(k) or "") == str(configured.get(k) or "") for k in keys)


def create_postgres_database(url: str) -> bool:
    """Creates the database `url` names when it does not exist; True when created."""
    import psycopg

    target = dj_database_url.parse(url)
    params = {
        "host": target.get("HOST") or None,
        "port": target.get("PORT") or None,
        "user": target.get("USER") or None,
        "password": target.get("PASSWORD") or None,
        "dbname": "postgres",
        "autocommit": True,
    }
    with psycopg.connect(**{k: v for k, v in params.items() if v is not None}) as server:
        exists = server.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [target["NAME"]]
        ).fetchone()
        if exists:
            return False
        server.execute(f'CREATE DATABASE "{target["NAME"]}"')
        return True


# --- the data ------------------------------------------------------------------------------


def _bench_account(username: str, full_name: str, role: str):
    user, created = get_user_model().objects.get_or_create(
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


def bench_user():
    return _bench_account(BENCH_USER, "Benchmark ICO officer", Role.ICO_OFFICER)


def bench_post_officer():
    """An officer serving at the post with the most benchmark cases: their dashboard is
    counted from their own cases, not from the kept counts."""
    from django.db.models import Count

    from liaison.personnel.models import Post, Posting, PostingRole

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
    from django.apps import apps

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
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")  # noqa: S608


def _pending_file() -> Path:
    folder = Path(settings.VAR_DIR) / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"pending-indexes-{connection.settings_dict['NAME']}.json"


def restore_indexes(out=None) -> None:
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
def bulk_load(out, *, dedicated: bool):
    """On PostgreSQL, loads into the case tables without their secondary indexes and
    foreign keys, then builds them once: building an index over sorted data is many times
    faster than maintaining it row by row (the trigram indexes above all). Only for a
    database that holds nothing but benchmark cases."""
    if connection.vendor != "postgresql" or not dedicated:
        yield
        return
    tables = [m._meta.db_table for m in generator.ORDER]
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


def generate(*, cases: int, people: int, out, dedicated: bool = True) -> dict:
    """Writes the benchmark's cases; returns the rows per table and the seconds taken."""
    demo.ensure_posts(with_officers=False)
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


# --- the measurements -------------------------------------------------------------------


@dataclass
class Figure:
    """One page: times of the page and of its bare SQL, in milliseconds."""

    name: str
    url: str = ""
    status: str = "ok"
    samples: int = 0
    p50: float | None = None
    p95: float | None = None
    floor_p50: float | None = None
    floor_p95: float | None = None
    queries: int = 0
    target: float | None = None
    slowest_sql: str = ""
    slowest_ms: float | None = None
    explain: list[str] = field(default_factory=list)

    @property
    def ratio(self) -> float | None:
        if self.p50 is None or not self.floor_p50:
            return None
        return round(self.p50 / self.floor_p50, 1)

    @property
    def beyond_sql(self) -> float | None:
        """What Python, templates and middleware add at p50 (ms)."""
        if self.p50 is None or self.floor_p50 is None:
            return None
        return round(self.p50 - self.floor_p50, 1)

    @property
    def verdict(self) -> str:
        if self.status != "ok":
            return self.status
        if self.name == REFERENCE:
            return "reference"
        fast = self.target is None or self.p95 <= self.target
        lean = self.ratio is None or self.ratio <= MAX_RATIO
        return "ok" if fast and lean else ("SLOW" if not fast else "OVER 3x FLOOR")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def _is_select(query: dict) -> bool:
    return query["sql"].lstrip().upper().startswith(("SELECT", "WITH"))


def _selects(captured) -> list[str]:
    return [q["sql"] for q in captured if _is_select(q)]


def _writes_ms(captured) -> float:
    return sum(float(q["time"]) for q in captured if not _is_select(q)) * 1000


def _run(sqls: list[str]) -> tuple[float, list[float]]:
    """Runs each statement and reads all its rows; the total and each one's time (ms)."""
    each = []
    with connection.cursor() as cursor:
        for sql in sqls:
            started = time.perf_counter()
            cursor.execute(sql)
            cursor.fetchall()
            each.append((time.perf_counter() - started) * 1000)
    return sum(each), each


def explain(sql: str) -> list[str]:
    prefix = (
        "EXPLAIN (ANALYZE, BUFFERS) "
        if connection.vendor == "postgresql"
        else "EXPLAIN QUERY PLAN "
    )
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql)
        return [" ".join(str(c) for c in row) for row in cursor.fetchall()]


def measure_page(client: Client, name: str, urls: list[str], *, before=None) -> Figure:
    """Times `urls` through the test client, then the SQL of each request on its own (the
    floor: its SELECTs replayed, its writes as they took)."""
    figure = Figure(name=name, url=urls[0] if urls else "", target=TARGETS.get(name))
    page, floor, slowest = [], [], (0.0, "")
    client.get(urls[0])  # warm the connection, the templates and the caches of the code
    for url in urls:
        if before:
            before()
        started = time.perf_counter()
        response = client.get(url)
        page.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            figure.status = f"HTTP {response.status_code}"
            return figure
        if before:
            before()
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        sqls = _selects(captured.captured_queries)
        total, each = _run(sqls)
        floor.append(total + _writes_ms(captured.captured_queries))
        figure.queries = len(captured.captured_queries)
        if each and max(each) > slowest[0]:
            slowest = (max(each), sqls[each.index(max(each))])
    figure.samples = len(page)
    figure.p50, figure.p95 = (round(percentile(page, f), 1) for f in (0.5, 0.95))
    figure.floor_p50, figure.floor_p95 = (round(percentile(floor, f), 1) for f in (0.5, 0.95))
    figure.slowest_ms, figure.slowest_sql = round(slowest[0], 1), slowest[1]
    # A page over its target shows the plan of its slowest query; one only over 3x its floor
    # spends its time outside SQL, where a plan says nothing.
    if figure.verdict == "SLOW" and figure.slowest_sql:
        figure.explain = explain(figure.slowest_sql)
    return figure


def _url(name: str, *args) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _sample(values: list, k: int) -> list:
    """`k` values spread evenly over `values` (deterministic)."""
    if not values:
        return []
    step = max(len(values) // k, 1)
    return values[::step][:k]


def _searches(base: str, queries: list[str]) -> list[str]:
    return [f"{base}?{urlencode({'q': q, 'status': 'all'})}" for q in queries]


def reference(client: Client, samples: int) -> Figure:
    with override_settings(ROOT_URLCONF="liaison.cases.bench_urls"):
        return measure_page(client, REFERENCE, [reverse("bench_signed_in_empty")] * samples)


def pages(user, samples: int) -> list[Figure]:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    mine = Case.objects.filter(created_by=user)
    figures = [reference(client, samples)]
    base = _url("cases:list")
    if base is None:
        figures += [Figure(name, status="n/a") for name in ("list", "search", "search_rare")]
    else:
        figures.append(measure_page(client, "list", [f"{base}?country=KH"] * samples))
        names = list(
            Victim.objects.filter(case__in=mine)
            .order_by("pk")
            .values_list("name_latin", flat=True)[: samples * 50]
        )
        figures.append(measure_page(client, "search", _searches(base, _sample(names, samples))))
        # A phone number or handle matches one case or a few: the search an officer runs
        # with what a victim's family forwarded.
        handles = list(
            Identifier.objects.filter(suspect__case__in=mine)
            .order_by("pk")
            .values_list("value", flat=True)[: samples * 50]
        )
        figures.append(
            measure_page(client, "search_rare", _searches(base, _sample(handles, samples)))
        )
    ids = list(mine.order_by("pk").values_list("pk", flat=True)[: samples * 500])
    details = [_url("cases:detail", pk) for pk in _sample(ids, samples)]
    if not details or details[0] is None:
        figures.append(Figure("detail", status="n/a"))
    else:
        figures.append(measure_page(client, "detail", details))
    board = _url("cases:dashboard")
    if board is None:
        figures += [Figure("dashboard", status="n/a"), Figure("dashboard_cached", status="n/a")]
    else:
        # Cold: the history figures computed afresh, as after a deploy or every few minutes.
        figures.append(measure_page(client, "dashboard", [board] * samples, before=cache.clear))
        figures.append(measure_page(client, "dashboard_cached", [board] * samples))
        officer = bench_post_officer()
        if officer is None:
            figures.append(Figure("dashboard_post", status="n/a"))
        else:
            at_post = Client(HTTP_ACCEPT_LANGUAGE="en")
            at_post.force_login(officer)
            figures.append(
                measure_page(at_post, "dashboard_post", [board] * samples, before=cache.clear)
            )
    return figures


def intake(user, reports: int) -> dict:
    """Reports POSTed one after another to the API with a token, as a hotline system
    would; reports per second."""
    from liaison.core.services import api_token_create

    _token, raw = api_token_create(actor=user, name="benchmark")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_ACCEPT_LANGUAGE="en")
    url = "/api/v1/cases/reports"

    def post(index: int) -> int:
        payload = {
            "channel": "family",
            "country": "KH",
            "province": "Preah Sihanouk",
            "city": "Sihanoukville",
            "categories": ["confinement", "employment_scam"],
            "narrative": f"Benchmark report {index}: held in a compound after a job offer.",
            "person_name": "김민준",
            "person_name_latin": f"KIM Minjun {index}",
            "person_phone": f"+855 12 {index:06d}",
            "passport_number": f"M{10_000_000 + index}",
            "life_at_risk": True,
        }
        return client.post(url, json.dumps(payload), content_type="application/json").status_code

    post(reports)  # untimed, as the pages: the first request of a client loads the middleware
    started = time.perf_counter()
    failures = sum(post(index) != 201 for index in range(reports))
    seconds = time.perf_counter() - started
    return {
        "reports": reports,
        "failures": failures,
        "seconds": round(seconds, 2),
        "per_second": round(reports / seconds, 1),
        "target": INTAKE_TARGET,
    }


def run(*, samples: int, intake_reports: int) -> dict:
    user = bench_user()
    # One log line per request would bury the table.
    logging.getLogger("liaison.request").setLevel(logging.WARNING)
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    hosts = [*settings.ALLOWED_HOSTS, "testserver"]
    storages = settings.STORAGES
    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        # A checkout without `collectstatic`: serve static names as they are (the manifest
        # lookup an installed product does instead is a dictionary read).
        storages = {
            **storages,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    with override_settings(DEBUG=False, ALLOWED_HOSTS=hosts, STORAGES=storages):
        figures = pages(user, samples)
        posted = intake(user, intake_reports)
    return {"figures": figures, "intake": posted}


# --- the report ------------------------------------------------------------------------


def _ms(value) -> str:
    return "—" if value is None else f"{value:.1f}"


def table(result: dict) -> list[str]:
    lines = [
        f"{'page':<17}{'p50 ms':>9}{'p95 ms':>9}{'floor p50':>11}{'floor p95':>11}"
        f"{'ratio':>7}{'beyond SQL':>12}{'SQL':>5}{'target':>8}  verdict",
    ]
    for f in result["figures"]:
        lines.append(
            f"{f.name:<17}{_ms(f.p50):>9}{_ms(f.p95):>9}{_ms(f.floor_p50):>11}"
            f"{_ms(f.floor_p95):>11}{_ms(f.ratio):>7}{_ms(f.beyond_sql):>12}{f.queries:>5}"
            f"{(str(f.target) if f.target else '—'):>8}  {f.verdict}"
        )
    posted = result["intake"]
    lines.append(
        f"{'intake (API)':<17}{posted['per_second']:>9} reports/s over {posted['reports']} "
        f"({posted['failures']} failed); target ≥ {posted['target']}/s  "
        + ("ok" if posted["per_second"] >= posted["target"] and not posted["failures"] else "SLOW")
    )
    if any(f.name == REFERENCE and f.status == "ok" for f in result["figures"]):
        lines.append(
            f"{REFERENCE}: a signed-in request that does nothing, not a page of the product. "
            "Its ratio is the least any page's can be here."
        )
    for f in result["figures"]:
        if f.explain:
            lines += ["", f"{f.name}: slowest query {f.slowest_ms} ms:", f"  {f.slowest_sql[:600]}"]
            lines += [f"  {row}" for row in f.explain[:40]]
    return lines


def write_json(result: dict, meta: dict) -> Path:
    path = Path(settings.VAR_DIR) / "bench" / f"cases-{connection.vendor}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    figures = [
        {**asdict(f), "ratio": f.ratio, "beyond_sql": f.beyond_sql, "verdict": f.verdict}
        for f in result["figures"]
    ]
    path.write_text(
        json.dumps({**meta, "pages": figures, "intake": result["intake"]}, indent=2, default=str)
    )
    return path
