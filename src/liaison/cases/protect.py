"""Passport and ID numbers and uploaded case documents at rest: encrypted with a key that
lives outside the database, with a keyed hash beside a number's ciphertext so an exact
search still works.

Keys come from `LIAISON_FIELD_KEYS_FILE` (a JSON file: {"current": "k2", "keys": {"k1":
"<32 random bytes, base64>", "k2": "..."}, "hash_keys": {"k1": "<hex>", ...}}). The current
key encrypts and hashes; every listed key still decrypts, so `liaison rotate-keys` can
re-encrypt row by row while the product runs. Outside production the file is created in
var/ on first use.

What is written is AES-256-GCM (CJIS 5.10.1.2.2 asks for 256-bit keys), prefixed with the
format and the key it was sealed with: `a256gcm1:k2:<base64 of nonce, ciphertext and tag>`.
Values written before, as Fernet tokens (AES-128), stay readable with the same key file
until `liaison rotate-keys` has re-encrypted them."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import unicodedata
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# The format of what encrypt() writes, and its first field. A Fernet token is base64 and
# never holds a colon, so the two cannot be mistaken for each other.
FORMAT = "a256gcm1"
_NONCE_BYTES = 12
# Each key in the file is 32 random bytes, as Fernet generated them; its AES-256 key is
# derived from all 32 with HKDF, so a key file written for Fernet serves AES-256-GCM
# without being rewritten, while Fernet itself only ever used 16 of them to encrypt.
_AES_KEY_INFO = b"liaison field encryption: AES-256-GCM"


class UnreadableCiphertext(ImproperlyConfigured):
    """A value or file that none of the configured keys opens."""


@dataclass(frozen=True)
class KeyRing:
    current: str
    keys: dict[str, str]
    hash_keys: dict[str, str]

    @cached_property
    def fernet(self) -> MultiFernet:
        """Reads the values written before AES-256-GCM (Fernet, AES-128)."""
        ordered = [self.keys[self.current]] + [
            key for key_id, key in self.keys.items() if key_id != self.current
        ]
        return MultiFernet([Fernet(key.encode()) for key in ordered])

    @cached_property
    def _aead(self) -> dict[str, AESGCM]:
        return {key_id: AESGCM(_aes_key(key)) for key_id, key in self.keys.items()}

    def aead(self, key_id: str) -> AESGCM:
        try:
            return self._aead[key_id]
        except KeyError:
            raise UnreadableCiphertext(
                f"A value sealed with key {key_id} cannot be decrypted: that key is not in "
                "the key file (LIAISON_FIELD_KEYS_FILE)."
            ) from None

    def hash_key(self, key_id: str | None = None) -> bytes:
        return bytes.fromhex(self.hash_keys[key_id or self.current])


def _aes_key(key: str) -> bytes:
    material = base64.urlsafe_b64decode(key.encode())
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_AES_KEY_INFO).derive(
        material
    )


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


def _header(key_id: str) -> bytes:
    return f"{FORMAT}:{key_id}:".encode()


def seal(data: bytes) -> bytes:
    """`data` encrypted with the current key: the header naming the format and the key,
    then the nonce and the ciphertext with its tag. The header is authenticated too, so a
    value cannot be passed off as sealed under another key."""
    ring = key_ring()
    header = _header(ring.current)
    nonce = os.urandom(_NONCE_BYTES)
    return header + nonce + ring.aead(ring.current).encrypt(nonce, data, header)


def unseal(sealed: bytes) -> bytes:
    """What seal() sealed, under any key still in the file."""
    parts = sealed.split(b":", 2)
    if len(parts) != 3 or parts[0] != FORMAT.encode():
        raise UnreadableCiphertext("This is not sealed by Liaison (no a256gcm1 header).")
    key_id = parts[1].decode(errors="replace")
    body = parts[2]
    try:
        return (
            key_ring()
            .aead(key_id)
            .decrypt(body[:_NONCE_BYTES], body[_NONCE_BYTES:], _header(key_id))
        )
    except InvalidTag:
        raise UnreadableCiphertext(
            f"A value sealed with key {key_id} cannot be decrypted with the configured keys."
        ) from None


def is_sealed(data: bytes) -> bool:
    return data.startswith(FORMAT.encode() + b":")


def sealed_with_current_key(token: str | bytes) -> bool:
    """Whether a value (or file) is AES-256-GCM under the current key: nothing to rotate."""
    header = _header(key_ring().current)
    return (token.encode() if isinstance(token, str) else token).startswith(header)


def encrypt(value: str) -> str:
    """A number (or any short text) for a text column: the header, then base64."""
    if not value:
        return ""
    ring = key_ring()
    header = _header(ring.current)
    body = seal(value.encode())[len(header) :]
    return header.decode() + base64.urlsafe_b64encode(body).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    if token.startswith(FORMAT + ":"):
        head, _, body = token.rpartition(":")
        try:
            raw = base64.urlsafe_b64decode(body.encode())
        except ValueError:
            raise UnreadableCiphertext("A sealed value is damaged (not base64).") from None
        return unseal(head.encode() + b":" + raw).decode()
    try:
        return key_ring().fernet.decrypt(token.encode()).decode()
    except InvalidToken:
        raise UnreadableCiphertext(
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


def recorded(number: str) -> str:
    """A number searched for, as the audit trail keeps it: masked, with the start of its
    keyed hash under the current key, so that an auditor who holds a number can tell the
    searches for it apart while the trail itself never tells the number."""
    normalised = normalise_document_number(number)
    return f"{mask(normalised)} (hmac {key_ring().current}:{blind_index(normalised)[:16]})"


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
