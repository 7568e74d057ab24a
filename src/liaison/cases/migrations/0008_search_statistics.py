from django.db import migrations

# A name search is `search_keys LIKE '%…%'` ordered newest first. With the default sample
# PostgreSQL guesses about 1 % of the cases match any name, so for a rare name it walks
# the newest cases one by one (hundreds of ms at half a million) instead of asking the
# trigram index. A ten-times larger sample makes the guess close enough to choose well:
# the trigram index for a rare name, the newest-first walk for a common one.
STATISTICS = 1000


def sample_more(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"ALTER TABLE cases_case ALTER COLUMN search_keys SET STATISTICS {STATISTICS}"
        )


def sample_default(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE cases_case ALTER COLUMN search_keys SET STATISTICS -1")


class Migration(migrations.Migration):
    dependencies = [("cases", "0007_figures_by_post")]

    operations = [migrations.RunPython(sample_more, sample_default)]
