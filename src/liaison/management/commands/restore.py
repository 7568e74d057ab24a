"""`liaison restore ARCHIVE`: a backup written by `liaison backup`, loaded into a new,
migrated, empty database and its upload store, all or nothing.

    liaison migrate
    LIAISON_BACKUP_PASSPHRASE=… liaison restore /srv/backups/liaison-2025-01-31.zip

Refused, with nothing changed: a wrong passphrase, an archive that is not a backup or is
damaged, a backup taken at other migrations, a key file (LIAISON_FIELD_KEYS_FILE) other
than the one the passport numbers were encrypted with, a database that already has rows."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from liaison.ops.archive import PASSPHRASE_ENV, BackupError, read_passphrase
from liaison.ops.restore import restore_backup


class Command(BaseCommand):
    help = "Restores an encrypted backup into a new, empty database."

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        # No abbreviations: `--passphrase SECRET` must be refused, not read as a file name.
        parser.allow_abbrev = False
        return parser

    def add_arguments(self, parser):
        parser.add_argument("archive", help="The archive written by `liaison backup`.")
        parser.add_argument(
            "--passphrase-file",
            help=f"A file holding the passphrase (else ${PASSPHRASE_ENV}).",
        )

    def handle(self, *args, archive, passphrase_file=None, **options):
        say = self.stdout.write if options["verbosity"] > 1 else None
        try:
            passphrase = read_passphrase(passphrase_file)
            restored = restore_backup(Path(archive), passphrase, say=say)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        manifest = restored.manifest
        self.stdout.write(
            f"Restored {archive}, taken {manifest['created_at']} by Liaison "
            f"{manifest['liaison_version']} on {manifest['database']}."
        )
        self.stdout.write(f"{'table':<40} {'backup':>10} {'restored':>10}")
        for label, expected in manifest["rows"].items():
            self.stdout.write(f"{label:<40} {expected:>10} {restored.rows[label]:>10}")
        self.stdout.write(f"{'uploads':<40} {manifest['files']['count']:>10} {restored.files:>10}")
        self.stdout.write(
            f"Every count matches the backup: {sum(restored.rows.values())} rows, "
            f"{restored.files} uploads ({restored.file_bytes} bytes)."
        )
