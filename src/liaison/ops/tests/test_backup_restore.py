"""`liaison backup` and `liaison restore`: a backup restores whole into a new, empty system
(every row, the passport numbers readable, the uploads byte for byte, the audit trail as
it was with the restore's own entry after it), and everything else is refused with a
reason and changes nothing."""

import io
import json
import re
import struct
from types import SimpleNamespace

import pytest
import pyzipper
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from liaison.cases import protect
from liaison.cases.choices import EntryKind
from liaison.cases.services import timeline
from liaison.core.choices import AuditAction
from liaison.core.models import AuditEvent
from liaison.ops.archive import MANIFEST, PASSPHRASE_ENV, read_manifest
from liaison.ops.tests.conftest import PASSPHRASE, liaison_command
from liaison.ops.tests.reading import audit_trail, table_counts

pytestmark = pytest.mark.django_db
NUMBER = "M12345678"  # the victim's passport in the cases conftest's report
STATEMENT = b"%PDF-1.4 the victim's statement, as uploaded"


@pytest.fixture
def casework(personas, open_case):
    """The case with its victim (passport M12345678), an uploaded statement, and a group
    holding a permission (referred to by natural key in the backup)."""
    statement = timeline.entry_add(
        actor=personas.overseas,
        case=open_case,
        kind=EntryKind.DOCUMENT,
        upload=SimpleUploadedFile("statement.pdf", STATEMENT, "application/pdf"),
    )
    open_case.officers.add(personas.overseas)
    reviewers = Group.objects.create(name="reviewers")
    reviewers.permissions.add(Permission.objects.get(codename="view_case"))
    personas.auditor.groups.add(reviewers)
    return SimpleNamespace(case=open_case, victim=open_case.victims.get(), statement=statement)


@pytest.fixture
def passphrase(monkeypatch):
    monkeypatch.setenv(PASSPHRASE_ENV, PASSPHRASE)
    return PASSPHRASE


@pytest.fixture
def backed_up(casework, passphrase, tmp_path):
    """The tables and the audit trail as they were backed up, and the archive."""
    before = SimpleNamespace(tables=table_counts(), audit=audit_trail(), path=tmp_path / "b.zip")
    backup(str(before.path))
    return before


def backup(*args) -> str:
    out = io.StringIO()
    call_command("backup", *args, stdout=out)
    return out.getvalue()


def restore(*args) -> str:
    out = io.StringIO()
    call_command("restore", *args, stdout=out)
    return out.getvalue()


def test_a_backup_restores_whole_into_a_new_empty_system(casework, backed_up, empty_system):
    result = liaison_command("restore", str(backed_up.path), env=empty_system)
    assert result.returncode == 0, result.stderr
    assert "Every count matches the backup" in result.stdout
    assert "cases.Victim" in result.stdout

    check = liaison_command(
        casework.case.reference, env=empty_system, module="liaison.ops.tests.restored"
    )
    assert check.returncode == 0, check.stderr
    restored = json.loads(check.stdout)
    # Every table as it was, but the restore's own audit entry.
    assert restored["tables"] == {
        **backed_up.tables,
        "core_auditevent": backed_up.tables["core_auditevent"] + 1,
    }
    assert restored["passport"] == NUMBER
    assert restored["categories"] == casework.case.categories
    assert restored["officers"] == ["overseas"]
    assert restored["statement_sha256"] == restored["statement_recorded_sha256"]
    assert restored["statement_sha256"] == casework.statement.file_sha256
    assert restored["permissions"] == ["auditor:cases.view_case"]
    # The audit trail kept every entry as it was, ids and times included; the restore's
    # own entry comes after them, with the next id (the sequences were moved on).
    *kept, own = restored["audit"]
    assert kept == backed_up.audit
    assert own["id"] == kept[-1]["id"] + 1 and own["at"] > kept[-1]["at"]
    assert (own["action"], own["actor_id"], own["actor_label"]) == (
        AuditAction.IMPORT,
        None,
        "liaison restore",
    )
    assert "files" in own["object_repr"] and "rows" in own["object_repr"]


def damage_the_upload(path, target):
    target.write_bytes(flip_a_byte_inside(path, "files/"))


def miscount_the_victims(path, target):
    def change(manifest):
        manifest["rows"]["cases.Victim"] += 1
        return manifest

    copy_with_manifest(path, target, change)


