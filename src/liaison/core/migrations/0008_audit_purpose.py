"""The purpose of an access to personal data, kept in its audit entry (EU LED art. 25)."""

from django.db import migrations, models

# SQLite adds a NOT NULL column by rebuilding the table, which drops its triggers: the one
# that refuses UPDATE (0002_audit_append_only) is put back.
SQLITE_TRIGGER = """
CREATE TRIGGER IF NOT EXISTS core_auditevent_no_update BEFORE UPDATE ON core_auditevent
BEGIN
    SELECT RAISE(ABORT, 'audit entries are append-only');
END;
"""


def restore_sqlite_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_TRIGGER)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0007_user_session_generation"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="purpose",
            field=models.CharField(
                blank=True, editable=False, max_length=300, verbose_name="purpose"
            ),
        ),
        migrations.RunPython(restore_sqlite_trigger, migrations.RunPython.noop),
    ]
