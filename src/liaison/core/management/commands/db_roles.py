"""`liaison db-roles`: on PostgreSQL, connected as the owner (DATABASE_OWNER_URL), grants
the application role (DATABASE_URL) its rights: the product's tables, but on the audit
trail INSERT and SELECT only (core/db_roles.py). `liaison migrate` does it after every
migration as well.

    liaison db-roles            grant (the role exists)
    liaison db-roles --create   create the application role first, with DATABASE_URL's
                                password (the owner needs CREATEROLE)"""

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from liaison.core import db_roles


class Command(BaseCommand):
    help = "Grants the application's PostgreSQL role its rights: append-only audit trail."

    def add_arguments(self, parser):
        parser.add_argument(
            "--create", action="store_true", help="create the application role if missing"
        )

    def handle(self, *args, **options):
        try:
            lines = db_roles.set_up(create=options["create"])
        except db_roles.RolesError as exc:
            raise CommandError(str(exc)) from None
        except DatabaseError as exc:
            raise CommandError(f"PostgreSQL refused, connected as the owner: {exc}") from None
        for line in lines:
            self.stdout.write(line)
