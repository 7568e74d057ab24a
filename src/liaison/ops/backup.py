"""`liaison backup`: every row and every upload, read at one moment, into a new archive
(the format is in `ops/archive.py`)."""

from __future__ import annotations

import io
import json
import os
import posixpath
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path
from typing import Any

import django
import pyzipper
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import Storage, default_storage
from django.core.serializers.jsonl import Serializer as JsonLinesSerializer
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.models import Prefetch
from django.utils import timezone

from liaison.cases import protect
from liaison.core import audit
from liaison.core.choices import AuditAction

from .archive import (
    FILES,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    BackupError,
    Say,
    applied_migrations,
    audit_changes,
    copied_models,
    link_tables,
    quiet,
    require_strong,
    rows_entry,
    summary,
    writable,
)

BY_NATURAL_KEY = (ContentType, Permission)
CHUNK_ROWS = 2000
CHUNK_BYTES = 1024 * 1024


class RowSerializer(JsonLinesSerializer):
    """One model's rows as JSON Lines, primary keys kept; references to content types and
    permissions by natural key (app, model, codename), since their ids differ between
    databases, and every other reference by id, which the restore keeps."""

    def handle_fk_field(self, obj, field):
        self.use_natural_foreign_keys = issubclass(field.remote_field.model, BY_NATURAL_KEY)
        super().handle_fk_field(obj, field)

    def handle_m2m_field(self, obj, field):
        self.use_natural_foreign_keys = issubclass(field.remote_field.model, BY_NATURAL_KEY)
        super().handle_m2m_field(obj, field)


def _rows(model: type[models.Model], alias: str) -> Iterator[models.Model]:
    # The many-to-many values are fetched per chunk of rows, not per row.
    prefetches = []
    for name in link_tables(model):
        target = model._meta.get_field(name).related_model
        assert isinstance(target, type) and issubclass(target, models.Model)  # apps loaded  # nosec B101 # narrows the type for mypy; true once the apps are loaded
        related = (
            Permission.objects.select_related("content_type")
            if target is Permission
            else target._base_manager.only("pk")
        )
        prefetches.append(Prefetch(name, queryset=related))
    queryset = model._base_manager.using(alias).order_by("pk").prefetch_related(*prefetches)
    return queryset.iterator(chunk_size=CHUNK_ROWS)


class _Counted:
    def __init__(self, rows: Iterable[models.Model]):
        self.rows, self.count = rows, 0

    def __iter__(self) -> Iterator[models.Model]:
        for row in self.rows:
            self.count += 1
            yield row


def archive_path(target: Path | None, var_dir: Path) -> Path:
    """Where to write: the file named; inside a directory named, or var/backups/ when none
    is, under a dated name."""
    if target is not None and not target.is_dir():
        return target
    directory = target or var_dir / "backups"
    return directory / f"liaison-{timezone.now():%Y%m%d-%H%M%S}.zip"


def create_backup(path: Path, passphrase: bytes, *, say: Say | None = None) -> dict[str, Any]:
    """Writes the archive at `path` (never over an existing file, readable by its owner
    only, complete or not at all), audits it and returns its manifest."""
    require_strong(passphrase)
    path = Path(path)
    if path.exists():
        raise BackupError(f"{path} already exists: a backup never overwrites another file.")
    path.parent.mkdir(parents=True, exist_ok=True)
    # mkstemp makes the file 0600 before a byte is written; a crash leaves a .part file,
    # never a truncated archive under the final name.
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            with writable(out, passphrase) as archive:
                manifest = _write_archive(archive, say or quiet)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    audit.record(
        AuditAction.EXPORT,
        actor=None,
        actor_label="liaison backup",
        object_type="backup",
        object_id=path.name,
        object_repr=f"Backup {path.name}: {summary(manifest)}",
        changes=audit_changes(manifest),
    )
    return manifest


def _write_archive(archive: pyzipper.AESZipFile, say: Say) -> dict[str, Any]:
    alias = DEFAULT_DB_ALIAS
    rows: dict[str, int] = {}
    fingerprint = protect.key_fingerprint()
    with _snapshot(alias):
        for model in copied_models():
            rows[model._meta.label] = _write_rows(archive, model, alias)
            for link in link_tables(model).values():
                rows[link._meta.label] = link._base_manager.using(alias).count()
            say(f"{model._meta.label}: {rows[model._meta.label]} rows")
        migrations = applied_migrations(alias)
    if protect.key_fingerprint() != fingerprint:
        # A rotation ran meanwhile: the rows may be encrypted with keys the fingerprint
        # does not name, and a restore would accept a key file that cannot read them.
        raise BackupError(
            "The key file changed while the backup ran (a key rotation?): run it again."
        )
    # Uploads are read after the rows: an upload is never replaced or removed, so every
    # file the rows name is already there; one uploaded since is copied and stays unused.
    files, file_bytes = _write_files(archive, default_storage)
    say(f"uploads: {files} files, {file_bytes} bytes")
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": timezone.now().isoformat(),
        "liaison_version": metadata.version("liaison"),
        "django_version": django.get_version(),
        "database": connections[alias].vendor,
        "migrations": migrations,
        "rows": rows,
        "files": {"count": files, "bytes": file_bytes},
        "field_keys": {"fingerprint": fingerprint},
    }
    archive.writestr(MANIFEST, json.dumps(manifest, indent=2))
    return manifest


@contextmanager
def _snapshot(alias: str) -> Iterator[None]:
    """Every table read at one moment. On PostgreSQL a repeatable-read, read-only
    transaction, which blocks no writer. On SQLite the product's transactions are
    IMMEDIATE: writers wait while the backup reads (the embedded database is small)."""
    connection = connections[alias]
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=alias):
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def _write_rows(archive: pyzipper.AESZipFile, model: type[models.Model], alias: str) -> int:
    rows = _Counted(_rows(model, alias))
    with (
        archive.open(rows_entry(model), "w", force_zip64=True) as raw,
        io.TextIOWrapper(raw, encoding="utf-8") as text,
    ):
        RowSerializer().serialize(rows, stream=text)
    return rows.count


def stored_files(storage: Storage, directory: str = "") -> Iterator[str]:
    """Every file name in the store, walked with listdir as any storage backend offers."""
    try:
        directories, files = storage.listdir(directory)
    except FileNotFoundError:
        return  # nothing was ever uploaded
    for name in sorted(files):
        yield posixpath.join(directory, name)
    for sub in sorted(directories):
        yield from stored_files(storage, posixpath.join(directory, sub))


def _write_files(archive: pyzipper.AESZipFile, storage: Storage) -> tuple[int, int]:
    count = total = 0
    for name in stored_files(storage):
        try:
            source = storage.open(name, "rb")
        except FileNotFoundError:
            continue  # a job's result file that expired meanwhile (core.jobs.purge_old_jobs)
        with source, archive.open(FILES + name, "w", force_zip64=True) as target:
            for chunk in source.chunks(CHUNK_BYTES):
                target.write(chunk)
                total += len(chunk)
        count += 1
    return count, total
