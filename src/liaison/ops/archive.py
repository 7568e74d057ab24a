"""The backup archive: one AES-256 encrypted zip holding every row of the database, every
upload, and a manifest saying what it holds (`liaison backup`, `liaison restore`).

    manifest.json                  format, when, which release and migrations, row counts
                                   per model, upload count and bytes, the key fingerprint
    rows/<app>.<model>.jsonl       the model's rows, one JSON object a line
    files/<storage name>           each upload, as the storage holds it

- Rows are in Django's serialised form (what `dumpdata --format jsonl` writes), written
  and read one row at a time, so half a million cases need the memory of a few thousand.
  The form is the ORM's, not the database's: a backup of the embedded SQLite restores into
  PostgreSQL and back. Primary keys are kept (references, case numbers and the audit trail
  stay as they were). Content types and permissions, whose ids differ between databases,
  are named by natural key; they and the sessions are not copied, as `dumpdata` users
  leave them out: `liaison migrate` makes them.
- Uploads are read and written through Django's storage API, so an S3 store is backed up
  like the local folder.
- Every entry is AES-256 encrypted (WinZip AE, which 7-Zip also opens): the rows hold
  passport numbers and victims' names.
- The manifest carries a fingerprint of the field-encryption keys, never the keys: the
  passport numbers in the rows stay encrypted with them, and a restore refuses a key file
  that could not decrypt them.
"""

from __future__ import annotations

import json
import os
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyzipper
from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.migrations.recorder import MigrationRecorder

FORMAT = "liaison-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
ROWS = "rows/"
FILES = "files/"
PASSPHRASE_ENV = "LIAISON_BACKUP_PASSPHRASE"  # noqa: S105 — the variable's name, not a secret  # nosec B105
# The zip's AES keys are derived from the passphrase with only 1,000 rounds of PBKDF2 (the
# WinZip AE format fixes it), so the passphrase itself must resist guessing.
MIN_PASSPHRASE_LENGTH = 16
# Rebuilt by `liaison migrate` on the target (content types, permissions), or better not
# carried over (sessions would sign everyone back in on the restored system).
NOT_COPIED = {"contenttypes.contenttype", "auth.permission", "sessions.session"}

Say = Callable[[str], None]


def quiet(line: str) -> None:
    """What a caller that wants no progress lines passes as `say`."""


class BackupError(Exception):
    """A backup or restore refused, with what the operator should do about it."""


def read_passphrase(path: str | None) -> bytes:
    """The passphrase from the file named, else from the environment; never from the
    command line, where every user of the machine can read it in the process list."""
    if path:
        try:
            value = Path(path).read_text(encoding="utf-8").rstrip("\r\n")
        except (OSError, UnicodeDecodeError) as exc:
            raise BackupError(f"The passphrase file {path} cannot be read: {exc}.") from None
    else:
        value = os.environ.get(PASSPHRASE_ENV, "")
    if not value:
        raise BackupError(
            f"No passphrase: give --passphrase-file PATH or set {PASSPHRASE_ENV}. "
            "A backup holds personal data and is always encrypted."
        )
    return value.encode()


def require_strong(passphrase: bytes) -> None:
    if len(passphrase.decode()) < MIN_PASSPHRASE_LENGTH:
        raise BackupError(
            f"The passphrase is shorter than {MIN_PASSPHRASE_LENGTH} characters. Use a "
            "random one, e.g. `openssl rand -base64 32`, and keep it apart from the backups."
        )


def copied_models() -> list[type[models.Model]]:
    """Every model of every installed app whose rows live in a table of their own."""
    return [
        model
        for model in apps.get_models()
        if model._meta.label_lower not in NOT_COPIED
        and model._meta.managed
        and not model._meta.proxy
    ]


