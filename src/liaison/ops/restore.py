"""`liaison restore`: a backup loaded into a new, migrated, empty database and its upload
store, all or nothing, once the passphrase, the format, the migrations and the key file
are found to fit (the format is in `ops/archive.py`)."""

from __future__ import annotations

import io
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyzipper
from django.apps import apps
from django.core import serializers
from django.core.exceptions import SuspiciousFileOperation
from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, models, transaction

from liaison.cases import protect
from liaison.core import audit
from liaison.core.choices import AuditAction

from .archive import (
    FILES,
    BackupError,
    Say,
    applied_migrations,
    audit_changes,
    copied_models,
    quiet,
    readable,
    rows_entry,
    summary,
    valid_manifest,
)


@dataclass(frozen=True)
class Restored:
    manifest: dict[str, Any]
    rows: dict[str, int]
    files: int
    file_bytes: int


def restore_backup(path: Path, passphrase: bytes, *, say: Say | None = None) -> Restored:
    """Loads the archive into this empty, migrated database and its uploads into the store,
    all or nothing, after checking the passphrase, the format, the schema and the key file.
    """
    say = say or quiet
    alias = DEFAULT_DB_ALIAS
    with readable(path, passphrase) as archive:
        manifest = valid_manifest(archive, path)
        _require_same_schema(manifest, alias)
        _require_matching_keys(manifest)
        _require_empty(alias)
        written: list[str] = []
        try:
            with transaction.atomic(using=alias):
                _load_rows(archive, alias, say)
                rows = _require_counts(manifest, alias)
                files, file_bytes = _restore_files(archive, default_storage, written)
                _require_files(manifest, files, file_bytes)
                audit.record(
                    AuditAction.IMPORT,
                    actor=None,
                    actor_label="liaison restore",
                    object_type="backup",
                    object_id=Path(path).name,
                    object_repr=f"Restored {Path(path).name}: {summary(manifest)}",
                    changes=audit_changes(manifest),
                )
        except BaseException:
            _remove(default_storage, written)  # the rows were rolled back; their files go too
            raise
    return Restored(manifest=manifest, rows=rows, files=files, file_bytes=file_bytes)


def _require_same_schema(manifest: dict[str, Any], alias: str) -> None:
    here = set(applied_migrations(alias))
    if not here:
        raise BackupError("This database is not migrated: run `liaison migrate` first.")
    there = set(manifest["migrations"])
    if here != there:
        missing, extra = sorted(there - here), sorted(here - there)
        raise BackupError(
            "The backup was taken at other migrations than this database is at "
            f"(not applied here: {', '.join(missing) or 'none'}; applied here only: "
            f"{', '.join(extra) or 'none'}). Restore with the release that took the "
            "backup, then upgrade."
        )


def _require_matching_keys(manifest: dict[str, Any]) -> None:
    expected = manifest["field_keys"]["fingerprint"]
    path = protect.key_file()
    if not path.exists():
        raise BackupError(
            f"There is no key file at {path} (LIAISON_FIELD_KEYS_FILE): install the key file "
            f"the backup was taken with (fingerprint {expected}) before restoring."
        )
    actual = protect.key_fingerprint()
    if actual != expected:
        raise BackupError(
            f"The key file {path} does not match the data: passport numbers could not be "
            f"decrypted. Install the key file the backup was taken with (fingerprint "
            f"{expected}; this one is {actual})."
        )


def _require_empty(alias: str) -> None:
    occupied = [
        model._meta.label for model in copied_models() if model._base_manager.using(alias).exists()
    ]
    if occupied:
        raise BackupError(
            "This database is not empty (rows in "
            f"{', '.join(occupied[:5])}{', …' if len(occupied) > 5 else ''}). A backup is "
            "restored only into a new database: create one, run `liaison migrate`, and "
            "restore into it."
        )


