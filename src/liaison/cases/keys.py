"""The field-encryption keys of passport numbers: create, rotate, re-encrypt, retire.

Used by `liaison rotate-keys` and by the key-rotation job (cases.jobs). Keys are never
printed. Exact passport search keeps working throughout: a search hashes the number under
every key in the file, so a row not yet re-hashed is still found, and every key in the file
still decrypts. Every process re-reads the key file when it changes (cases.protect), so
after a rotation each node writes with the new key at its next request; in a deployment of
several nodes the key file is one shared file (a mounted secret), not a copy per node."""

from __future__ import annotations

import json
import re

from cryptography.fernet import Fernet, InvalidToken
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from liaison.core import audit, jobs
from liaison.core.choices import AuditAction
from liaison.core.models import User

from . import protect
from .models import Report, Suspect, Victim


class KeyFileError(ImproperlyConfigured):
    """The key file is missing or already there; the message says what to do."""


MODELS = (Report, Victim, Suspect)


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


def _is_current(token: str, current: Fernet) -> bool:
    try:
        current.decrypt(token.encode())
    except InvalidToken:
        return False
    return True


def reencrypt(*, batch: int = 1000, only_stale: bool = False) -> int:
    """Re-encrypts every passport number with the current key and re-hashes it, `batch`
    rows per transaction (rows locked while they change); returns how many changed.
    `only_stale` skips rows the current key already decrypts (a second, checking pass)."""
    ring = protect.key_ring()
    current = Fernet(ring.keys[ring.current].encode())
    changed, seen = 0, 0
    total = sum(m.objects.exclude(passport_ciphertext="").count() for m in MODELS)
    for model in MODELS:
        last = 0
        while True:
            with transaction.atomic():
                rows = list(
                    model.objects.select_for_update()
                    .filter(pk__gt=last)
                    .exclude(passport_ciphertext="")
                    .order_by("pk")
                    .only("pk", "passport_ciphertext", "passport_hash")[:batch]
                )
                if not rows:
                    break
                last = rows[-1].pk
                todo = [
                    r
                    for r in rows
                    if not (only_stale and _is_current(r.passport_ciphertext, current))
                ]
                for row in todo:
                    number = protect.decrypt(row.passport_ciphertext)
                    row.passport_ciphertext = protect.encrypt(number)
                    row.passport_hash = protect.blind_index(number)
                model.objects.bulk_update(todo, ["passport_ciphertext", "passport_hash"])
                changed += len(todo)
                seen += len(rows)
            jobs.progress(seen, total, model._meta.verbose_name_plural)
    return changed


def retire_old() -> list[str]:
    """Removes every key but the current one, after checking no row still needs them."""
    reencrypt(only_stale=True)
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
