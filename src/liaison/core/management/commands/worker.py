"""`liaison worker`: does the background jobs (core.jobs) and, unless told otherwise, runs
the scheduler of the periodic ones.

    liaison worker                  jobs and the scheduler (one machine, the demo)
    liaison worker --no-scheduler   jobs only (extra workers on other nodes)
    liaison worker --scheduler-only the scheduler only (its own systemd unit)

Several schedulers may run at once: each occurrence of a periodic job is claimed once
(core.models.PeriodicRun). SIGINT stops after the running jobs finish; SIGTERM stops at
once, and a job cut short is queued again by the reaper after
LIAISON_JOB_LOST_AFTER_SECONDS."""

from __future__ import annotations

import logging

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from huey.consumer import Consumer

from liaison.core import jobs


def _check_database() -> None:
    """A worker on a database it cannot use stops at once and says why."""
    try:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as error:
        raise CommandError(f"The database cannot be reached: {error}") from None
    if pending:
        raise CommandError(
            f"The database lacks {len(pending)} migrations: run `liaison migrate` first."
        )


class Command(BaseCommand):
    help = "Does the background jobs and schedules the periodic ones."

    def add_arguments(self, parser):
        parser.add_argument("--workers", type=int, default=2, help="Jobs done at once.")
        which = parser.add_mutually_exclusive_group()
        which.add_argument("--no-scheduler", action="store_true", help="Do jobs only.")
        which.add_argument(
            "--scheduler-only", action="store_true", help="Schedule periodic jobs only."
        )

    def handle(self, *args, workers=2, no_scheduler=False, scheduler_only=False, **options):
        if not scheduler_only and not 1 <= workers <= 64:
            raise CommandError("--workers is between 1 and 64.")
        # Each run of a periodic job is not news: warnings and errors only.
        logging.getLogger("huey").setLevel(logging.WARNING)
        _check_database()
        jobs.on_worker_start(scheduler=not no_scheduler)
        consumer = Consumer(
            jobs.huey,
            workers=0 if scheduler_only else workers,
            periodic=not no_scheduler,
            worker_type="thread",
            initial_delay=0.1,
            backoff=1.15,
            max_delay=1.0,
        )
        self.stdout.write(
            f"Liaison worker: {0 if scheduler_only else workers} job threads, scheduler "
            f"{'off' if no_scheduler else 'on'}, queue {jobs.huey.name}."
        )
        consumer.run()
