"""`liaison bench cases`: generate a large illustrative case load in a dedicated database
and time the case pages and intake against their targets (see liaison.bench).

    liaison bench cases                          500,000 cases, 1,000,000 people
    liaison bench cases --reuse                  measure again without generating
    liaison bench cases --cases 5000 --people 10000 --samples 10

By default the data goes into a database of its own beside the configured one (PostgreSQL:
`liaison_bench` on the same server, created and migrated if missing; SQLite: a file under
var/bench/). `--database-url default` uses the configured database itself, and like any
other database that already holds cases the benchmark did not write, only with --force."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from liaison.bench import database, dataset, pages, report
from liaison.partners.models import Country


class Command(BaseCommand):
    help = "Benchmarks a subject (cases) on a generated data set; prints and saves the figures."
    requires_system_checks: list = []  # the parent may not even reach the configured database

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("subject", choices=["cases"])
        parser.add_argument("--cases", type=int, default=500_000)
        parser.add_argument(
            "--people", type=int, default=1_000_000, help="victims and suspects in all"
        )
        parser.add_argument(
            "--database-url",
            default="",
            help="where to generate and measure; 'default' for the configured database",
        )
        parser.add_argument("--force", action="store_true", help="write beside other cases")
        parser.add_argument("--reuse", action="store_true", help="keep data already generated")
        parser.add_argument("--samples", type=int, default=20, help="requests per page")
        parser.add_argument("--intake", type=int, default=500, help="reports to POST")

    def handle(self, *args: str, **options) -> None:
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
        with subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, text=True) as child:  # noqa: S603
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