def _load_rows(archive: pyzipper.AESZipFile, alias: str, say: Say) -> None:
    """Saves every row as `loaddata` does: raw (the signals are told so; the models' own
    save() is bypassed), constraints checked once at the end, sequences moved past the
    restored ids so the next row written gets a new one."""
    connection = connections[alias]
    names = set(archive.namelist())
    loaded: list[type[models.Model]] = []
    with connection.constraint_checks_disabled():
        later = []
        for model in copied_models():
            if rows_entry(model) not in names:
                continue
            with (
                archive.open(rows_entry(model)) as raw,
                io.TextIOWrapper(raw, encoding="utf-8") as lines,
            ):
                later += _save_rows(lines, model, alias)
            loaded.append(model)
            say(f"{model._meta.label}: loaded")
        for row in later:
            row.save_deferred_fields(using=alias)
    try:
        connection.check_constraints(table_names=[m._meta.db_table for m in loaded])
    except DatabaseError as exc:
        raise BackupError(f"The restored rows break a constraint: {exc}") from None
    statements = connection.ops.sequence_reset_sql(no_style(), loaded)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def _save_rows(lines: Iterable[str], model: type[models.Model], alias: str) -> list:
    later = []
    try:
        for row in serializers.deserialize(
            "jsonl", lines, using=alias, handle_forward_references=True
        ):
            # The target is empty: an INSERT, without the UPDATE that save() tries first,
            # and no link tables to empty.
            row.m2m_data = {name: ids for name, ids in (row.m2m_data or {}).items() if ids}
            row.save(using=alias, force_insert=True)
            if row.deferred_fields:
                later.append(row)
    except (DeserializationError, DatabaseError) as exc:
        raise BackupError(f"The rows of {model._meta.label} cannot be restored: {exc}") from None
    return later


def _require_counts(manifest: dict[str, Any], alias: str) -> dict[str, int]:
    rows = {}
    for label in manifest["rows"]:
        try:
            rows[label] = apps.get_model(label)._base_manager.using(alias).count()
        except LookupError:
            rows[label] = 0
    wrong = [
        f"{label} {rows[label]} restored, {n} backed up"
        for label, n in manifest["rows"].items()
        if rows[label] != n
    ]
    if wrong:
        raise BackupError(
            "The restored rows differ from the backup's manifest, nothing was restored: "
            + "; ".join(wrong)
        )
    return rows


def _restore_files(
    archive: pyzipper.AESZipFile, storage: Storage, written: list[str]
) -> tuple[int, int]:
    count = total = 0
    for info in archive.infolist():
        if not info.filename.startswith(FILES) or info.is_dir():
            continue
        name = info.filename[len(FILES) :]
        if storage.exists(name):
            raise BackupError(
                f"The upload store already holds {name}: restore into an empty store."
            )
        # Listed before it is written: a copy cut short by a damaged entry is removed too.
        written.append(name)
        with archive.open(info) as source:
            content = File(source, name=name)
            content.size = info.file_size
            try:
                saved = storage.save(name, content)
            except SuspiciousFileOperation:
                raise BackupError(f"The archive names an unsafe upload path: {name}.") from None
        if saved != name:
            written.append(saved)
            raise BackupError(f"The upload store renamed {name} to {saved}; nothing restored.")
        count += 1
        total += info.file_size
    return count, total


def _remove(storage: Storage, names: list[str]) -> None:
    for name in names:
        # One never written (an unsafe name) or already gone is no reason to stop.
        with suppress(SuspiciousFileOperation, OSError):
            storage.delete(name)


def _require_files(manifest: dict[str, Any], files: int, file_bytes: int) -> None:
    expected = manifest["files"]
    if (files, file_bytes) != (expected["count"], expected["bytes"]):
        raise BackupError(
            f"The archive holds {files} uploads ({file_bytes} bytes) where its manifest "
            f"lists {expected['count']} ({expected['bytes']} bytes); nothing was restored."
        )
