"""Audit entries kept two years and never deleted by the application: older ones are
archived by the owner to a signed, encrypted file, and the chain goes on from its anchor."""

import datetime
import io
import zipfile

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from liaison.core import audit, audit_chain, audit_guard
from liaison.core.choices import AuditAction
from liaison.core.models import AuditAnchor, AuditEvent

pytestmark = pytest.mark.django_db
PASSPHRASE = "audit-archive-passphrase-2026"


@pytest.fixture(autouse=True)
def _passphrase(monkeypatch):
    monkeypatch.setenv("LIAISON_BACKUP_PASSPHRASE", PASSPHRASE)


@pytest.fixture
def old_and_new(personas):
    """Three entries from 2023 and two from today."""
    old = []
    for day in (3, 4, 5):
        with time_machine.travel(datetime.datetime(2023, 6, day, 9, tzinfo=datetime.UTC)):
            old.append(audit.record(AuditAction.VIEW, actor=personas.ico, obj=personas.requester))
    new = [
        audit.record(AuditAction.VIEW, actor=personas.ico, obj=personas.requester) for _ in range(2)
    ]
    return old, new


def archive(tmp_path, before="2024-01-01") -> tuple[str, object]:
    out = io.StringIO()
    path = tmp_path / "audit-2023.zip"
    call_command("audit", "archive", "--before", before, "--out", str(path), stdout=out)
    return out.getvalue(), path


def test_entries_older_than_the_date_move_to_the_archive_and_the_rest_still_verifies(
    tmp_path, old_and_new
):
    old, new = old_and_new
    said, _path = archive(tmp_path)
    assert "Archived 3 audit entries" in said
    assert not AuditEvent.objects.filter(pk__in=[e.pk for e in old]).exists()
    assert AuditEvent.objects.filter(pk__in=[e.pk for e in new]).count() == 2
    anchor = AuditAnchor.objects.get()
    assert (anchor.entry_id, anchor.entries) == (old[-1].pk, 3)
    assert audit_chain.verify().intact
    archived = AuditEvent.objects.filter(action=AuditAction.EXPORT, object_type="core.auditevent")
    assert archived.get().changes["entries"] == 3


def test_the_archive_is_encrypted_signed_and_checked_by_verify(tmp_path, old_and_new):
    _said, path = archive(tmp_path)
    with zipfile.ZipFile(path) as plain, pytest.raises(RuntimeError, match="encrypted"):
        plain.read("entries.jsonl")
    out = io.StringIO()
    call_command("audit", "verify", "--archive", str(path), stdout=out)
    assert "The archive is intact: 3 entries" in out.getvalue()


def test_an_entry_edited_after_the_anchor_is_still_found(tmp_path, old_and_new):
    _old, new = old_and_new
    archive(tmp_path)
    with transaction.atomic(), audit_guard.lifted(connection), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET reason = 'x' WHERE id = %s", [new[0].pk])
    assert [(f.kind, f.entry_id) for f in audit_chain.verify().findings] == [("edited", new[0].pk)]


def test_an_edited_anchor_is_found(tmp_path, old_and_new):
    archive(tmp_path)
    AuditAnchor.objects.update(entries=1)
    assert [f.kind for f in audit_chain.verify().findings] == ["anchor"]


def test_entries_younger_than_two_years_are_never_archived(tmp_path, old_and_new):
    recent = (datetime.date.today() - datetime.timedelta(days=700)).isoformat()
    with pytest.raises(CommandError, match="kept at least 730 days"):
        archive(tmp_path, before=recent)
    assert AuditEvent.objects.count() == 5 and not AuditAnchor.objects.exists()


def test_a_broken_chain_is_not_archived(tmp_path, old_and_new):
    old, _new = old_and_new
    with transaction.atomic(), audit_guard.lifted(connection), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET reason = 'x' WHERE id = %s", [old[0].pk])
    with pytest.raises(CommandError, match="not intact"):
        archive(tmp_path)
    assert not (tmp_path / "audit-2023.zip").exists()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--before", "last year"], "YYYY-MM-DD"),
        (["--before", "2020-01-01", "--out", "/nonexistent/dir/a.zip"], "no directory"),
    ],
)
def test_archive_input_is_validated_with_a_message(arguments, message, old_and_new):
    with pytest.raises(CommandError, match=message):
        call_command("audit", "archive", *arguments)


def test_a_short_passphrase_is_refused(tmp_path, monkeypatch, old_and_new):
    monkeypatch.setenv("LIAISON_BACKUP_PASSPHRASE", "short")
    with pytest.raises(CommandError, match="shorter than"):
        archive(tmp_path)
