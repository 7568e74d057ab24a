"""The audit trail as a chain: every entry signed with a key outside the database and
chained to the one before, so an edited, inserted or deleted entry is found and named."""

import itertools
import json
import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, connections, transaction

from liaison.core import audit, audit_chain, audit_guard, services
from liaison.core.choices import AuditAction
from liaison.core.models import AuditChainHead, AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_key_file(settings, tmp_path):
    """A key file of the test's own: rotating it leaves the other tests' keys alone."""
    settings.LIAISON_AUDIT_KEY_FILE = tmp_path / "audit-keys.json"
    audit_chain.reload_keys()
    yield settings.LIAISON_AUDIT_KEY_FILE
    audit_chain.reload_keys()


@pytest.fixture
def entries(personas):
    """Five entries by the ICO officer, oldest first."""
    return [
        audit.record(AuditAction.VIEW, actor=personas.ico, obj=personas.requester, reason=f"n{i}")
        for i in range(5)
    ]


def tamper(sql: str, params: list) -> None:
    """What someone who can write the table but not read the key could do."""
    with transaction.atomic(), audit_guard.lifted(connection), connection.cursor() as cursor:
        cursor.execute(sql, params)


def findings() -> list[tuple[str, int | None]]:
    return [(f.kind, f.entry_id) for f in audit_chain.verify().findings]


def verify_command() -> str:
    """`liaison audit verify`, failing with what it printed on stderr."""
    import io

    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("audit", "verify", stdout=out, stderr=err)
    except CommandError as exc:
        raise AssertionError(f"{exc}\n{err.getvalue()}") from None
    return out.getvalue()


def test_every_entry_is_numbered_signed_and_chained_to_the_one_before(entries):
    rows = list(AuditEvent.objects.order_by("seq"))
    assert [row.seq for row in rows] == list(range(rows[0].seq, rows[0].seq + len(rows)))
    for before, after in itertools.pairwise(rows):
        assert after.prev_mac == before.mac and len(after.mac) == 64
    assert AuditChainHead.objects.get().mac == rows[-1].mac


def test_an_intact_trail_verifies(entries):
    assert audit_chain.verify().intact
    assert "The audit chain is intact" in verify_command()


def test_an_edited_entry_is_found_and_named_with_its_id_and_time(entries):
    edited = entries[2]
    tamper("UPDATE core_auditevent SET reason = 'nothing to see' WHERE id = %s", [edited.pk])
    assert findings() == [("edited", edited.pk)]
    with pytest.raises(AssertionError) as failure:
        verify_command()
    when = audit_chain.canonical_time(edited.at)
    assert f"edited: entry {edited.pk} at {when} UTC" in str(failure.value)


def test_an_entry_whose_hmac_was_recomputed_without_the_key_is_found(entries):
    edited = entries[1]
    tamper("UPDATE core_auditevent SET mac = %s WHERE id = %s", ["0" * 64, edited.pk])
    assert ("edited", edited.pk) in findings()


@pytest.mark.parametrize("place", ["after the last", "before the first"])
def test_an_inserted_entry_is_found_and_named(entries, place):
    last = AuditEvent.objects.order_by("-seq").first()
    seq = last.seq + 1 if place == "after the last" else 0
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO core_auditevent (at, actor_label, actor_role, action, object_type, "
            "object_id, object_repr, changes, reason, user_agent, request_id, purpose, seq, "
            "key_id, prev_mac, mac) VALUES (%s, 'someone', '', 'view', '', '', '', '{}', '', '', "
            "'', '', %s, %s, %s, %s)",
            [last.at, seq, last.key_id, last.mac, "f" * 64],
        )
    inserted = AuditEvent.objects.get(seq=seq)
    assert findings() == [("inserted", inserted.pk)]


def test_a_deleted_entry_is_found_and_named_by_the_entry_after_the_gap(entries):
    deleted, after = entries[2], entries[3]
    tamper("DELETE FROM core_auditevent WHERE id = %s", [deleted.pk])
    verdict = audit_chain.verify()
    assert [(f.kind, f.entry_id) for f in verdict.findings] == [("deleted", after.pk)]
    assert f"after entry {entries[1].pk}" in str(verdict.findings[0])


def test_the_last_entries_deleted_are_found_through_the_chain_head(entries):
    tamper("DELETE FROM core_auditevent WHERE id IN (%s, %s)", [entries[3].pk, entries[4].pk])
    (finding,) = audit_chain.verify().findings
    assert finding.kind == "deleted" and "the last 2 entries" in finding.detail


def test_an_audit_write_that_cannot_be_signed_fails_the_action_with_it(
    personas, settings, tmp_path
):
    settings.LIAISON_AUDIT_KEY_FILE = tmp_path / "broken.json"
    settings.LIAISON_AUDIT_KEY_FILE.write_text("not json")
    audit_chain.reload_keys()
    try:
        with pytest.raises(audit_chain.AuditKeyError):
            services.user_update(actor=personas.admin, user=personas.analyst, full_name="Renamed")
    finally:
        audit_chain.reload_keys()
    personas.analyst.refresh_from_db()
    assert personas.analyst.full_name != "Renamed"