@pytest.mark.parametrize(
    ("spoil", "refusal"),
    [
        (damage_the_upload, "is damaged and was not restored"),
        (
            miscount_the_victims,
            "nothing was restored: cases.Victim 1 restored, 2 backed up",
        ),
    ],
)
def test_a_restore_that_fails_half_way_leaves_the_system_empty(
    backed_up, empty_system, tmp_path, spoil, refusal
):
    spoilt = tmp_path / "spoilt.zip"
    spoil(backed_up.path, spoilt)
    result = liaison_command("restore", str(spoilt), env=empty_system)
    assert result.returncode != 0
    assert refusal in result.stderr
    media = tmp_path / "restored" / "media"
    assert not [p for p in media.rglob("*") if p.is_file()]  # no upload left behind
    # All or nothing: the rows loaded before the failure were rolled back, so the good
    # archive still finds the database empty.
    result = liaison_command("restore", str(backed_up.path), env=empty_system)
    assert result.returncode == 0, result.stderr
    assert [p.read_bytes() for p in media.rglob("*") if p.is_file()] == [STATEMENT]


def test_a_wrong_passphrase_is_refused(backed_up, monkeypatch):
    monkeypatch.setenv(PASSPHRASE_ENV, "not the passphrase of this backup")
    with pytest.raises(CommandError, match="Wrong passphrase"):
        restore(str(backed_up.path))


def test_a_key_file_that_does_not_match_the_data_is_refused(backed_up, settings, tmp_path):
    other = tmp_path / "other-keys.json"
    protect.write_ring(protect.new_key_entry({"keys": {}, "hash_keys": {}}, "k1"), other)
    settings.LIAISON_FIELD_KEYS_FILE = other
    protect.reload_keys()
    with pytest.raises(CommandError, match="does not match the data: passport numbers could not"):
        restore(str(backed_up.path))


def test_a_missing_key_file_is_refused_without_making_one(backed_up, settings, tmp_path):
    settings.LIAISON_FIELD_KEYS_FILE = tmp_path / "nowhere" / "keys.json"
    protect.reload_keys()
    with pytest.raises(CommandError, match="no key file"):
        restore(str(backed_up.path))
    assert not settings.LIAISON_FIELD_KEYS_FILE.exists()


def test_a_database_that_has_rows_is_refused(backed_up):
    entries = AuditEvent.objects.count()
    with pytest.raises(CommandError, match=r"not empty .* create one, run `liaison migrate`"):
        restore(str(backed_up.path))
    assert AuditEvent.objects.count() == entries


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda data: data[: len(data) // 2], id="cut-short"),
        pytest.param(lambda data: b"", id="empty"),
        pytest.param(lambda data: b"not a zip at all " * 100, id="garbage"),
    ],
)
def test_an_archive_cut_short_or_garbage_is_refused_clearly(backed_up, tmp_path, damage):
    bad = tmp_path / "bad.zip"
    bad.write_bytes(damage(backed_up.path.read_bytes()))
    with pytest.raises(CommandError, match="not a readable backup"):
        restore(str(bad))


def test_an_archive_of_another_format_or_not_encrypted_is_refused(passphrase, tmp_path):
    newer = tmp_path / "newer.zip"
    with pyzipper.AESZipFile(newer, "w", encryption=pyzipper.WZ_AES) as archive:
        archive.setpassword(passphrase.encode())
        archive.writestr(MANIFEST, json.dumps({"format": "liaison-backup", "format_version": 2}))
    with pytest.raises(CommandError, match="format 2; this release of Liaison reads format 1"):
        restore(str(newer))
    plain = tmp_path / "plain.zip"
    with pyzipper.ZipFile(plain, "w") as archive:
        archive.writestr(MANIFEST, json.dumps({"format": "liaison-backup", "format_version": 1}))
    with pytest.raises(CommandError, match="is not AES-encrypted"):
        restore(str(plain))


def test_a_backup_needs_a_long_passphrase_and_never_takes_it_as_an_argument(
    casework, monkeypatch, tmp_path
):
    monkeypatch.delenv(PASSPHRASE_ENV, raising=False)
    target = tmp_path / "b.zip"
    with pytest.raises(CommandError, match="No passphrase: give --passphrase-file"):
        backup(str(target))
    with pytest.raises(CommandError, match="unrecognized arguments"):
        backup(str(target), "--passphrase", PASSPHRASE)
    monkeypatch.setenv(PASSPHRASE_ENV, "too short")
    with pytest.raises(CommandError, match="shorter than 16 characters"):
        backup(str(target))
    assert not list(tmp_path.glob("*b.zip*"))


