from django.db import migrations


def create_unaccent(apps, schema_editor):
    # PostgreSQL needs the extension for the __unaccent lookup; SQLite gets a Python function per
    # connection instead (agencies.apps).
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")


class Migration(migrations.Migration):
    dependencies = [("agencies", "0001_initial")]
    operations = [migrations.RunPython(create_unaccent, migrations.RunPython.noop)]
