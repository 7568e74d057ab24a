"""The audit trail as a chain no one can rewrite unseen.

Every entry carries an HMAC-SHA256 over its canonical content and the HMAC of the entry
before it, under a key kept outside the database (`LIAISON_AUDIT_KEY_FILE`): someone who
can write the table but not read the key cannot make an edited, inserted or deleted entry
look right. Entries are numbered without gaps (`seq`), given under the lock of the one-row
chain head, so two writers at once queue instead of forking the chain; a deletion leaves a
gap in the numbers, an edit an HMAC that does not match, an insertion both.

The key file, {"current": "a2", "keys": {"a1": "<hex>", "a2": "<hex>"}}, keeps every key
ever used: each entry names the key it was made with, so a rotation (`liaison audit
rotate-key`) needs no rewriting. Outside production the file is created on first use.
"""

from __future__ import annotations

import contextlib
import datetime
import hmac
import ipaddress
import json
import os
import re
import secrets
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connections, models, transaction

# The fields an entry's HMAC covers, in this order (the chain fields follow).
CONTENT_FIELDS = (
    "at",
    "actor_id",
    "actor_label",
    "actor_role",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "changes",
    "reason",
    "ip_address",
    "user_agent",
    "request_id",
    "purpose",
)
CHAIN_FIELDS = ("seq", "key_id", "prev_mac", "mac")
GENESIS = ""  # the "HMAC before" the first entry of a chain never archived
HEAD_ID = 1


class AuditKeyError(ImproperlyConfigured):
    """The audit key file is missing, unreadable or lacks a key; the message says what
    to do."""


# --- Keys --------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditKeys:
    current: str
    keys: dict[str, bytes]


def key_file() -> Path:
    return Path(settings.LIAISON_AUDIT_KEY_FILE)


def _write_keys(data: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(data, indent=2))
    temporary.chmod(0o600)
    os.replace(temporary, path)


def create_key_file() -> str:
    path = key_file()
    if path.exists():
        raise AuditKeyError(f"An audit key file already exists at {path}; it is not overwritten.")
    _write_keys({"current": "a1", "keys": {"a1": secrets.token_hex(32)}}, path)
    reload_keys()
    return "a1"


def add_key() -> str:
    """A new current key; the older ones stay to verify what they signed."""
    data = _read_file(key_file())
    numbers = [int(m.group(1)) for k in data["keys"] if (m := re.fullmatch(r"a(\d+)", k))]
    key_id = f"a{max(numbers, default=0) + 1}"
    data["keys"][key_id] = secrets.token_hex(32)
    data["current"] = key_id
    _write_keys(data, key_file())
    reload_keys()
    return key_id


def _read_file(path: Path) -> dict:
    try:
        data = json.loads(path.read_text())
        if data["current"] not in data["keys"]:
            raise KeyError(data["current"])
        for value in data["keys"].values():
            bytes.fromhex(value)
    except FileNotFoundError:
        raise AuditKeyError(
            f"No audit key file at {path} (LIAISON_AUDIT_KEY_FILE). Create it once with "
            "`liaison audit rotate-key --create`, on a volume every node reads."
        ) from None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise AuditKeyError(f"The audit key file {path} cannot be used: {exc!r}.") from None
    return data


_cache: tuple[tuple[str, int, int, int], AuditKeys] | None = None


def audit_keys() -> AuditKeys:
    """The keys, re-read whenever the file changes (a rotation on another node)."""
    global _cache
    path = key_file()
    if not path.exists() and not settings.PRODUCTION:
        with contextlib.suppress(AuditKeyError):  # another process made it first
            create_key_file()
    try:
        stat = path.stat()
    except OSError:
        _read_file(path)  # raises the message saying what to do
        raise
    signature = (str(path), stat.st_mtime_ns, stat.st_size, stat.st_ino)
    if _cache is not None and _cache[0] == signature:
        return _cache[1]
    data = _read_file(path)
    keys = AuditKeys(
        current=data["current"], keys={k: bytes.fromhex(v) for k, v in data["keys"].items()}
    )
    _cache = (signature, keys)
    return keys


def reload_keys() -> None:
    global _cache
    _cache = None


# --- Canonical content and its HMAC ------------------------------------------------------


