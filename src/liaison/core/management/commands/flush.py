"""`liaison flush`: Django's flush, which empties every table of the database, the audit
trail included. On SQLite the trail's triggers refuse DELETE, so they are lifted for the
flush alone (core/audit_guard.py); on PostgreSQL flush TRUNCATEs, which only the owner may
do on the trail. Tests flush between transactional tests."""

from django.core.management.commands import flush
from django.db import connections

from liaison.core import audit_guard


class Command(flush.Command):
    def handle(self, **options):
        connection = connections[options["database"]]
        if connection.vendor != "sqlite":
            return super().handle(**options)
        with audit_guard.lifted(connection):
            return super().handle(**options)
