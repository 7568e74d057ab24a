"""`liaison audit`: the audit trail's chain (core/audit_chain.py).

liaison audit verify                      walk the chain; exit 1 naming what is wrong
liaison audit verify --archive FILE       check an archive file's signature and chain
liaison audit rotate-key                  a new current HMAC key (older ones stay)
liaison audit rotate-key --create         the key file, once, before the first entry
liaison audit archive --before 2024-01-01 [--out FILE] [--passphrase-file PATH]
                                          as the owner: move older entries to a signed,
                                          encrypted file; keep the chain's anchor
"""

from __future__ import annotations

import datetime
import getpass
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from liaison.core import audit_chain
from liaison.ops import audit_archive
from liaison.ops.archive import PASSPHRASE_ENV, BackupError, read_passphrase


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--before is a date as YYYY-MM-DD, not {value!r}.") from None


class Command(BaseCommand):
    help = "Verifies, archives and re-keys the audit trail's chain."

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.allow_abbrev = False  # `--passphrase SECRET` is refused, not taken for a file
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        verify = actions.add_parser("verify", help="walk the chain and name what is wrong")
        verify.add_argument("--archive", help="check this archive file instead")
        verify.add_argument("--passphrase-file", help=f"the archive's (else ${PASSPHRASE_ENV})")
        rotate = actions.add_parser("rotate-key", help="a new current HMAC key")
        rotate.add_argument("--create", action="store_true", help="create the key file")
        archive = actions.add_parser("archive", help="move old entries to a signed file")
        archive.add_argument("--before", required=True, help="YYYY-MM-DD: entries older go")
        archive.add_argument("--out", help="the archive file (default var/audit-archives/)")
        archive.add_argument("--passphrase-file", help=f"else ${PASSPHRASE_ENV}")

    def handle(self, *args, **options) -> None:
        action = options["action"]
        try:
            if action == "verify" and options["archive"]:
                return self._check_archive(options)
            if action == "verify":
                return self._verify()
            if action == "rotate-key":
                return self._rotate(options["create"])
            return self._archive(options)
        except audit_chain.AuditKeyError as exc:
            raise CommandError(str(exc)) from None
        except (audit_archive.ArchiveError, BackupError) as exc:
            raise CommandError(str(exc)) from None
        except DatabaseError as exc:
            raise CommandError(f"The database refused: {exc}") from None

    def _verify(self) -> None:
        started = time.perf_counter()
        verdict = audit_chain.verify()
        seconds = time.perf_counter() - started
        span = f"places {verdict.start_seq + 1}–{verdict.last_seq}"
        if verdict.intact:
            self.stdout.write(
                f"The audit chain is intact: {verdict.checked:,} entries ({span}) checked in "
                f"{seconds:.1f} s."
            )
            return
        for finding in verdict.findings:
            self.stderr.write(str(finding))
        raise CommandError(
            f"The audit chain is broken: {len(verdict.findings)} findings over "
            f"{verdict.checked:,} entries ({span})."
        )

    def _check_archive(self, options: dict) -> None:
        passphrase = read_passphrase(options["passphrase_file"])
        manifest = audit_archive.check(Path(options["archive"]), passphrase)
        self.stdout.write(
            f"The archive is intact: {manifest['entries']:,} entries, ids "
            f"{manifest['first']['id']}–{manifest['last']['id']}, signed and chained."
        )

    def _rotate(self, create: bool) -> None:
        if create:
            audit_chain.create_key_file()
            self.stdout.write(f"Audit key file created at {audit_chain.key_file()} (key a1).")
        else:
            key_id = audit_chain.add_key()
            self.stdout.write(
                f"New audit key {key_id}: entries from now on are signed with it; the older "
                "keys stay in the file to verify what they signed."
            )
        self.stdout.write("Back the key file up apart from the database: verify needs it.")

    def _archive(self, options: dict) -> None:
        before = _date(options["before"])
        passphrase = read_passphrase(options["passphrase_file"])
        path = Path(options["out"]) if options["out"] else audit_archive.default_path(before)
        done = audit_archive.archive(
            before, path, passphrase, operator=f"liaison audit archive ({getpass.getuser()})"
        )
        self.stdout.write(
            f"Archived {done.entries:,} audit entries (ids {done.first_id}–{done.last_id}) to "
            f"{done.path}. The chain's anchor is kept: `liaison audit verify` checks the rest "
            "from there. Keep the archive and its passphrase as the backups are kept."
        )
