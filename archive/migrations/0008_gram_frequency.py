"""On PostgreSQL, the document frequencies of grams in a table of their own
(`archive.frequencies`), counted here from the tokens the documents already hold, so that an
upgraded database ranks from them without a rebuild. New databases get the table from 0001."""

from django.db import migrations

from archive import frequencies


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in frequencies.create_sql() + frequencies.recount_sql():
        schema_editor.execute(sql)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in frequencies.drop_sql():
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0007_token_statistics"),
    ]

    operations = [migrations.RunPython(create, drop)]