def canonical_time(value: datetime.datetime | str) -> str:
    """UTC, to the microsecond, as "YYYY-MM-DD HH:MM:SS.ffffff". A string is a time the
    database gave in that form already (SQLite leaves out ".000000")."""
    if isinstance(value, str):
        return value if len(value) == 26 else value[:19] + ".000000"
    if value.tzinfo is not None:
        value = value.astimezone(datetime.UTC).replace(tzinfo=None)
    # Naive: SQLite's column, read by its declared type, in UTC as Django wrote it.
    return value.isoformat(" ", "microseconds")


def canonical_address(value: Any) -> str | None:
    """IPv4 as the databases give it back; IPv6 in Python's one spelling (PostgreSQL's inet
    has its own). Liaison stores addresses in this form (audit.record)."""
    if value in (None, ""):
        return None
    value = str(value)
    return ipaddress.ip_address(value).compressed if ":" in value else value


# Made once: json.dumps with options builds an encoder at every call.
_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_encode_sorted = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode


def canonical_changes(value: Any) -> str:
    if isinstance(value, str):  # the JSON column's text, as either database spells it
        if value == "{}":
            return value
        value = json.loads(value)
    return _encode_sorted(value)


def canonical(values: dict[str, Any] | tuple, seq: int, key_id: str) -> bytes:
    """One entry's content as the bytes its HMAC covers: the same whether the values come
    from the caller before the INSERT or from either database afterwards (times and the
    JSON column read as text: `rows`)."""
    if isinstance(values, dict):
        values = tuple(values[name] for name in CONTENT_FIELDS)
    at, actor_id, label, role, action, otype, oid, orepr, changes, reason, ip, agent, rid, why = (
        values
    )
    content = [
        seq,
        key_id,
        canonical_time(at),
        actor_id,
        label,
        role,
        action,
        otype,
        oid,
        orepr,
        canonical_changes(changes),
        reason,
        canonical_address(ip),
        agent,
        rid,
        why,
    ]
    return _encode(content).encode()


def sign(key: bytes, prev_mac: str, content: bytes) -> str:
    return hmac.digest(key, prev_mac.encode() + b"\n" + content, "sha256").hex()


def json_ready(changes: dict) -> Any:
    """The changes as the JSON column will give them back (tuples become lists…)."""
    return json.loads(json.dumps(changes))


# --- Appending ---------------------------------------------------------------------------


def _locked_head(using: str):
    """The chain head, locked until the caller's transaction ends. PostgreSQL: a row lock
    (created on the first write; the INSERT … ON CONFLICT lets two first writers meet on
    one row). SQLite: its transactions are IMMEDIATE, so the write lock is held already."""
    from .models import AuditChainHead

    connection = connections[using]
    heads = AuditChainHead.objects.using(using)
    if connection.vendor != "postgresql":
        head, _created = heads.get_or_create(pk=HEAD_ID)
        return head
    found = heads.select_for_update().filter(pk=HEAD_ID).first()
    if found is not None:
        return found
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO core_auditchainhead (id, seq, mac) VALUES (%s, 0, '') "
            "ON CONFLICT (id) DO NOTHING",
            [HEAD_ID],
        )
    return heads.select_for_update().get(pk=HEAD_ID)


def chain_start(using: str) -> tuple[int, str]:
    """Where the chain of the table starts: after the last archive's anchor, or at 0."""
    from .models import AuditAnchor

    anchor = AuditAnchor.objects.using(using).order_by("-seq").first()
    return (anchor.seq, anchor.entry_mac) if anchor else (0, GENESIS)


def link(entries: list[dict[str, Any]], using: str = "default") -> list[dict[str, Any]]:
    """Numbers and signs `entries` (dicts of CONTENT_FIELDS) after the chain head, which
    stays locked until the caller's transaction ends; called inside that transaction."""
    keys = audit_keys()
    key = keys.keys[keys.current]
    head = _locked_head(using)
    seq, prev = head.seq, head.mac
    if seq == 0:
        seq, prev = chain_start(using)
    for entry in entries:
        seq += 1
        entry.update(seq=seq, key_id=keys.current, prev_mac=prev)
        entry["mac"] = prev = sign(key, prev, canonical(entry, seq, keys.current))
    head.seq, head.mac = seq, prev
    head.save(using=using, update_fields=["seq", "mac"])
    return entries


_INSERT = (
    "INSERT INTO core_auditevent (at, actor_id, actor_label, actor_role, action, object_type, "
    "object_id, object_repr, changes, reason, ip_address, user_agent, request_id, purpose, seq, "
    "key_id, prev_mac, mac) VALUES ({})"
)


