"""`liaison migrate`: Django's migrate, as the owner role when DATABASE_OWNER_URL is set
(PostgreSQL), and then the application role's rights granted again, so tables a migration
made are the owner's and the audit trail stays append-only for the application
(core/db_roles.py). `--database` still chooses a database, as the role its URL names.

The migrations run in a child process whose DATABASE_URL is the owner's: data migrations
read and write through the default connection, which there is the owner's."""

import os
import subprocess
import sys

from django.conf import settings
from django.core.management.base import CommandError
from django.core.management.commands import migrate
from django.db import DEFAULT_DB_ALIAS

from liaison.core import db_roles

# The options passed on to the child, as flags.
FLAGS = {
    "fake": "--fake",
    "fake_initial": "--fake-initial",
    "plan": "--plan",
    "run_syncdb": "--run-syncdb",
    "check_unapplied": "--check",
    "prune": "--prune",
}


class Command(migrate.Command):
    def add_arguments(self, parser):
        super().add_arguments(parser)
        # None: as the owner when DATABASE_OWNER_URL is set, else the default database.
        parser.set_defaults(database=None)

    def execute(self, *args, **options):
        if options["database"] is None and db_roles.OWNER in settings.DATABASES:
            return self._as_owner(options)
        options["database"] = options["database"] or DEFAULT_DB_ALIAS
        return super().execute(*args, **options)

    def _as_owner(self, options: dict) -> None:
        argv = [sys.executable, "-m", "liaison", "migrate", "-v", str(options["verbosity"])]
        argv += [options[name] for name in ("app_label", "migration_name") if options[name]]
        argv += [flag for name, flag in FLAGS.items() if options.get(name)]
        argv += [] if options["interactive"] else ["--no-input"]
        env = {**os.environ, "DATABASE_URL": os.environ.get("DATABASE_OWNER_URL", "")}
        for name in ("DATABASE_OWNER_URL", "DATABASE_REPLICA_URL"):
            env.pop(name, None)
        done = subprocess.run(argv, env=env, check=False)  # noqa: S603  # nosec B603
        if done.returncode:
            raise CommandError(f"The migrations failed as the owner (exit {done.returncode}).")
        if options["plan"]:
            return
        try:
            for line in db_roles.set_up(create=False):
                if options["verbosity"]:
                    self.stdout.write(line)
        except db_roles.RolesError as exc:
            raise CommandError(str(exc)) from None
