"""`liaison audit archive`: the oldest audit entries moved out of the database into a
signed, encrypted file, and the chain's anchor kept, so `liaison audit verify` goes on
checking what remains from where the archive ends.

Entries are kept at least LIAISON_AUDIT_KEEP_DAYS (two years, PIPA) and never deleted by
the application: this runs as the owner role (DATABASE_OWNER_URL on PostgreSQL), which
alone may lift the trail's guard (core/audit_guard.py), and only over an intact chain.

The file is an AES-256 zip as the backups are (ops/archive.py), holding

    entries.jsonl      the entries in chain order, every field and HMAC, one a line
    manifest.json      what it holds: places, ids, times, the HMAC before the first entry
                       and of the last, the entries' SHA-256
    manifest.sig       the manifest's HMAC under the current audit key: "<key id> <hex>"
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone

from liaison.core import audit, audit_chain, audit_guard
from liaison.core.choices import AuditAction
from liaison.core.models import AuditAnchor, AuditEvent

from .archive import BackupError, readable, require_strong, writable

FORMAT = "liaison-audit-archive"
ENTRIES = "entries.jsonl"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"


class ArchiveError(Exception):
    """An archive refused, with what to do about it."""


@dataclass(frozen=True)
class Archived:
    path: Path
    entries: int
    first_id: int
    last_id: int
    last_at: datetime.datetime


def owner_alias() -> str:
    return "owner" if "owner" in settings.DATABASES else "default"


def latest_allowed(today: datetime.date | None = None) -> datetime.date:
    """The latest --before date: entries younger than the keeping period stay."""
    today = today or timezone.localdate()
    return today - datetime.timedelta(days=settings.LIAISON_AUDIT_KEEP_DAYS)


def _cut(alias: str, before: datetime.datetime, start: int) -> int:
    """The last place to archive: every entry up to it is older than `before` (entries
    written at once may differ in order of time and of place by a little)."""
    rows = AuditEvent.objects.using(alias).filter(seq__gt=start)
    first_young = rows.filter(at__gte=before).order_by("seq").values_list("seq", flat=True)
    young = first_young.first()
    if young is not None:
        return young - 1
    return rows.order_by("-seq").values_list("seq", flat=True).first() or start


def _line(entry: dict[str, Any]) -> bytes:
    """One entry as the file keeps it: its time as signed (UTC), its changes as JSON."""
    entry = {**entry, "changes": json.loads(entry["changes"])}
    return json.dumps(entry, ensure_ascii=False, sort_keys=True).encode() + b"\n"


def _signature(manifest: bytes) -> bytes:
    keys = audit_chain.audit_keys()
    mac = hmac.new(keys.keys[keys.current], manifest, hashlib.sha256).hexdigest()
    return f"{keys.current} {mac}".encode()


def _write(path: Path, passphrase: bytes, alias: str, start: tuple[int, str], last: int) -> dict:
    rows = audit_chain.rows(alias, after_seq=start[0], through_seq=last)
    digest, count = hashlib.sha256(), 0
    first: dict[str, Any] = {}
    final: dict[str, Any] = {}
    with open(path, "xb") as out, writable(out, passphrase) as archive:
        archive.comment = (
            b"Liaison audit archive: AES-256 encrypted, signed; see ops/audit_archive.py"
        )
        with archive.open(ENTRIES, "w") as entries:
            for entry in audit_chain.entries_of(rows):
                line = _line(entry)
                digest.update(line)
                entries.write(line)
                count += 1
                first = first or entry
                final = entry
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "entries": count,
            "first": {"seq": first["seq"], "id": first["id"], "at": first["at"]},
            "last": {"seq": final["seq"], "id": final["id"], "at": final["at"]},
            "prev_mac": start[1],
            "last_mac": final["mac"],
            "entries_sha256": digest.hexdigest(),
        }
        body = json.dumps(manifest, indent=2).encode()
        archive.writestr(MANIFEST, body)
        archive.writestr(SIGNATURE, _signature(body))
    return {**manifest, "last_entry": final}


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _anchor(manifest: dict, path: Path, alias: str) -> AuditAnchor:
    keys = audit_chain.audit_keys()
    last = manifest["last_entry"]
    anchor = AuditAnchor(
        seq=last["seq"],
        entry_id=last["id"],
        entry_at=datetime.datetime.fromisoformat(last["at"]).replace(tzinfo=datetime.UTC),
        entry_mac=last["mac"],
        entries=manifest["entries"],
        archive_name=path.name[:300],
        archive_sha256=_file_sha256(path),
        key_id=keys.current,
    )
    anchor.mac = audit_chain.sign(
        keys.keys[keys.current], audit_chain.GENESIS, audit_chain.anchor_content(anchor)
    )
    anchor.save(using=alias)
    return anchor


def archive(before: datetime.date, path: Path, passphrase: bytes, *, operator: str) -> Archived:
    """Moves the entries older than `before` (local midnight) to the file `path`."""
    if before > latest_allowed():
        raise ArchiveError(
            f"Audit entries are kept at least {settings.LIAISON_AUDIT_KEEP_DAYS} days: "
            f"--before may be {latest_allowed().isoformat()} at the latest."
        )
    try:
        require_strong(passphrase)
    except BackupError as exc:
        raise ArchiveError(str(exc)) from None
    if path.exists():
        raise ArchiveError(f"{path} exists already; an archive is never overwritten.")
    if not path.parent.is_dir():
        raise ArchiveError(f"There is no directory {path.parent} to write the archive into.")
    alias = owner_alias()
    cutoff = timezone.make_aware(datetime.datetime.combine(before, datetime.time()))
    with transaction.atomic(using=alias):
        # The head locked: no entry is written while the chain is checked and cut.
        audit_chain.link([], alias)
        verdict = audit_chain.verify(alias)
        if not verdict.intact:
            raise ArchiveError(
                f"The audit chain is not intact ({len(verdict.findings)} findings; see "
                "`liaison audit verify`): nothing is archived, so nothing is hidden."
            )
        start = audit_chain.chain_start(alias)
        last = _cut(alias, cutoff, start[0])
        if last <= start[0]:
            raise ArchiveError(f"No audit entry is older than {before.isoformat()}.")
        try:
            manifest = _write(path, passphrase, alias, start, last)
            anchor = _anchor(manifest, path, alias)
            with audit_guard.lifted(connections[alias]), connections[alias].cursor() as cursor:
                cursor.execute("DELETE FROM core_auditevent WHERE seq <= %s", [last])
            audit.record(
                AuditAction.EXPORT,
                actor=None,
                actor_label=operator,
                object_type="core.auditevent",
                object_repr=f"audit entries {manifest['first']['id']}–{anchor.entry_id}",
                reason=f"archived before {before.isoformat()} to {path.name}",
                changes={"entries": anchor.entries, "archive_sha256": anchor.archive_sha256},
                using=alias,
            )
        except BaseException:
            path.unlink(missing_ok=True)
            raise
    return Archived(path, anchor.entries, manifest["first"]["id"], anchor.entry_id, anchor.entry_at)


def check(path: Path, passphrase: bytes) -> dict:
    """An archive file read back: its signature, its digest and its chain; the manifest."""
    try:
        with readable(path, passphrase) as zipped:
            body = zipped.read(MANIFEST)
            signature = zipped.read(SIGNATURE).decode().split()
            lines = zipped.read(ENTRIES).splitlines(keepends=True)
    except (BackupError, KeyError, RuntimeError, UnicodeDecodeError) as exc:
        raise ArchiveError(f"{path} is not a readable audit archive: {exc}") from None
    keys = audit_chain.audit_keys()
    key = keys.keys.get(signature[0]) if len(signature) == 2 else None
    expected = hmac.new(key, body, hashlib.sha256).hexdigest() if key else ""
    if not key or not hmac.compare_digest(expected, signature[1]):
        raise ArchiveError(f"{path}: the manifest's signature does not match the audit keys.")
    manifest = json.loads(body)
    if hashlib.sha256(b"".join(lines)).hexdigest() != manifest["entries_sha256"]:
        raise ArchiveError(f"{path}: the entries are not those the manifest signed.")
    prev = manifest["prev_mac"]
    for line in lines:
        entry = json.loads(line)
        content = audit_chain.canonical(entry, entry["seq"], entry["key_id"])
        entry_key = keys.keys.get(entry["key_id"], b"")
        if entry["prev_mac"] != prev or not hmac.compare_digest(
            audit_chain.sign(entry_key, prev, content), entry["mac"]
        ):
            raise ArchiveError(f"{path}: entry {entry['id']} does not verify.")
        prev = entry["mac"]
    return manifest


def default_path(before: datetime.date) -> Path:
    directory = Path(settings.VAR_DIR) / "audit-archives"
    directory.mkdir(parents=True, exist_ok=True)
    os.chmod(directory, 0o700)
    return directory / f"audit-before-{before.isoformat()}.zip"
