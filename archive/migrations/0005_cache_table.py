"""The database cache's table (rate-limit counters shared by every worker): created with
the schema, so that every way of setting up the archive has it."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("archive", "0004_entry_versions_and_tombstones")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
