"""The audit chain (core/audit_chain.py): every entry numbered, signed with the audit key
and chained to the one before; the chain head and the archives' anchors. Entries already
written are chained here, in the order they were written, with the key of
LIAISON_AUDIT_KEY_FILE (created outside production; in production it must exist).

SQLite now refuses DELETE as PostgreSQL does (`liaison flush`, which empties the whole
database, lifts it for its own statement: core/management/commands/flush.py)."""

import django.utils.timezone
from django.db import migrations, models

from liaison.core import audit_chain, audit_guard

BATCH = 2000


def chain_existing(apps, schema_editor):
    AuditEvent = apps.get_model("core", "AuditEvent")
    AuditChainHead = apps.get_model("core", "AuditChainHead")
    alias = schema_editor.connection.alias
    entries = AuditEvent.objects.using(alias)
    if not entries.exists():
        return
    keys = audit_chain.audit_keys()
    key = keys.keys[keys.current]
    names = ("id", *audit_chain.CONTENT_FIELDS)
    seq, prev = 0, audit_chain.GENESIS
    with audit_guard.lifted(schema_editor.connection):
        ids = list(entries.order_by("id").values_list("id", flat=True))
        for start in range(0, len(ids), BATCH):
            rows = entries.filter(id__in=ids[start : start + BATCH]).order_by("id")
            for entry_id, *content in rows.values_list(*names):
                seq += 1
                mac = audit_chain.sign(key, prev, audit_chain.canonical(tuple(content), seq, keys.current))
                entries.filter(id=entry_id).update(
                    seq=seq, key_id=keys.current, prev_mac=prev, mac=mac
                )
                prev = mac
    AuditChainHead.objects.using(alias).create(id=audit_chain.HEAD_ID, seq=seq, mac=prev)


def guard_deletes(apps, schema_editor):
    audit_guard.install(schema_editor.connection)


def unguard_deletes(apps, schema_editor):
    audit_guard.uninstall_sqlite_delete(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("core", "0008_audit_purpose")]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="seq",
            field=models.BigIntegerField(editable=False, null=True, verbose_name="place in the chain"),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="key_id",
            field=models.CharField(default="", editable=False, max_length=16, verbose_name="key"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="prev_mac",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="mac",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.CreateModel(
            name="AuditChainHead",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("seq", models.BigIntegerField(default=0)),
                ("mac", models.CharField(blank=True, max_length=64)),
            ],
        ),
        migrations.CreateModel(
            name="AuditAnchor",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("seq", models.BigIntegerField(unique=True)),
                ("entry_id", models.BigIntegerField()),
                ("entry_at", models.DateTimeField()),
                ("entry_mac", models.CharField(max_length=64)),
                ("entries", models.BigIntegerField()),
                ("archive_name", models.CharField(max_length=300)),
                ("archive_sha256", models.CharField(max_length=64)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("key_id", models.CharField(max_length=16)),
                ("mac", models.CharField(max_length=64)),
            ],
            options={"ordering": ["-seq"]},
        ),
        migrations.RunPython(chain_existing, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="auditevent",
            name="seq",
            field=models.BigIntegerField(editable=False, unique=True, verbose_name="place in the chain"),
        ),
        migrations.RunPython(guard_deletes, unguard_deletes),
    ]
