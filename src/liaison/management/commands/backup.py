"""`liaison backup [ARCHIVE]`: the whole database and every upload in one AES-256
encrypted zip (see liaison/ops/archive.py for what it holds and why).

    LIAISON_BACKUP_PASSPHRASE=… liaison backup /srv/backups/liaison-2025-01-31.zip
    liaison backup --passphrase-file /etc/liaison/backup-passphrase

The passphrase is never a plain argument: the process list would show it to every user of
the machine. Given a directory, or nothing (var/backups/), the file gets a dated name."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from liaison.ops.archive import PASSPHRASE_ENV, BackupError, read_passphrase
from liaison.ops.backup import archive_path, create_backup


class Command(BaseCommand):
    help = "Writes an encrypted backup of the database and the uploads."

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        # No abbreviations: `--passphrase SECRET` must be refused, not read as a file name.
        parser.allow_abbrev = False
        return parser

    def add_arguments(self, parser):
        parser.add_argument(
            "archive",
            nargs="?",
            help="A new file, or a directory to write a dated file into (default var/backups/).",
        )
        parser.add_argument(
            "--passphrase-file",
            help=f"A file holding the passphrase (else ${PASSPHRASE_ENV}).",
        )

    def handle(self, *args, archive=None, passphrase_file=None, **options):
        path = archive_path(Path(archive) if archive else None, settings.VAR_DIR)
        say = self.stdout.write if options["verbosity"] > 1 else None
        try:
            passphrase = read_passphrase(passphrase_file)
            manifest = create_backup(path, passphrase, say=say)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        files = manifest["files"]
        self.stdout.write(
            f"Backup written to {path}: {sum(manifest['rows'].values())} rows, "
            f"{files['count']} uploads ({files['bytes']} bytes); field keys "
            f"{manifest['field_keys']['fingerprint']}."
        )
        self.stdout.write(
            "Keep the passphrase and the key file (LIAISON_FIELD_KEYS_FILE) apart from the "
            "archive: a restore needs all three."
        )
