"""PostgreSQL only: pg_trgm trigram indexes for fuzzy name search.

The trigram index sits on the name vocabulary (NameWord, one row per distinct name) rather than on
every person's tokens, so a misspelled name is matched against a few hundred thousand words and
the words found are then looked up by equality. On SQLite nothing runs: search falls back to the
phonetic key and prefix matching, which every database has (see cpims/registry/queries.py).

Creating the extension needs a role allowed to do so (PostgreSQL 13+: trusted extension, the
database owner may create it); operators without that right run
``CREATE EXTENSION IF NOT EXISTS pg_trgm`` once as a superuser before migrating.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS registry_nameword_trgm "
        "ON registry_nameword USING gin (word gin_trgm_ops)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS registry_nameword_trgm")


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
