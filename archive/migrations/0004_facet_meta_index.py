"""On SQLite, a covering index of each document's id and meta tokens: facet counts read the
tokens of thousands of matches from its small pages instead of the documents' own (a row
there holds the whole text). PostgreSQL reads the row anyway to check the text: no index."""

from django.db import migrations

CREATE = "CREATE INDEX IF NOT EXISTS archive_document_meta ON archive_document (id, meta)"
DROP = "DROP INDEX IF EXISTS archive_document_meta"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0003_index_total_length"),
    ]

    operations = [migrations.RunPython(create, drop)]
