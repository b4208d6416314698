"""The index follows the database through every kind of change, and can be checked,
repaired and rebuilt without search ever failing."""

import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from archive import search
from archive.models import Entry, Source, Status
from archive.search.sync import storage
from archive.services.entries import publish_entries, unpublish_entries
from tests.search.helpers import ids, run


def test_creating_editing_and_deleting_an_entry_updates_the_index(
    make_entry, committed, empty_index
):
    with committed():
        entry = make_entry(title="Salmon quotas agreed", body="Fisheries talks ended.")
    assert ids(run("salmon")) == [entry.pk]
    with committed():
        entry.title = "Crab quotas agreed"
        entry.save()
    assert run("salmon").total == 0 and ids(run("crab")) == [entry.pk]
    with committed():
        entry.delete()
    assert run("crab").total == 0
    assert search.compare().in_agreement


def test_publishing_and_unpublishing_in_bulk(make_entry, source, committed, empty_index):
    with committed():
        drafts = [
            make_entry(body="Kuril islands visit", status=Status.DRAFT, source=source)
            for _ in range(3)
        ]
    assert run("kuril").total == 0
    with committed():
        publish_entries(Entry.objects.filter(pk__in=[d.pk for d in drafts]))
    assert run("kuril").total == 3
    with committed():
        unpublish_entries(Entry.objects.filter(pk=drafts[0].pk))
    assert run("kuril").total == 2


def test_queryset_update_and_bulk_create_are_followed(make_entry, committed, empty_index):
    with committed():
        Entry.objects.bulk_create(
            [Entry(title=f"Bulk {n}", body="Sakhalin gas", status="published") for n in range(3)]
        )
    assert run("sakhalin").total == 3
    with committed():
        Entry.objects.filter(title="Bulk 0").update(status=Status.DRAFT)
    assert run("sakhalin").total == 2


def test_renaming_a_source_updates_its_entries(make_entry, source, committed, empty_index):
    with committed():
        entry = make_entry(source=source)
    assert ids(run("source:gazette")) == [entry.pk]
    with committed():
        source.name = "Vladivostok Herald"
        source.save()
    assert ids(run("source:herald")) == [entry.pk]
    assert run("source:gazette").total == 0


def test_editing_in_the_admin_updates_the_index(superuser_client, indexed_seed, committed):
    entry = indexed_seed["seed-000-2a775db45f4373d4"]
    url = reverse("admin:archive_entry_change", args=[entry.pk])
    data = {
        **{f: getattr(entry, f) for f in ("title", "slug", "summary", "body", "date_note")},
        "title": "Russia and Japan extend the Year of exchanges to 2022",
        "status": "published",
        "date": "2021-11-22",
        "date_precision": "day",
        "source": entry.source_id,
        "document_type": "news",
        "language": "en",
        "topics": [t.pk for t in entry.topics.all()],
        "identifiers-TOTAL_FORMS": "0",
        "identifiers-INITIAL_FORMS": "0",
        "originals-TOTAL_FORMS": "0",
        "originals-INITIAL_FORMS": "0",
    }
    with committed():
        response = superuser_client.post(url, data)
    assert response.status_code == 302
    assert ids(run("title:2022")) == [entry.pk]


def test_an_import_is_indexed_after_its_transaction(tmp_path, committed, empty_index):
    shutil.copytree(Path(__file__).parents[3] / "archive" / "seed", tmp_path / "seed")
    with committed():
        call_command("import_entries", str(tmp_path / "seed"), stdout=StringIO())
    assert run("").total == 3
    assert search.compare().in_agreement


def test_a_busy_index_keeps_the_change_queued_until_the_next_writer(
    make_entry, committed, empty_index
):
    _, index = storage.open_current()
    holder = index.writer()  # another process's writer, say
    try:
        with committed():
            entry = make_entry(body="Tsushima strait")
        assert search.lag().behind == 1  # logged, not yet applied here
    finally:
        holder.cancel()
    # The next search applies what is queued (without ever waiting for the lock).
    assert ids(run("tsushima")) == [entry.pk]
    assert search.lag().behind == 0


def test_check_index_reports_drift_and_fix_repairs_it(indexed_seed):
    # A change made behind the index's back: raw SQL, which logs nothing.
    entry = indexed_seed["seed-002-e459417e0b57698a"]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE archive_entry SET title = %s WHERE id = %s", ["Changed quietly", entry.pk]
        )
    out = StringIO()
    with pytest.raises(CommandError, match="differs"):
        call_command("check_index", stdout=out)
    assert f"1 stale in the index: {entry.pk}" in out.getvalue()
    call_command("check_index", "--fix", stdout=out)
    assert "Repaired: 1 entries rewritten." in out.getvalue()
    call_command("check_index", stdout=out)
    assert ids(run("quietly")) == [entry.pk]


