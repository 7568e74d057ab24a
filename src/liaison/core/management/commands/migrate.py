"""`liaison migrate`: Django's migrate, as the owner role when DATABASE_OWNER_URL is set
(PostgreSQL), and then the application role's rights granted again, so tables a migration
made are the owner's and the audit trail stays append-only for the application
(core/db_roles.py). `--database` still chooses another database."""

from django.conf import settings
from django.core.management.base import CommandError
from django.core.management.commands import migrate
from django.db import DEFAULT_DB_ALIAS

from liaison.core import db_roles


class Command(migrate.Command):
    def add_arguments(self, parser):
        super().add_arguments(parser)
        # None: the owner's connection when there is one, else the default database.
        parser.set_defaults(database=None)

    def execute(self, *args, **options):
        self.as_owner = options["database"] is None and db_roles.OWNER in settings.DATABASES
        if options["database"] is None:
            options["database"] = db_roles.OWNER if self.as_owner else DEFAULT_DB_ALIAS
        return super().execute(*args, **options)

    def handle(self, *args, **options):
        super().handle(*args, **options)
        if self.as_owner and not options["plan"]:
            try:
                for line in db_roles.set_up(create=False):
                    if options["verbosity"]:
                        self.stdout.write(line)
            except db_roles.RolesError as exc:
                raise CommandError(str(exc)) from None
