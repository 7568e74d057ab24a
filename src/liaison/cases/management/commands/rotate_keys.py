"""`liaison rotate-keys`: the field-encryption keys of passport numbers.

    liaison rotate-keys --create          write a first key file (refuses to overwrite one)
    liaison rotate-keys                   add a key, make it current, re-encrypt and re-hash
    liaison rotate-keys --retire-old      … then remove every other key from the file

The key file lives outside the database (settings.LIAISON_FIELD_KEYS_FILE); keys are never
printed. Exact passport search keeps working throughout: a search hashes the number under
every key in the file, so a row not yet re-hashed is still found, and every key in the file
still decrypts. Each running product process reads the key file once: restart them after a
rotation and before `--retire-old`, or they go on writing with the old key."""

from __future__ import annotations

import json
import re

from cryptography.fernet import Fernet, InvalidToken
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from liaison.cases import protect
from liaison.cases.models import Report, Suspect, Victim
from liaison.core import audit
from liaison.core.choices import AuditAction

MODELS = (Report, Victim, Suspect)


def read_ring() -> dict:
    path = protect.key_file()
    if not path.exists():
        raise CommandError(
            f"No key file at {path}. Create one with `liaison rotate-keys --create`."
        )
    return json.loads(path.read_text())


def create_ring() -> None:
    path = protect.key_file()
    if path.exists():
        raise CommandError(f"A key file already exists at {path}; it is not overwritten.")
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
    changed = 0
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


class Command(BaseCommand):
    help = "Creates or rotates the keys that encrypt passport numbers (keys are never printed)."

    def add_arguments(self, parser):
        parser.add_argument("--create", action="store_true", help="Write a first key file.")
        parser.add_argument(
            "--retire-old",
            action="store_true",
            help="After rotating, remove the old keys from the file.",
        )
        parser.add_argument("--batch", type=int, default=1000, help="Rows per transaction.")

    def handle(self, *args, create=False, batch=1000, **options):
        path = protect.key_file()
        if create:
            create_ring()
            self.stdout.write(f"Key file written: {path} (key k1).")
            return
        if batch < 1:
            raise CommandError("--batch is at least 1.")
        key_id = add_key()
        self.stdout.write(f"New key {key_id} added to {path} and made current.")
        changed = reencrypt(batch=batch)
        self.stdout.write(f"Passport numbers re-encrypted and re-hashed: {changed}.")
        retired = retire_old() if options["retire_old"] else []
        if retired:
            self.stdout.write(f"Old keys removed from the file: {', '.join(retired)}.")
        audit.record(
            AuditAction.UPDATE,
            actor=None,
            actor_label="liaison rotate-keys",
            object_type="cases.field-keys",
            object_repr=f"current key {key_id}",
            changes={"rows_reencrypted": {"before": None, "after": changed}},
            reason=f"retired: {', '.join(retired) or 'none'}",
        )