def append(entries: list[dict[str, Any]], *, using: str = "default") -> int:
    """Many entries at once, chained, in one transaction and one statement run many times
    (the benchmark's bulk load): no model objects."""
    connection = connections[using]
    marks = ["%s"] * 18
    if connection.vendor == "postgresql":
        marks[8], marks[10] = "%s::jsonb", "%s::inet"
    with transaction.atomic(using=using):
        linked = link(entries, using)
        rows = [
            (
                connection.ops.adapt_datetimefield_value(e["at"]),
                *(e[name] for name in CONTENT_FIELDS[1:8]),
                json.dumps(e["changes"]),
                *(e[name] for name in CONTENT_FIELDS[9:]),
                *(e[name] for name in CHAIN_FIELDS),
            )
            for e in linked
        ]
        with connection.cursor() as cursor:
            cursor.executemany(_INSERT.format(", ".join(marks)), rows)  # nosec B608 — constant
    return len(linked)


# --- Verifying ---------------------------------------------------------------------------


@dataclass
class Finding:
    kind: str  # "edited", "inserted", "deleted", "unknown key", "anchor", "head"
    entry_id: int | None
    at: datetime.datetime | str | None
    detail: str

    def __str__(self) -> str:
        when = f" at {canonical_time(self.at)} UTC" if self.at else ""
        which = f"entry {self.entry_id}{when}: " if self.entry_id is not None else ""
        return f"{self.kind}: {which}{self.detail}"


@dataclass
class Verdict:
    checked: int = 0
    start_seq: int = 0
    last_seq: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.findings


def anchor_content(anchor) -> bytes:
    return json.dumps(
        [
            anchor.seq,
            anchor.entry_id,
            canonical_time(anchor.entry_at),
            anchor.entry_mac,
            anchor.entries,
            anchor.archive_name,
            anchor.archive_sha256,
            anchor.key_id,
        ],
        separators=(",", ":"),
    ).encode()


# The entries as canonical() reads them: times and the JSON column as text, the same on
# both databases; the rest as stored. Pages by place: each one an index range scan.
_COLUMNS = (
    "id, {at}, actor_id, actor_label, actor_role, action, object_type, object_id, "
    "object_repr, {changes}, reason, {ip}, user_agent, request_id, purpose, seq, key_id, "
    "prev_mac, mac"
)
_TEXT = {
    "postgresql": {
        "at": "to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')",
        "changes": "changes::text",
        "ip": "host(ip_address)",
    },
    "sqlite": {"at": "at", "changes": "changes", "ip": "ip_address"},
}
ROW_FIELDS = ("id", *CONTENT_FIELDS, *CHAIN_FIELDS)


def rows(using: str, *, after_seq: int, through_seq: int, chunk: int = 10_000) -> Iterator[tuple]:
    """The entries after `after_seq` through `through_seq` in chain order, as tuples of
    ROW_FIELDS: no model objects, no converters. Read a range of `chunk` places at a time:
    the places have no gaps, so each range is a short index scan whatever the planner
    thinks of the table (a LIMIT over an open range let it sort the rest every time)."""
    connection = connections[using]
    columns = _COLUMNS.format(**_TEXT[connection.vendor])
    sql = (
        f"SELECT {columns} FROM core_auditevent "  # noqa: S608  # nosec B608 — constant
        "WHERE seq > %s AND seq <= %s ORDER BY seq"
    )
    lower = after_seq
    with connection.cursor() as cursor:
        while lower < through_seq:
            upper = min(lower + chunk, through_seq)
            cursor.execute(sql, [lower, upper])
            yield from cursor.fetchall()
            lower = upper


