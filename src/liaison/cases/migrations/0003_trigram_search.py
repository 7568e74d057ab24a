"""On PostgreSQL, trigram indexes make the `contains` searches on folded names and
identifiers index lookups instead of scans (pg_trgm is a trusted extension: a database
owner may create it). SQLite scans; it serves small offices."""

from django.db import migrations

INDEXES = [
    ("cases_case", "search_keys", "case_search_trgm"),
    ("cases_victim", "name_keys", "victim_name_trgm"),
    ("cases_report", "person_name_keys", "report_name_trgm"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table, column, name in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for _table, _column, name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_initial")]
    operations = [migrations.RunPython(create, drop)]
