"""The admin's order index (newest first, undated last) declared on the model. Migration
0011 wrote it by hand, so SQLite's next remake of the entries' table (an altered field)
dropped it without a word and the admin's list sorted every row again (3 s for its
first page at 100,000 entries). The hand-written one is dropped where it survived
(PostgreSQL, which never remakes tables) and the declared one made in its place."""

from django.db import migrations

import archive.models


def drop_hand_written(apps, schema_editor):
    schema_editor.execute("DROP INDEX IF EXISTS entry_newest_first")


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0025_researchers_lists"),
    ]

    operations = [
        migrations.RunPython(drop_hand_written, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="entry",
            index=archive.models.NewestFirstIndex(name="entry_newest_first"),
        ),
    ]