class _Walk:
    """One walk along the chain: the entry before, and one whose HMAC failed, judged once
    the entry after it (or the head) tells whether the chain went on from it."""

    def __init__(self, keys: AuditKeys, verdict: Verdict, seq: int, mac: str):
        self.keys, self.verdict = keys, verdict
        self.seq, self.mac = seq, mac
        self.before: tuple | None = None  # (id, at) of the entry before
        self.suspect: tuple | None = None  # (id, at, mac) of an entry whose HMAC failed
        self.before_intact = True

    def note(self, kind: str, entry_id, at, detail: str) -> None:
        self.verdict.findings.append(Finding(kind, entry_id, at, detail))

    def judge_suspect(self, next_prev_mac: str | None) -> None:
        """The chain went on from the suspect's HMAC: it was there when the next entry was
        signed, and its content changed since. Otherwise its content and HMAC both changed
        (entries numbered outside the chain, inserted, are found apart: `_outside`)."""
        if self.suspect is None:
            return
        entry_id, at, mac = self.suspect
        if next_prev_mac == mac:
            self.note("edited", entry_id, at, "its content differs from what was signed")
        else:
            self.note(
                "edited", entry_id, at, "its content and HMAC were changed (or it replaced one)"
            )
        self.suspect = None

    def step(self, row: tuple) -> None:
        entry_id, at = row[0], row[1]
        content = row[1 : 1 + len(CONTENT_FIELDS)]
        seq, key_id, prev_mac, mac = row[1 + len(CONTENT_FIELDS) :]
        self.judge_suspect(prev_mac)
        if seq > self.seq + 1:
            missing = seq - self.seq - 1
            after = f" after entry {self.before[0]}" if self.before else ""
            self.note(
                "deleted",
                entry_id,
                at,
                f"{missing} entr{'y' if missing == 1 else 'ies'} (places {self.seq + 1}"
                f"–{seq - 1}) missing before it{after}",
            )
        key = self.keys.keys.get(key_id)
        if key is None:
            self.note("unknown key", entry_id, at, f"signed with key {key_id!r}, not in the file")
        elif not hmac.compare_digest(sign(key, prev_mac, canonical(content, seq, key_id)), mac):
            self.suspect = (entry_id, at, mac)
        elif prev_mac != self.mac and seq == self.seq + 1 and self.before_intact:
            # Intact itself, and so is the entry before, yet it was signed after another.
            self.note("edited", entry_id, at, "the entry before it is not the one it followed")
        self.before_intact = self.suspect is None and key is not None
        self.seq, self.mac, self.before = seq, mac, (entry_id, at)
        self.verdict.checked += 1


def _outside(using: str, start_seq: int) -> list[tuple]:
    """Entries numbered past the chain head (one statement, so one snapshot of both) or
    at or before the chain's start: Liaison numbers neither."""
    from .models import AuditChainHead, AuditEvent

    head = AuditChainHead.objects.using(using).filter(pk=HEAD_ID).values("seq")
    return list(
        AuditEvent.objects.using(using)
        .filter(models.Q(seq__gt=models.Subquery(head)) | models.Q(seq__lte=start_seq))
        .order_by("seq")
        .values_list("id", "at")
    )


def verify(using: str = "default", *, chunk: int = 10_000) -> Verdict:
    """Walks the chain from its anchor (or its start) to its head and names every entry
    inserted, edited or deleted on the way. Entries written meanwhile past the head as it
    was read are left to the next walk; the writers are not held up."""
    from .models import AuditAnchor, AuditChainHead

    keys = audit_keys()
    verdict = Verdict()
    anchor = AuditAnchor.objects.using(using).order_by("-seq").first()
    if anchor is not None:
        key = keys.keys.get(anchor.key_id)
        if key is None or not hmac.compare_digest(
            sign(key, GENESIS, anchor_content(anchor)), anchor.mac
        ):
            verdict.findings.append(
                Finding("anchor", anchor.entry_id, anchor.entry_at, "the anchor was changed")
            )
    seq, mac = (anchor.seq, anchor.entry_mac) if anchor else (0, GENESIS)
    verdict.start_seq = seq
    head = AuditChainHead.objects.using(using).filter(pk=HEAD_ID).first()
    head_seq, head_mac = (head.seq, head.mac) if head else (seq, mac)
    walk = _Walk(keys, verdict, seq, mac)
    for row in rows(using, after_seq=seq, through_seq=head_seq, chunk=chunk):
        walk.step(row)
    walk.judge_suspect(head_mac if walk.seq == head_seq else None)
    if head_seq > walk.seq:
        after = f", after entry {walk.before[0]}" if walk.before else ""
        verdict.findings.append(
            Finding(
                "deleted",
                None,
                None,
                f"the last {head_seq - walk.seq} entries (places {walk.seq + 1}–{head_seq}) "
                f"are missing{after}",
            )
        )
    for entry_id, at in _outside(using, verdict.start_seq):
        verdict.findings.append(
            Finding("inserted", entry_id, at, "numbered outside the chain: not written by Liaison")
        )
    verdict.last_seq = walk.seq
    return verdict


def entries_of(rows: Iterable[tuple]) -> Iterator[dict[str, Any]]:
    """Rows as dicts, their time in the canonical text (UTC)."""
    for row in rows:
        entry = dict(zip(ROW_FIELDS, row, strict=True))
        entry["at"] = canonical_time(entry["at"])
        yield entry
