"""Each topic's entries with their dates (``TopicTimeline``), filled from the topic links
before its newest-first index is built."""

import django.db.models.deletion
from django.db import migrations, models

import archive.models

FILL = """
    INSERT INTO archive_topictimeline (topic_id, entry_id, date)
    SELECT links.topic_id, links.entry_id, entries.date
    FROM archive_entry_topics AS links
    JOIN archive_entry AS entries ON entries.id = links.entry_id
"""


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0026_newest_first_index_on_the_model"),
    ]

    operations = [
        migrations.CreateModel(
            name="TopicTimeline",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("date", models.DateField(blank=True, null=True)),
                (
                    "entry",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="timelines",
                        to="archive.entry",
                    ),
                ),
                (
                    "topic",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="archive.topic",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("entry", "topic"), name="topic_timeline_unique")
                ],
            },
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
        migrations.AddIndex(
            model_name="topictimeline",
            index=archive.models.NewestFirstIndex(
                key="entry", name="topic_timeline_newest_first", within=("topic",)
            ),
        ),
    ]