def link_tables(model: type[models.Model]) -> dict[str, type[models.Model]]:
    """The tables Django made for the model's many-to-many fields, by field name: their
    rows are written inside the model's rows (a case's officers) and counted apart. An
    explicit through model (postings) is a model of its own."""
    tables = {}
    for field in model._meta.local_many_to_many:
        through = field.remote_field.through
        if through is not None and through._meta.auto_created:
            tables[field.name] = through
    return tables


def applied_migrations(alias: str = DEFAULT_DB_ALIAS) -> list[str]:
    recorder = MigrationRecorder(connections[alias])
    if not recorder.has_table():
        return []
    return sorted(f"{app}.{name}" for app, name in recorder.applied_migrations())


def rows_entry(model: type[models.Model]) -> str:
    return f"{ROWS}{model._meta.label_lower}.jsonl"


def summary(manifest: dict[str, Any]) -> str:
    rows = sum(manifest["rows"].values())
    tables = sum(1 for count in manifest["rows"].values() if count)
    files = manifest["files"]
    return f"{rows} rows in {tables} tables, {files['count']} files ({files['bytes']} bytes)"


def audit_changes(manifest: dict[str, Any]) -> dict[str, Any]:
    return {
        "created_at": manifest["created_at"],
        "rows": sum(manifest["rows"].values()),
        "files": manifest["files"]["count"],
        "file_bytes": manifest["files"]["bytes"],
    }


@contextmanager
def writable(out, passphrase: bytes) -> Iterator[pyzipper.AESZipFile]:
    with pyzipper.AESZipFile(out, "w", compression=pyzipper.ZIP_DEFLATED) as archive:
        archive.setpassword(passphrase)
        archive.setencryption(pyzipper.WZ_AES, nbits=256)
        archive.comment = b"Liaison backup: AES-256 encrypted; restore with `liaison restore`."
        yield archive


@contextmanager
def readable(path: Path, passphrase: bytes) -> Iterator[pyzipper.AESZipFile]:
    """The archive open for reading; a damaged entry read inside is a BackupError."""
    try:
        archive = pyzipper.AESZipFile(path)
    except FileNotFoundError:
        raise BackupError(f"There is no archive at {path}.") from None
    except (pyzipper.BadZipFile, EOFError, OSError, ValueError):
        raise BackupError(
            f"{path} is not a readable backup: it is damaged, cut short or not a zip file."
        ) from None
    with archive:
        archive.setpassword(passphrase)
        try:
            yield archive
        except (pyzipper.BadZipFile, zlib.error, EOFError) as exc:
            raise BackupError(f"{path} is damaged and was not restored ({exc}).") from None


def valid_manifest(archive: pyzipper.AESZipFile, path: Path) -> dict[str, Any]:
    """The manifest, once the archive is known to be a Liaison backup of this format that
    the passphrase opens."""
    unencrypted = [i.filename for i in archive.infolist() if i.wz_aes_version is None]
    if unencrypted:
        raise BackupError(
            f"{path} is not a Liaison backup: {unencrypted[0]} in it is not AES-encrypted."
        )
    try:
        raw = archive.read(MANIFEST)
    except KeyError:
        raise BackupError(f"{path} is not a Liaison backup: it has no manifest.") from None
    except RuntimeError:  # pyzipper's "Bad password for file"
        raise BackupError(f"Wrong passphrase for {path}.") from None
    except pyzipper.BadZipFile:
        # The password check is two bytes long: one wrong passphrase in 65,536 passes it,
        # and the entry's authentication code then fails instead.
        raise BackupError(f"Wrong passphrase for {path}, or the archive is damaged.") from None
    try:
        manifest = json.loads(raw)
    except ValueError:
        manifest = None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is not a Liaison backup: its manifest is not one.")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"{path} is in backup format {manifest.get('format_version')}; this release of "
            f"Liaison reads format {FORMAT_VERSION}. Restore it with the release that made it."
        )
    return manifest


def read_manifest(path: Path, passphrase: bytes) -> dict[str, Any]:
    with readable(path, passphrase) as archive:
        return valid_manifest(archive, path)
