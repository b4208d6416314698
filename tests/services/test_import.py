"""`import_entries`: validate everything first, write all or nothing, idempotent."""

import json

import pytest
from django.core.management import CommandError, call_command

from archive.models import Entry, Source, Topic


def write_manifest(folder, entries, sources=None, topics=None, texts=None):
    for name, text in (texts or {"texts/a.txt": "Body of the first document."}).items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    manifest = {
        "sources": sources if sources is not None else [{"id": "tass", "name": "TASS"}],
        "topics": topics if topics is not None else [{"id": "trade", "name": "Trade"}],
        "entries": entries,
    }
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return folder


def record(**overrides):
    value = {
        "id": "doc-1",
        "title": "Trade talks resume",
        "body_file": "texts/a.txt",
        "date": "2019-05",
        "source": "tass",
        "topics": ["trade"],
        "language": "en",
        "document_type": "news",
        "authors": ["Ivanova, Anna"],
        "identifiers": [{"scheme": "doi", "value": "10.1234/abc"}],
        "status": "published",
    }
    value.update(overrides)
    return value


def run_import(path, *args):
    from io import StringIO

    out = StringIO()
    call_command("import_entries", str(path), *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_a_good_manifest_is_imported_with_all_its_metadata(tmp_path, db):
    output = run_import(write_manifest(tmp_path, [record()]))
    entry = Entry.objects.get(external_id="doc-1")
    assert "created 3, updated 0, 0 unchanged" in output
    assert entry.body == "Body of the first document."
    assert entry.display_date == "May 2019"
    assert entry.source.name == "TASS"
    assert [topic.slug for topic in entry.topics.all()] == ["trade"]
    assert entry.author_list == ["Ivanova, Anna"]
    assert str(entry.identifiers.get()) == "DOI 10.1234/abc"


def test_a_folder_or_the_manifest_file_itself_can_be_named(tmp_path, db):
    write_manifest(tmp_path, [record()])
    run_import(tmp_path / "manifest.json")
    assert Entry.objects.count() == 1


def test_reimporting_changes_nothing(tmp_path, db):
    write_manifest(tmp_path, [record()])
    run_import(tmp_path)
    before = Entry.objects.get().updated_at
    output = run_import(tmp_path)
    assert "created 0, updated 0, 3 unchanged" in output
    assert Entry.objects.get().updated_at == before
    assert Entry.objects.count() == 1


def test_a_changed_record_updates_the_same_entry(tmp_path, db):
    run_import(write_manifest(tmp_path, [record()]))
    entry_id = Entry.objects.get().pk
    output = run_import(write_manifest(tmp_path, [record(title="Trade talks resumed", topics=[])]))
    assert "update    entry  doc-1 (title, topics)" in output
    entry = Entry.objects.get()
    assert (entry.pk, entry.title, entry.topics.count()) == (entry_id, "Trade talks resumed", 0)


def test_dry_run_shows_the_changes_and_writes_nothing(tmp_path, db):
    output = run_import(write_manifest(tmp_path, [record()]), "--dry-run")
    assert "create    entry  doc-1" in output
    assert "Dry run, nothing written: would create 3" in output
    assert not Entry.objects.exists() and not Source.objects.exists()


@pytest.mark.parametrize(
    ("bad_record", "field", "message"),
    [
        ({"date": "2019-02-30"}, "date", "not a real date"),
        ({"date": "21 Dec"}, "date", "YYYY, YYYY-MM or YYYY-MM-DD"),
        ({"language": "english"}, "language", "not an ISO 639-1 language code"),
        ({"body_file": "texts/missing.txt"}, "body_file", "not found"),
        ({"body_file": "../../etc/passwd"}, "body_file", "outside the manifest's folder"),
        ({"source": "reuters"}, "source", "unknown source"),
        ({"topics": ["fishing"]}, "topics", "unknown topic"),
        ({"status": "live"}, "status", "not one of"),
        ({"title": ""}, "title", "is required"),
        ({"identifiers": [{"scheme": "issn", "value": "1234-5678"}]}, "identifiers", "ISSN"),
        ({"original_url": "not a url"}, "original_url", "not a valid URL"),
        ({"titel": "typo"}, "titel", "unknown field"),
    ],
)
def test_a_bad_record_is_named_with_its_field_and_nothing_is_written(
    tmp_path, db, capsys, bad_record, field, message
):
    good = record(id="doc-good")
    bad = record(id="doc-bad", **bad_record)
    write_manifest(tmp_path, [good, bad])
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("import_entries", str(tmp_path))
    errors = capsys.readouterr().err
    assert 'manifest.json, entry 2 (id "doc-bad"):' in errors
    assert f"field “{field}”" in errors
    assert message in errors
    assert not Entry.objects.exists() and not Source.objects.exists()


def test_duplicate_ids_are_refused(tmp_path, db, capsys):
    write_manifest(tmp_path, [record(), record()])
    with pytest.raises(CommandError):
        call_command("import_entries", str(tmp_path))
    assert "appears more than once" in capsys.readouterr().err
    assert not Entry.objects.exists()


def test_broken_json_is_reported_with_its_position(tmp_path, db, capsys):
    (tmp_path / "manifest.json").write_text('{"entries": [', encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_entries", str(tmp_path))
    assert "broken JSON at line 1" in capsys.readouterr().err


def test_a_missing_manifest_is_reported(tmp_path, db, capsys):
    with pytest.raises(CommandError):
        call_command("import_entries", str(tmp_path / "nowhere"))
    assert "file not found" in capsys.readouterr().err


def test_a_refused_import_leaves_existing_entries_untouched(tmp_path, db):
    run_import(write_manifest(tmp_path, [record()]))
    write_manifest(tmp_path, [record(title="Changed"), record(id="doc-2", language="zz")])
    with pytest.raises(CommandError):
        run_import(tmp_path)
    assert list(Entry.objects.values_list("title", flat=True)) == ["Trade talks resume"]


def test_topics_may_name_parents_listed_after_them(tmp_path, db):
    topics = [
        {"id": "energy", "name": "Energy", "parent": "economy"},
        {"id": "economy", "name": "Economy"},
    ]
    run_import(write_manifest(tmp_path, [record(topics=["energy"])], topics=topics))
    assert str(Topic.objects.get(slug="energy")) == "Economy › Energy"


def test_a_topic_cycle_is_refused(tmp_path, db, capsys):
    topics = [{"id": "a", "name": "A", "parent": "b"}, {"id": "b", "name": "B", "parent": "a"}]
    write_manifest(tmp_path, [record(topics=[])], topics=topics)
    with pytest.raises(CommandError):
        call_command("import_entries", str(tmp_path))
    assert "cycle" in capsys.readouterr().err
    assert not Topic.objects.exists()


def test_odd_unicode_and_hostile_html_are_stored_verbatim(tmp_path, db):
    body = "<script>alert(1)</script> 北方領土 Северные \u200b территории \U0001f1ef\U0001f1f5"
    run_import(write_manifest(tmp_path, [record()], texts={"texts/a.txt": body}))
    assert Entry.objects.get().body == body
