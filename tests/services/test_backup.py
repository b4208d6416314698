"""export_archive writes a backup that import_entries restores exactly."""

from io import StringIO

from django.core.management import call_command
from django.db import transaction

from archive.models import Entry, EntryTombstone, EntryVersion, Source, Status, Topic


def archive_state() -> dict:
    entries = {}
    for entry in Entry.objects.prefetch_related("topics", "identifiers").order_by("pk"):
        fields = {
            field.name: getattr(entry, field.attname)
            for field in Entry._meta.concrete_fields
            if field.name not in {"source"}
        }
        fields["source"] = entry.source.slug if entry.source else None
        fields["topics"] = sorted(t.slug for t in entry.topics.all())
        fields["identifiers"] = sorted(entry.identifiers.values_list("scheme", "value"))
        entries[entry.pk] = fields
    return {
        "entries": entries,
        "versions": list(
            EntryVersion.objects.order_by("entry_id", "number").values_list(
                "entry_id", "number", "created_at", "snapshot"
            )
        ),
        "sources": list(
            Source.objects.order_by("slug").values("slug", "name", "kind", "country", "url")
        ),
        "topics": list(Topic.objects.order_by("slug").values_list("slug", "name", "parent__slug")),
        "tombstones": list(EntryTombstone.objects.values_list("entry_id", "title", "deleted_at")),
    }


def wipe():
    with transaction.atomic():
        EntryVersion.objects.all().delete()
        Entry.objects.all().delete()
        EntryTombstone.objects.all().delete()
        Topic.objects.filter(parent__isnull=False).delete()
        Topic.objects.all().delete()
        Source.objects.all().delete()


def test_export_then_import_restores_the_archive_exactly(tmp_path, db, committed, make_entry):
    with committed():
        call_command("load_seed", stdout=StringIO())
    news = Entry.objects.get(external_id="seed-000-2a775db45f4373d4")
    with committed():
        news.summary = "Edited summary."
        news.save()
        make_entry(title="Unreleased memo", status=Status.DRAFT, raw_capture="<html>raw</html>")
        make_entry(title="Withdrawn note").delete()
    assert news.versions.count() == 2
    before = archive_state()

    out = StringIO()
    call_command("export_archive", str(tmp_path / "backup"), stdout=out)
    assert "Exported 4 entries, 3 sources, 10 topics, 4 versions, 1 tombstones" in out.getvalue()

    wipe()
    with committed():
        call_command("import_entries", str(tmp_path / "backup"), stdout=StringIO())
    assert archive_state() == before

    # The restored archive keeps counting from past every id it ever used.
    assert make_entry().pk > max([*before["entries"], *(t[0] for t in before["tombstones"])])


def test_a_backup_imports_idempotently(tmp_path, seed):
    call_command("export_archive", str(tmp_path / "backup"), stdout=StringIO())
    out = StringIO()
    call_command("import_entries", str(tmp_path / "backup"), stdout=out)
    assert "created 0, updated 0" in out.getvalue()


def test_export_refuses_an_existing_folder(tmp_path, seed):
    import pytest
    from django.core.management import CommandError

    (tmp_path / "backup").mkdir()
    with pytest.raises(CommandError, match="already exists"):
        call_command("export_archive", str(tmp_path / "backup"), stdout=StringIO())