def test_a_rotated_key_signs_the_next_entries_and_the_old_ones_still_verify(own_key_file, personas):
    audit.record(AuditAction.VIEW, actor=personas.ico, obj=personas.requester)
    call_command("audit", "rotate-key", stdout=open("/dev/null", "w"))  # noqa: SIM115
    audit.record(AuditAction.VIEW, actor=personas.ico, obj=personas.requester)
    assert list(AuditEvent.objects.order_by("seq").values_list("key_id", flat=True))[-2:] == [
        "a1",
        "a2",
    ]
    assert audit_chain.verify().intact
    keys = json.loads(own_key_file.read_text())
    del keys["keys"]["a1"]
    own_key_file.write_text(json.dumps(keys))
    assert ("unknown key", AuditEvent.objects.get(key_id="a1").pk) in findings()


def test_creating_the_key_file_twice_is_refused_with_a_message(own_key_file):
    call_command("audit", "rotate-key", "--create", stdout=open("/dev/null", "w"))  # noqa: SIM115
    with pytest.raises(CommandError, match="already exists"):
        call_command("audit", "rotate-key", "--create")


def test_in_production_a_missing_key_file_stops_the_write_with_what_to_do(
    settings, tmp_path, personas
):
    settings.PRODUCTION = True
    settings.LIAISON_AUDIT_KEY_FILE = tmp_path / "absent.json"
    audit_chain.reload_keys()
    with pytest.raises(audit_chain.AuditKeyError, match="rotate-key --create"):
        audit.record(AuditAction.VIEW, actor=personas.ico, obj=personas.requester)
    assert not settings.LIAISON_AUDIT_KEY_FILE.exists()


def test_the_database_refuses_to_delete_an_audit_entry_on_either_database(entries):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [entries[0].pk])
    assert AuditEvent.objects.filter(pk=entries[0].pk).exists()


@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks of PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_writers_at_once_do_not_fork_the_chain(personas):
    start = threading.Barrier(2)
    errors = []

    def write(label: str) -> None:
        try:
            start.wait()
            for index in range(40):
                with transaction.atomic():
                    audit.record(
                        AuditAction.VIEW,
                        actor=None,
                        actor_label=label,
                        object_id=str(index),
                    )
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    writers = [threading.Thread(target=write, args=(f"writer {n}",)) for n in (1, 2)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join()
    assert errors == []
    seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))
    assert AuditEvent.objects.filter(actor_label__startswith="writer").count() == 80
    assert audit_chain.verify().intact


def test_db_roles_without_an_owner_url_says_what_to_set():
    with pytest.raises(CommandError, match="DATABASE_OWNER_URL is not set"):
        call_command("db_roles")


@pytest.fixture
def app_role():
    """An application role granted as `liaison db-roles` grants it, the test's own owner
    (the test database's) for the owner; all of it undone with the test's transaction."""
    from liaison.core import db_roles

    role = f"liaison_app_test_{threading.get_ident() % 100_000}_{id(object()) % 1000}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        (owner,) = cursor.fetchone()
        db_roles.create_app_role(cursor, role, "app-role-test-Pass")
        db_roles.grant(cursor, db_roles.Roles(owner=owner, app=role))
    return role


def as_role(role: str, sql: str) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f'SET LOCAL ROLE "{role}"')
        cursor.execute(sql)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE core_auditevent SET reason = 'rewritten'",
        "DELETE FROM core_auditevent",
        "TRUNCATE core_auditevent",
        "ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_no_update",
        "DELETE FROM core_auditchainhead",
        "DELETE FROM core_auditanchor",
    ],
)
@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="roles are PostgreSQL's")
def test_the_application_role_may_not_rewrite_the_trail(app_role, entries, statement):
    with pytest.raises(DatabaseError, match=r"permission denied|must be owner"):
        as_role(app_role, statement)
    assert AuditEvent.objects.count() == len(entries)


@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="roles are PostgreSQL's")
def test_the_application_role_writes_entries_and_the_product_s_tables(app_role, personas):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f'SET LOCAL ROLE "{app_role}"')
        services.user_update(actor=personas.admin, user=personas.analyst, full_name="Renamed")
        cursor.execute("SELECT current_user")
        assert cursor.fetchone()[0] == app_role
    assert AuditEvent.objects.filter(action=AuditAction.UPDATE).exists()
    assert audit_chain.verify().intact


@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="roles are PostgreSQL's")
def test_an_application_role_that_owns_the_tables_is_refused(app_role):
    from liaison.core import db_roles

    with connection.cursor() as cursor:
        cursor.execute(f'ALTER TABLE core_savedfilter OWNER TO "{app_role}"')
        cursor.execute("SELECT current_user")
        (owner,) = cursor.fetchone()
        with pytest.raises(db_roles.RolesError, match="owns tables"):
            db_roles.grant(cursor, db_roles.Roles(owner=owner, app=app_role))