def test_check_index_finds_missing_and_extra_documents(indexed_seed):
    entry = indexed_seed["seed-000-2a775db45f4373d4"]
    with storage.open_current()[1].writer() as writer:
        writer.delete_by_term("entry_id", str(entry.pk))
        writer.add_document(entry_id="99999", fingerprint="x", title="ghost")
    comparison = search.compare()
    assert (comparison.missing, comparison.extra) == ((entry.pk,), (99999,))
    search.repair(comparison)
    assert search.compare().in_agreement


def test_rebuild_swaps_in_a_new_generation_and_keeps_search_answering(indexed_seed):
    before = storage.current_generation()
    searcher = storage.open_current()[1].searcher()  # another process's, say
    out = StringIO()
    call_command("rebuild_index", stdout=out)
    assert storage.current_generation() != before
    assert "Indexed 3 entries" in out.getvalue() and "docs/s" in out.getvalue()
    assert searcher.doc_count() == 3  # a searcher opened before still answers
    assert run("Motegi").total == 1


def test_a_failed_rebuild_leaves_the_old_index_in_place(indexed_seed, monkeypatch):
    before = storage.current_generation()

    def broken_document(data):
        raise RuntimeError("disk full")

    monkeypatch.setattr("archive.catalogue.document_of", broken_document)
    with pytest.raises(RuntimeError):
        search.rebuild()
    monkeypatch.undo()
    assert storage.current_generation() == before
    assert [p.resolve() for p in before.parent.iterdir()] == [before]
    assert run("Motegi").total == 1


def test_a_missing_index_is_reported_and_rebuilt_while_pages_keep_working(transactional_db, client):
    from django.conf import settings

    call_command("load_seed", stdout=StringIO())
    shutil.rmtree(settings.ARCHIVE_INDEX_DIR, ignore_errors=True)
    page = run("Motegi")
    assert not page.available
    assert "being rebuilt" in page.notes[0]
    entry = Entry.objects.get(external_id="seed-000-2a775db45f4373d4")
    assert client.get(entry.get_absolute_url()).status_code == 200
    assert client.get("/admin/login/").status_code == 200
    search.wait_for_background_rebuild(timeout=30)
    assert run("Motegi").total == 1


def test_a_corrupt_index_is_reported_and_rebuilt(transactional_db):
    call_command("load_seed", stdout=StringIO())
    search.rebuild()
    for path in storage.current_generation().iterdir():
        if path.suffix in {".seg", ".toc"}:
            path.write_bytes(b"\0garbage")
    storage.searchers.clear()
    page = run("Motegi")
    assert not page.available
    search.wait_for_background_rebuild(timeout=30)
    assert run("Motegi").total == 1


def test_check_index_without_an_index_says_how_to_build_it(db):
    with pytest.raises(CommandError, match="check_index --fix"):
        call_command("check_index", stdout=StringIO())
    out = StringIO()
    call_command("check_index", "--fix", stdout=out)
    assert "Built the index" in out.getvalue()


def test_drafts_never_reach_the_index_even_when_queued(make_entry, committed, empty_index):
    with committed():
        draft = make_entry(status=Status.DRAFT, body="Habomai")
    search.queue_entries([draft.pk])
    search.catch_up()
    assert run("habomai").total == 0
    assert Source.objects.count() == 0


def test_a_rebuild_writes_each_suggestion_word_once_and_the_index_checks_clean(
    make_entry, committed, empty_index
):
    with committed():
        for number in range(3):
            make_entry(title=f"Motegi visits Vladivostok {number}", body="Fisheries talks.")
    search.rebuild()
    reader = storage.searchers.get().reader()
    assert reader.doc_frequency("vocabulary", "vladivostok") == 1  # not once per entry
    assert run("Vladivostck").suggestion == "Vladivostok"
    assert search.compare().in_agreement
    with committed():  # an edited entry keeps all its words for suggestions
        Entry.objects.filter(title__endswith="0").update(body="Fisheries talks in Nakhodka.")
    assert run("Nakhodk").suggestion == "Nakhodka"
    assert search.compare().in_agreement


def test_an_index_whose_derived_fields_were_made_another_way_is_found_stale(
    make_entry, committed, empty_index, monkeypatch
):
    """The names' keys and sort titles are derived when documents are written; a change
    to how (``derived.DERIVATION``) makes every document stale, for check_index --fix."""
    from archive.search.sync import indexing

    with committed():
        entry = make_entry(body="Лавров прибыл.")
    assert search.compare().in_agreement
    monkeypatch.setattr(indexing, "DERIVATION", "another way")
    assert search.compare().stale == (entry.pk,)
