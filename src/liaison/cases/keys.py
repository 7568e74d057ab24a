"""The field-encryption keys of passport and ID numbers and of case documents: create,
rotate, re-encrypt, retire.

Used by `liaison rotate-keys` and by the key-rotation job (cases.jobs). Keys are never
printed. Exact passport search keeps working throughout: a search hashes the number under
every key in the file, so a row not yet re-hashed is still found, and every key in the file
still decrypts. Every process re-reads the key file when it changes (cases.protect), so
after a rotation each node writes with the new key at its next request; in a deployment of
several nodes the key file is one shared file (a mounted secret), not a copy per node."""

from __future__ import annotations

import json
import re

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from liaison.core import audit, jobs
from liaison.core.choices import AuditAction
from liaison.core.models import User

from . import documents, protect
from .models import Identifier, IntakeSubmission, Report, Suspect, TimelineEntry, Victim
from .services.intake import SEALED_FIELDS


class KeyFileError(ImproperlyConfigured):
    """The key file is missing or already there; the message says what to do."""


# Every table with a passport or ID number (cases.models.PassportMixin).
MODELS = (Report, Victim, Suspect, Identifier)


def read_ring() -> dict:
    path = protect.key_file()
    if not path.exists():
        raise KeyFileError(
            f"No key file at {path}. Create one with `liaison rotate-keys --create`."
        )
    return json.loads(path.read_text())


def create_ring() -> None:
    path = protect.key_file()
    if path.exists():
        raise KeyFileError(f"A key file already exists at {path}; it is not overwritten.")
    protect.write_ring(protect.new_key_entry({"keys": {}, "hash_keys": {}}, "k1"), path)
    protect.reload_keys()


def add_key() -> str:
    """A new key, current from now on for encrypting and hashing; returns its id."""
    ring = read_ring()
    numbers = [int(m.group(1)) for k in ring["keys"] if (m := re.fullmatch(r"k(\d+)", k))]
    key_id = f"k{max(numbers, default=0) + 1}"
    protect.write_ring(protect.new_key_entry(ring, key_id))
    protect.reload_keys()
    return key_id


def reencrypt(*, batch: int = 1000) -> int:
    """Re-encrypts every passport and ID number, every sealed field of a stored intake
    submission and every case document with the current key, and re-hashes the numbers,
    `batch` rows per transaction (rows locked while they change); returns how many changed.
    What the current key already sealed is left as it is, so a second pass only catches
    what a process not yet reloaded wrote with an old key; Fernet values (written before
    AES-256-GCM) are always re-encrypted."""
    changed, seen = 0, 0
    total = sum(m.objects.exclude(passport_ciphertext="").count() for m in MODELS)
    total += IntakeSubmission.objects.count() + TimelineEntry.objects.exclude(file="").count()
    for model in MODELS:
        rows_changed, rows_seen = _reencrypt_numbers(model, batch, seen, total)
        changed, seen = changed + rows_changed, seen + rows_seen
    for step in (_reseal_submissions, _reseal_documents):
        rows_changed, rows_seen = step(batch, seen, total)
        changed, seen = changed + rows_changed, seen + rows_seen
    return changed


def _batches(queryset, batch: int):
    """The rows of `queryset` in primary-key order, `batch` at a time, each batch locked in
    its own transaction while the caller changes it."""
    last = 0
    while True:
        with transaction.atomic():
            rows = list(queryset.select_for_update().filter(pk__gt=last).order_by("pk")[:batch])
            if not rows:
                return
            last = rows[-1].pk
            yield rows


def _reencrypt_numbers(model, batch: int, seen: int, total: int) -> tuple[int, int]:
    changed, counted = 0, 0
    rows = model.objects.exclude(passport_ciphertext="").only(
        "pk", "passport_ciphertext", "passport_hash"
    )
    for chunk in _batches(rows, batch):
        todo = [r for r in chunk if not protect.sealed_with_current_key(r.passport_ciphertext)]
        for row in todo:
            number = protect.decrypt(row.passport_ciphertext)
            row.passport_ciphertext = protect.encrypt(number)
            row.passport_hash = protect.blind_index(number)
        model.objects.bulk_update(todo, ["passport_ciphertext", "passport_hash"])
        changed, counted = changed + len(todo), counted + len(chunk)
        jobs.progress(seen + counted, total, model._meta.verbose_name_plural)
    return changed, counted


def _reseal_submissions(batch: int, seen: int, total: int) -> tuple[int, int]:
    """The passport numbers kept sealed in stored intake submissions (services.intake)."""
    changed, counted = 0, 0
    for chunk in _batches(IntakeSubmission.objects.only("pk", "payload"), batch):
        todo = [s for s in chunk if _reseal_payload(s.payload)]
        IntakeSubmission.objects.bulk_update(todo, ["payload"])
        changed, counted = changed + len(todo), counted + len(chunk)
        jobs.progress(seen + counted, total, IntakeSubmission._meta.verbose_name_plural)
    return changed, counted


def _reseal_payload(payload: dict) -> bool:
    stale = [
        key
        for key in (f"{name}:sealed" for name in SEALED_FIELDS)
        if payload.get(key) and not protect.sealed_with_current_key(payload[key])
    ]
    for key in stale:
        payload[key] = protect.encrypt(protect.decrypt(payload[key]))
    return bool(stale)


def _reseal_documents(batch: int, seen: int, total: int) -> tuple[int, int]:
    """Each case document read, sealed again and written under a new name; one the storage
    lost is left for its entry to answer 404, as it would."""
    changed, counted = 0, 0
    entries = TimelineEntry.objects.exclude(file="").only("pk", "case_id", "file", "file_name")
    for chunk in _batches(entries, batch):
        for entry in chunk:
            try:
                changed += documents.reseal(entry)
            except FileNotFoundError:
                continue
        counted += len(chunk)
        jobs.progress(seen + counted, total, TimelineEntry._meta.verbose_name_plural)
    return changed, counted


def retire_old() -> list[str]:
    """Removes every key but the current one, after checking no row still needs them."""
    reencrypt()  # what a process not yet reloaded wrote with an old key
    ring = read_ring()
    retired = [k for k in ring["keys"] if k != ring["current"]]
    ring["keys"] = {ring["current"]: ring["keys"][ring["current"]]}
    ring["hash_keys"] = {ring["current"]: ring["hash_keys"][ring["current"]]}
    protect.write_ring(ring)
    protect.reload_keys()
    return retired


def rotate(
    *, batch: int = 1000, retire: bool = False, actor: User | None = None, actor_label: str = ""
) -> dict:
    """A new current key, every passport number re-encrypted and re-hashed under it and,
    if `retire`, the old keys removed; audited. Returns what was done (no key in it)."""
    key_id = add_key()
    changed = reencrypt(batch=batch)
    retired = retire_old() if retire else []
    audit.record(
        AuditAction.UPDATE,
        actor=actor,
        actor_label=actor_label,
        object_type="cases.field-keys",
        object_repr=f"current key {key_id}",
        changes={"rows_reencrypted": {"before": None, "after": changed}},
        reason=f"retired: {', '.join(retired) or 'none'}",
    )
    return {"key": key_id, "changed": changed, "retired": retired}
