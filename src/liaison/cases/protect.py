"""Passport numbers at rest: encrypted with a key that lives outside the database, with a
keyed hash beside the ciphertext so an exact search still works.

Keys come from `LIAISON_FIELD_KEYS_FILE` (a JSON file: {"current": "k2", "keys": {"k1":
"<fernet key>", "k2": "..."}, "hash_keys": {"k1": "<hex>", ...}}). The current key encrypts
and hashes; every listed key still decrypts, so `liaison rotate-keys` can re-encrypt row by
row while the product runs. Outside production the file is created in var/ on first use."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class KeyRing:
    current: str
    keys: dict[str, str]
    hash_keys: dict[str, str]

    @property
    def fernet(self) -> MultiFernet:
        ordered = [self.keys[self.current]] + [
            key for key_id, key in self.keys.items() if key_id != self.current
        ]
        return MultiFernet([Fernet(key.encode()) for key in ordered])

    def hash_key(self, key_id: str | None = None) -> bytes:
        return bytes.fromhex(self.hash_keys[key_id or self.current])


def key_file() -> Path:
    return Path(settings.LIAISON_FIELD_KEYS_FILE)


def new_key_entry(ring: dict, key_id: str) -> dict:
    ring["keys"][key_id] = Fernet.generate_key().decode()
    ring["hash_keys"][key_id] = secrets.token_hex(32)
    ring["current"] = key_id
    return ring


def write_ring(ring: dict, path: Path | None = None) -> None:
    path = path or key_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(ring, indent=2))
    temporary.chmod(0o600)
    os.replace(temporary, path)


# The ring as last read, with the file's (mtime, size, inode) when read: every process
# re-reads the file when it changes, so a rotation made by the worker or on another node
# is used here from the next call, without a restart.
_ring_cache: tuple[tuple[int, int, int], KeyRing] | None = None


def key_ring() -> KeyRing:
    global _ring_cache
    path = key_file()
    if not path.exists():
        if settings.PRODUCTION:
            raise ImproperlyConfigured(
                f"The field key file {path} is missing (LIAISON_FIELD_KEYS_FILE); "
                "create it with `liaison rotate-keys --create`."
            )
        write_ring(new_key_entry({"keys": {}, "hash_keys": {}}, "k1"), path)
    stat = path.stat()
    signature = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
    if _ring_cache is not None and _ring_cache[0] == signature:
        return _ring_cache[1]
    data = json.loads(path.read_text())
    ring = KeyRing(current=data["current"], keys=data["keys"], hash_keys=data["hash_keys"])
    _ring_cache = (signature, ring)
    return ring


def reload_keys() -> None:
    global _ring_cache
    _ring_cache = None


def normalise_document_number(value: str) -> str:
    """Passport numbers as printed: upper case, no spaces or dashes, full-width folded."""
    value = unicodedata.normalize("NFKC", value or "")
    return "".join(ch for ch in value.upper() if ch.isalnum())


def encrypt(value: str) -> str:
    if not value:
        return ""
    return key_ring().fernet.encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return key_ring().fernet.decrypt(token.encode()).decode()
    except InvalidToken:
        raise ImproperlyConfigured(
            "A passport number cannot be decrypted with the configured keys."
        ) from None


def blind_index(value: str, key_id: str | None = None) -> str:
    """The keyed hash used for exact search; empty for an empty value."""
    normalised = normalise_document_number(value)
    if not normalised:
        return ""
    digest = hmac.new(key_ring().hash_key(key_id), normalised.encode(), hashlib.sha256)
    return base64.b32encode(digest.digest()).decode().rstrip("=").lower()


def blind_indexes(value: str) -> list[str]:
    """Hashes of `value` under every key, so a search finds rows not yet rotated."""
    ring = key_ring()
    return [blind_index(value, key_id) for key_id in ring.hash_keys]


def mask(value: str) -> str:
    """What someone without the right to see the number is shown: its last two characters."""
    if not value:
        return ""
    return "•" * max(len(value) - 2, 0) + value[-2:]


def key_fingerprint() -> str:
    """A digest of every key id with its key material, safe to print and to keep beside a
    backup: the same keys give the same fingerprint, so a restore can tell whether the key
    file it is given can decrypt the data, while the digest reveals nothing of the keys
    (random 256-bit secrets cannot be found back from their SHA-256). The current key is
    left out: which key encrypts the next number does not change what can be read."""
    ring = key_ring()
    digest = hashlib.sha256(b"liaison field keys fingerprint v1\n")
    for key_id in sorted(ring.keys.keys() | ring.hash_keys.keys()):
        entry = [key_id, ring.keys.get(key_id, ""), ring.hash_keys.get(key_id, "")]
        digest.update(json.dumps(entry).encode() + b"\n")
    return "sha256:" + digest.hexdigest()
