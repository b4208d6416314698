"""Entry slugs in Latin letters: every slug in another script is romanized (the old
addresses keep working: an entry is found by its id and redirected, 301, to its slug)."""

from django.db import migrations, models

from archive.slugs import latin_slug


def romanize_slugs(apps, schema_editor):
    Entry = apps.get_model("archive", "Entry")
    taken = set(Entry.objects.values_list("slug", flat=True))
    for entry in Entry.objects.only("pk", "slug", "title").order_by("pk").iterator():
        if entry.slug.isascii():
            continue
        base = latin_slug(entry.title) or latin_slug(entry.slug) or "entry"
        candidate, counter = base, 2
        while candidate in taken:
            candidate = f"{base}-{counter}"
            counter += 1
        taken.discard(entry.slug)
        taken.add(candidate)
        Entry.objects.filter(pk=entry.pk).update(slug=candidate)


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0016_change_log"),
    ]

    operations = [
        migrations.RunPython(romanize_slugs, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="entry",
            name="slug",
            field=models.SlugField(blank=True, max_length=120, unique=True, verbose_name="slug"),
        ),
    ]