def test_the_archive_is_encrypted_private_complete_and_holds_no_key(casework, tmp_path):
    secret = tmp_path / "passphrase"
    secret.write_text(PASSPHRASE + "\n")
    path = tmp_path / "backups" / "b.zip"
    output = backup(str(path), "--passphrase-file", str(secret))
    assert "Backup written to" in output
    assert path.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["b.zip"]  # no part file left
    raw = path.read_bytes()
    for personal in (NUMBER, "KIM Minjun", "김민준", "Sihanoukville"):
        assert personal.encode() not in raw
    assert STATEMENT not in raw

    manifest = read_manifest(path, PASSPHRASE.encode())
    assert manifest["files"] == {"count": 1, "bytes": len(STATEMENT)}
    assert manifest["rows"]["cases.Victim"] == 1
    assert manifest["rows"]["cases.Case_officers"] == 1
    assert manifest["field_keys"] == {"fingerprint": protect.key_fingerprint()}
    ring = json.loads(protect.key_file().read_text())
    with pyzipper.AESZipFile(path) as archive:
        archive.setpassword(PASSPHRASE.encode())
        contents = b"".join(archive.read(name) for name in archive.namelist())
    assert NUMBER.encode() not in contents  # still encrypted inside, with the field keys
    for key in [*ring["keys"].values(), *ring["hash_keys"].values()]:
        assert key.encode() not in contents

    with pytest.raises(CommandError, match="already exists"):
        backup(str(path), "--passphrase-file", str(secret))


@pytest.mark.django_db(transaction=True)
def test_a_backup_outside_any_transaction_reads_one_moment(casework, passphrase, tmp_path):
    # Outside the test's transaction the backup opens its own: repeatable read and read
    # only on PostgreSQL, which must be its first statement.
    backup(str(tmp_path / "b.zip"))
    manifest = read_manifest(tmp_path / "b.zip", PASSPHRASE.encode())
    assert manifest["rows"]["cases.Victim"] == 1
    assert manifest["files"]["count"] == 1


def test_a_backup_into_a_directory_gets_a_dated_name(casework, passphrase, tmp_path):
    backup(str(tmp_path))
    (written,) = tmp_path.glob("liaison-*.zip")
    assert re.fullmatch(r"liaison-\d{8}-\d{6}\.zip", written.name)
    assert read_manifest(written, PASSPHRASE.encode())["rows"]["cases.Case"] == 1


def test_a_backup_is_audited_with_what_it_holds(casework, passphrase, tmp_path):
    backup(str(tmp_path / "b.zip"))
    entry = AuditEvent.objects.order_by("-id").first()
    assert (entry.action, entry.actor, entry.actor_label) == (
        AuditAction.EXPORT,
        None,
        "liaison backup",
    )
    assert entry.object_repr.startswith("Backup b.zip: ")
    assert f"1 files ({len(STATEMENT)} bytes)" in entry.object_repr
    assert entry.changes["files"] == 1


def test_the_key_fingerprint_names_the_keys_without_revealing_them(settings, tmp_path):
    first = protect.key_fingerprint()
    assert first == protect.key_fingerprint() and first.startswith("sha256:")
    ring = json.loads(protect.key_file().read_text())
    assert not any(key in first for key in [*ring["keys"].values(), *ring["hash_keys"].values()])
    protect.write_ring(protect.new_key_entry(ring, "k2"))
    protect.reload_keys()
    assert protect.key_fingerprint() != first


def flip_a_byte_inside(path, prefix: str) -> bytes:
    """The archive with one byte of the first entry under `prefix` changed, in the middle
    of its encrypted data, where only the entry's authentication code can tell."""
    data = bytearray(path.read_bytes())
    with pyzipper.AESZipFile(path) as archive:
        info = next(i for i in archive.infolist() if i.filename.startswith(prefix))
    header = info.header_offset
    name_length, extra_length = struct.unpack("<HH", data[header + 26 : header + 30])
    start = header + 30 + name_length + extra_length
    data[start + info.compress_size // 2] ^= 0xFF
    return bytes(data)


def copy_with_manifest(path, target, change) -> None:
    """The archive re-written, every entry encrypted as before, with its manifest changed."""
    key = PASSPHRASE.encode()
    with (
        pyzipper.AESZipFile(path) as source,
        pyzipper.AESZipFile(target, "w", encryption=pyzipper.WZ_AES) as copy,
    ):
        source.setpassword(key)
        copy.setpassword(key)
        for name in source.namelist():
            data = source.read(name)
            if name == MANIFEST:
                data = json.dumps(change(json.loads(data))).encode()
            copy.writestr(name, data)
