"""`liaison bench cases`: generate a large illustrative case load in a dedicated database
and time the case pages and intake against their targets (see liaison.bench).

    liaison bench cases                          500,000 cases, 1,000,000 people
    liaison bench cases --reuse                  measure again without generating
    liaison bench cases --cases 5000 --people 10000 --samples 10

By default the data goes into a database of its own beside the configured one (PostgreSQL:
`liaison_bench` on the same server, created and migrated if missing; SQLite: a file under
var/bench/). `--database-url default` uses the configured database itself, and like any
other database that already holds cases the benchmark did not write, only with --force.

`liaison bench load`: gunicorn serving this checkout on one node, then two, driven by
signed-in users, beside the same load on an older revision (see liaison.bench.load).

    liaison bench load                           16 users, 20 s, 1 then 2 nodes, A/B HEAD~1
    liaison bench load --users 4 --seconds 5 --nodes 1 --no-ab

`liaison bench audit`: 1,000,000 chained audit entries in a database made afresh,
`audit verify` timed over them, and the intake with and without the chain (bench/audit.py).

    liaison bench audit --entries 100000 --intake 200
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from liaison.bench import audit as chain
from liaison.bench import database, dataset, pages, report
from liaison.bench.load import benchmark as load
from liaison.bench.load import flood
from liaison.bench.load.driver import SignInFailed
from liaison.bench.load.sides import RevisionUnavailable
from liaison.core.testing.gunicorn import NodeFailed
from liaison.partners.models import Country


class Command(BaseCommand):
    help = "Benchmarks a subject (cases) on a generated data set; prints and saves the figures."
    requires_system_checks: list = []  # the parent may not even reach the configured database

    def add_arguments(self, parser: CommandParser) -> None:
        subjects = parser.add_subparsers(dest="subject", required=True)
        cases = subjects.add_parser("cases", help="the case pages at half a million cases")
        cases.add_argument("--cases", type=int, default=500_000)
        cases.add_argument(
            "--people", type=int, default=1_000_000, help="victims and suspects in all"
        )
        cases.add_argument(
            "--database-url",
            default="",
            help="where to generate and measure; 'default' for the configured database",
        )
        cases.add_argument("--force", action="store_true", help="write beside other cases")
        cases.add_argument("--reuse", action="store_true", help="keep data already generated")
        cases.add_argument("--samples", type=int, default=20, help="requests per page")
        cases.add_argument("--intake", type=int, default=500, help="reports to POST")

        loaded = subjects.add_parser("load", help="gunicorn nodes under signed-in users")
        loaded.add_argument("--users", type=int, default=16, help="users at once")
        loaded.add_argument("--seconds", type=float, default=20, help="of each run")
        loaded.add_argument(
            "--nodes", type=int, default=2, help="runs with 1, 2, … this many nodes"
        )
        loaded.add_argument("--workers", type=int, default=2, help="gunicorn workers per node")
        loaded.add_argument("--cases", type=int, default=3000, help="cases generated")
        loaded.add_argument(
            "--database-url",
            default="",
            help=f"default: {database.LOAD_DB} beside the configured database; the older "
            "revision's is named after it with _before",
        )
        loaded.add_argument("--against", default="HEAD~1", help="the revision to compare with")
        loaded.add_argument("--no-ab", action="store_true", help="this checkout only")
        loaded.add_argument("--force", action="store_true", help="write beside other cases")
        loaded.add_argument(
            "--compare", type=int, default=30, help="page and API list requests, one at a time"
        )

        chained = subjects.add_parser(
            "audit", help="the audit chain: verify over 1,000,000 entries, its cost to intake"
        )
        chained.add_argument("--entries", type=int, default=1_000_000, help="entries built")
        chained.add_argument("--intake", type=int, default=300, help="reports a run (0: none)")
        chained.add_argument("--rounds", type=int, default=2, help="intake runs each way")
        chained.add_argument(
            "--reuse", action="store_true", help="keep the entries a last run built"
        )
        chained.add_argument(
            "--database-url",
            default="",
            help=f"default: {database.AUDIT_DB} beside the configured database, made afresh",
        )

        flood = subjects.add_parser(
            "login-flood", help="the case list while clients flood /login/ (limit off, on)"
        )
        flood.add_argument("--clients", type=int, default=8, help="flooding clients")
        flood.add_argument("--samples", type=int, default=30, help="case list requests")
        flood.add_argument("--workers", type=int, default=2, help="gunicorn workers")
        flood.add_argument("--cases", type=int, default=3000, help="cases generated")
        flood.add_argument("--database-url", default="", help=f"default: {database.LOAD_DB}")

    def handle(self, *args: str, **options) -> None:
        if options["subject"] == "load":
            return self._load(options)
        if options["subject"] == "login-flood":
            return self._login_flood(options)
        if options["subject"] == "audit":
            return self._audit(options)
        for name in ("cases", "people", "samples", "intake"):
            if options[name] < 1:
                raise CommandError(f"--{name} is at least 1.")
        configured = settings.DATABASES["default"]
        url = options["database_url"]
        if url == "default" or (url and database.same_database(url, configured)):
            return self._here(options, migrate=url != "default")
        url = url or database.bench_url(configured)
        if url.startswith("postgres") and database.create_postgres_database(url):
            self.stdout.write(f"Created the database {url.rsplit('/', 1)[-1]}.")
        self._in_child(url, options)

    def _in_child(self, url: str, options: dict) -> None:
        """The Django settings are read once per process: the measurement runs in a child
        whose DATABASE_URL is the benchmark database."""
        argv = [sys.executable, "-m", "liaison", "bench", "cases", "--database-url", url]
        for name in ("cases", "people", "samples", "intake"):
            argv += [f"--{name}", str(options[name])]
        argv += [f"--{flag}" for flag in ("force", "reuse") if options[flag]]
        env = {**os.environ, "DATABASE_URL": url}
        # A replica of the configured database is not one of the benchmark's.
        env.pop("DATABASE_REPLICA_URL", None)
        with subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, text=True) as child:  # noqa: S603  # nosec B603
            for line in child.stdout:
                self.stdout.write(line.rstrip("\n"))
        if child.returncode:
            raise CommandError(f"The benchmark failed (exit status {child.returncode}).")

    def _here(self, options: dict, *, migrate: bool) -> None:
        out = self.stdout.write
        where = f"{connection.vendor} {connection.settings_dict['NAME']}"
        if migrate:
            call_command("migrate", interactive=False, verbosity=0)
        if not Country.objects.exists():
            call_command("sync_countries", verbosity=0)
        dataset.restore_indexes(out)  # after a load that was stopped half-way
        foreign = dataset.foreign_cases()
        if foreign and not options["force"]:
            raise CommandError(
                f"{where} already holds {foreign} cases the benchmark did not write; it does "
                "not generate beside them without --force. Leave out --database-url to use a "
                "dedicated benchmark database."
            )
        existing = dataset.bench_cases()
        generated = None
        if options["reuse"] and existing >= options["cases"]:
            out(f"Reusing {existing:,} benchmark cases in {where}.")
            dataset.settle()  # a migration may have just rewritten a table
        else:
            if existing and not foreign:
                out(f"Emptying the case tables of {where} ({existing:,} benchmark cases).")
                dataset.wipe()
            out(f"Generating {options['cases']:,} cases, ~{options['people']:,} people in {where}…")
            generated = dataset.generate(
                cases=options["cases"], people=options["people"], out=out, dedicated=not foreign
            )
            out(f"Generated in {generated['seconds']} s: {generated['rows']}")
        out(f"Measuring ({options['samples']} requests per page, {options['intake']} intakes)…")
        started = time.perf_counter()
        result = pages.run(samples=options["samples"], intake_reports=options["intake"])
        out("")
        for line in report.table(result):
            out(line)
        meta = {
            "vendor": connection.vendor,
            "database": str(connection.settings_dict["NAME"]),
            "cases": dataset.bench_cases(),
            "generation": generated,
            "measured_in_s": round(time.perf_counter() - started, 1),
        }
        path = report.write_json(result, meta)
        out("")
        out(f"Figures written to {path}")

    def _load(self, options: dict) -> None:
        for name in ("users", "nodes", "workers", "cases"):
            if options[name] < 1:
                raise CommandError(f"--{name} is at least 1.")
        if options["seconds"] <= 0 or options["compare"] < 0:
            raise CommandError("--seconds is more than 0 and --compare at least 0.")
        url = options["database_url"] or database.bench_url(
            settings.DATABASES["default"], database.LOAD_DB
        )
        plan = load.Plan(
            users=options["users"],
            seconds=options["seconds"],
            nodes=options["nodes"],
            workers=options["workers"],
            cases=options["cases"],
            database_url=url,
            var_dir=Path(settings.VAR_DIR) / "bench",
            against=None if options["no_ab"] else options["against"],
            force=options["force"],
            compare=options["compare"],
        )

        def create(url: str) -> bool:
            return url.startswith("postgres") and database.create_postgres_database(url)

        # SIGTERM ends the run as Ctrl+C does: through the clean-up of every node and file.
        previous = signal.signal(signal.SIGTERM, _interrupt)
        try:
            load.run(plan, self.stdout.write, create_database=create)
        except (load.LoadFailed, NodeFailed, RevisionUnavailable, SignInFailed) as error:
            raise CommandError(str(error)) from error
        except KeyboardInterrupt:
            self.stderr.write("Stopped; the nodes, the worktree and the temporary files are gone.")
            raise SystemExit(130) from None
        finally:
            signal.signal(signal.SIGTERM, previous)

    def _login_flood(self, options: dict) -> None:
        url = options["database_url"] or database.bench_url(
            settings.DATABASES["default"], database.LOAD_DB
        )
        plan = load.Plan(
            users=1,
            seconds=1,
            nodes=1,
            workers=options["workers"],
            cases=options["cases"],
            database_url=url,
            var_dir=Path(settings.VAR_DIR) / "bench",
            against=None,
            force=False,
            compare=0,
        )

        def create(url: str) -> bool:
            return url.startswith("postgres") and database.create_postgres_database(url)

        try:
            flood.run(
                plan,
                self.stdout.write,
                clients=options["clients"],
                samples=options["samples"],
                create_database=create,
            )
        except (load.LoadFailed, NodeFailed, SignInFailed) as error:
            raise CommandError(str(error)) from error

    def _audit(self, options: dict) -> None:
        if options["entries"] < 1 or options["intake"] < 0 or options["rounds"] < 1:
            raise CommandError("--entries and --rounds are at least 1, --intake at least 0.")
        configured = settings.DATABASES["default"]
        url = options["database_url"]
        if url == "default":
            raise CommandError(
                "The audit benchmark writes a million invented entries: it runs only in a "
                "database of its own (leave out --database-url, or name another database)."
            )
        if url and database.same_database(url, configured):
            call_command("migrate", interactive=False, verbosity=0, database="default")
            if not Country.objects.exists():
                call_command("sync_countries", verbosity=0)
            chain.run(
                entries=options["entries"],
                reports=options["intake"],
                rounds=options["rounds"],
                out=self.stdout.write,
                reuse=options["reuse"],
            )
            return None
        url = url or database.bench_url(configured, database.AUDIT_DB)
        if not options["reuse"]:
            database.recreate(url)
            self.stdout.write(f"Made the database {url.rsplit('/', 1)[-1]} afresh.")
        elif url.startswith("postgres"):
            database.create_postgres_database(url)
        argv = [sys.executable, "-m", "liaison", "bench", "audit", "--database-url", url]
        for name in ("entries", "intake", "rounds"):
            argv += [f"--{name}", str(options[name])]
        argv += ["--reuse"] if options["reuse"] else []
        self._child(argv, url)
        return None

    def _child(self, argv: list[str], url: str) -> None:
        env = {**os.environ, "DATABASE_URL": url}
        env.pop("DATABASE_REPLICA_URL", None)
        env.pop("DATABASE_OWNER_URL", None)
        with subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, text=True) as child:  # noqa: S603  # nosec B603
            for line in child.stdout:
                self.stdout.write(line.rstrip("\n"))
        if child.returncode:
            raise CommandError(f"The benchmark failed (exit status {child.returncode}).")


def _interrupt(signum, frame):
    raise KeyboardInterrupt
