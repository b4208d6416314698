"""The change log every node's index follows: gapless positions given only to committed
changes, a late commit numbered late rather than skipped, the position kept with the
index's own commit, trimming, catching up, adopting an index from before the log, and
what check_index and /healthz say about a node's lag."""

import datetime
import threading
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction
from django.utils import timezone

from archive import search
from archive.models import Entry, Status
from archive.search import IndexChange
from archive.search.sync import applied_position, change_log, following, storage
from tests.search.helpers import ids, run


def position_here() -> int | None:
    return search.lag().position


def test_every_committed_change_gets_the_next_position_without_gaps(make_entry, empty_index):
    start = change_log.head()
    entries = [make_entry(body=f"Sakhalin shelf {n}") for n in range(3)]
    Entry.objects.filter(pk=entries[0].pk).update(title="Renamed")  # a bulk change logs too
    with transaction.atomic():
        make_entry(body="rolled back")
        transaction.set_rollback(True)  # its change is never committed: never numbered
    head = change_log.sequence()
    positions = list(
        IndexChange.objects.filter(position__gt=start)
        .order_by("position")
        .values_list("position", "entry_id")
    )
    assert [position for position, _ in positions] == list(range(start + 1, head + 1))
    assert [entry_id for _, entry_id in positions] == [e.pk for e in entries] + [entries[0].pk]
    assert change_log.sequence() == head  # nothing new: the same head


def test_the_position_is_recorded_with_each_commit_and_a_save_applies_it(
    make_entry, committed, empty_index
):
    with committed():
        entry = make_entry(body="Iturup airport")
    assert ids(run("iturup")) == [entry.pk]
    assert position_here() == change_log.head()
    assert search.lag().behind == 0


def test_a_position_written_for_a_commit_that_never_happened_is_ignored(empty_index):
    folder = storage.current_generation()
    before = applied_position.read(folder)
    _, index = storage.open_current()
    # A writer killed after recording its position, before its table of contents.
    applied_position.record(folder, index.latest_generation() + 1, before + 50)
    assert applied_position.read(folder) == before


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite lets one writer at a time: a later transaction cannot commit first",
)
def test_a_transaction_that_commits_late_is_not_skipped_by_any_node(
    transactional_db, settings, tmp_path, django_capture_on_commit_callbacks
):
    nodes = {name: tmp_path / name for name in ("one", "two")}

    def on(node: str):
        settings.ARCHIVE_INDEX_DIR = nodes[node]
        storage.searchers.clear()

    for node in nodes:
        on(node)
        search.rebuild()

    recorded, release = threading.Event(), threading.Event()

    def late_editor():
        try:
            with transaction.atomic():
                Entry.objects.create(title="Late", body="Kunashir late", status=Status.PUBLISHED)
                recorded.set()  # its change is in the log's table, not committed
                release.wait(30)
        finally:
            connections.close_all()

    late = threading.Thread(target=late_editor)
    late.start()
    assert recorded.wait(30)
    on("two")
    early = [
        Entry.objects.create(title=f"Early {n}", body="Kunashir early", status="published")
        for n in range(2)
    ]
    on("one")
    search.catch_up()
    on("two")
    search.catch_up()
    head_before = change_log.head()
    assert position_here() == head_before  # both nodes at the head, the late change unseen
    assert run("kunashir").total == 2

    on("one")  # the late transaction commits (and applies itself to node one)
    release.set()
    late.join(30)
    late_change = IndexChange.objects.get(entry_id=Entry.objects.get(title="Late").pk)
    assert late_change.position == head_before + 1  # numbered after the early ones
    assert late_change.id < min(
        IndexChange.objects.filter(entry_id__in=[e.pk for e in early]).values_list("id", flat=True)
    )
    assert run("kunashir").total == 3

    on("two")  # node two was already past the early changes: it still applies the late one
    search.catch_up()
    assert run("kunashir").total == 3
    assert position_here() == change_log.head()


def test_a_node_behind_a_trimmed_log_rebuilds_and_follows(make_entry, empty_index, settings):
    folder = storage.current_generation()
    behind_at = applied_position.read(folder)
    entries = [make_entry(body=f"Habomai trim {n}") for n in range(5)]  # not applied here
    change_log.sequence()
    settings.ARCHIVE_CHANGE_LOG_KEEP_CHANGES = 2
    trimmed = change_log.trim()
    assert trimmed == change_log.head() - 2 and behind_at < trimmed
    assert not IndexChange.objects.filter(position__lte=trimmed).exists()
    with pytest.raises(search.IndexTooFarBehind, match="trimmed"):
        search.catch_up()
    following.Follower(poll_seconds=0).catch_up_once()  # what a node's follower does
    assert sorted(ids(run("habomai", per_page=10))) == [entry.pk for entry in entries]
    assert position_here() == change_log.head()
    assert search.compare().in_agreement


def test_the_log_is_trimmed_by_age(make_entry, empty_index, settings):
    make_entry(body="old change")
    change_log.sequence()
    settings.ARCHIVE_CHANGE_LOG_KEEP_DAYS = 30
    assert change_log.trim() == 0  # a day old at most: kept
    later = timezone.now() + datetime.timedelta(days=31)
    assert change_log.trim(now=later) == change_log.head()
    assert not IndexChange.objects.exists()


def test_an_index_from_before_the_log_is_compared_once_then_follows(
    make_entry, committed, empty_index
):
    with committed():
        kept = make_entry(body="Shikotan kept")
    folder = storage.current_generation()
    for path in folder.glob(f"{applied_position.PREFIX}*"):
        path.unlink()  # a generation written before the change log
    Entry.objects.filter(pk=kept.pk).update(title="Shikotan renamed")  # logged, unapplied
    assert position_here() is None
    assert ids(run("shikotan")) == [kept.pk]  # a search answers, and leaves adopting...
    assert position_here() is None
    written = search.catch_up()  # ...to the follower or a command
    assert written == 1  # the one entry that differed
    assert position_here() == change_log.head()
    assert ids(run("renamed")) == [kept.pk]


def test_a_rebuild_keeps_changes_saved_while_it_runs(make_entry, empty_index, monkeypatch):
    from archive.search.sync import rebuilding

    write_drafts = rebuilding._write_drafts
    saved = []

    def save_during_the_rebuild(folder):
        saved.append(make_entry(body="Urup saved mid-rebuild"))  # applied to the old one
        return write_drafts(folder)

    monkeypatch.setattr(rebuilding, "_write_drafts", save_during_the_rebuild)
    search.rebuild()
    assert ids(run("urup")) == [saved[0].pk]
    assert position_here() == change_log.head()
    assert search.compare().in_agreement


def test_check_index_and_health_report_the_lag(
    make_entry, committed, empty_index, client, settings
):
    _, index = storage.open_current()
    holder = index.writer()  # the node's index busy: the change waits in the log
    try:
        with committed():
            make_entry(body="Waiting change")
    finally:
        holder.cancel()
    IndexChange.objects.update(recorded_at=timezone.now() - datetime.timedelta(seconds=120))
    head = change_log.head()
    out = StringIO()
    with pytest.raises(CommandError, match="differs"):
        call_command("check_index", stdout=out)
    assert f"is at position {head - 1} of {head} (1 behind, the oldest waiting 12" in out.getvalue()

    settings.ARCHIVE_INDEX_MAX_LAG_SECONDS = 60
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["index"] == "lagging behind the change log"
    assert response.json()["index_lag_seconds"] >= 120

    search.catch_up()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["index_position"] == head


def test_a_follower_whose_rebuild_fails_does_not_start_one_at_every_poll(db, monkeypatch, caplog):
    from archive.search.sync import rebuilding

    attempts = []

    def failing_rebuild():
        attempts.append(1)
        raise rebuilding.RebuildFailed("the rebuild could not write the index: disk full")

    monkeypatch.setattr(rebuilding, "rebuild", failing_rebuild)
    follower = following.Follower(poll_seconds=0)
    for _ in range(3):  # no index at all: each poll would rebuild
        follower.catch_up_once()
    assert len(attempts) == 1
    assert "disk full" in caplog.text
    follower.rebuilt_at -= following.REBUILD_RETRY_SECONDS  # a minute later
    follower.catch_up_once()
    assert len(attempts) == 2


def test_a_search_whose_segment_is_merged_away_under_it_searches_again(
    make_entry, committed, empty_index, monkeypatch
):
    """Whoosh opens a segment's columns (facet values, stored fields) only when first read;
    another process's commit may merge that segment away, files and all, between a search
    taking its searcher and reading them (the follower commits beside every search)."""
    with committed():
        for number in range(3):  # three saves: three small segments
            make_entry(body=f"Kunashir merged {number}", document_type="news")
    stale = storage.searchers.get()
    _, index = storage.open_current()
    index.writer().commit(optimize=True)  # one segment now; the three are deleted
    taken = storage.SearcherCache.get

    handed_out = []

    def taken_just_before_the_commit(cache):
        if cache is storage.searchers and not handed_out:
            handed_out.append(stale)
            return stale  # the search took its searcher, then the commit landed
        return taken(cache)

    monkeypatch.setattr(storage.SearcherCache, "get", taken_just_before_the_commit)
    page = run("kunashir")
    assert page.available and page.total == 3
    types = next(facet for facet in page.facets if facet.name == "type")
    assert {value.value: value.count for value in types.values}["news"] == 3


def test_opening_an_index_whose_table_of_contents_was_just_replaced_tries_again(
    empty_index, monkeypatch
):
    from whoosh import index as whoosh_index

    opened, replaced = whoosh_index.open_dir, []

    def replaced_once(*args, **kwargs):
        if not replaced:  # listed, then removed by another process's commit
            replaced.append(1)
            raise FileNotFoundError("_MAIN_3.toc")
        return opened(*args, **kwargs)

    monkeypatch.setattr(whoosh_index, "open_dir", replaced_once)
    _, index = storage.open_current()
    assert replaced and index.doc_count() == 0


def test_a_position_file_removed_as_it_is_read_is_looked_for_again(empty_index, monkeypatch):
    folder = storage.current_generation()
    expected = applied_position.read(folder)
    read_text, removed = Path.read_text, []

    def removed_once(path, *args, **kwargs):
        if path.name.startswith(applied_position.PREFIX) and not removed:
            removed.append(path)  # a writer committed a newer one and removed this
            raise FileNotFoundError(path)
        return read_text(path, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", removed_once)
    assert applied_position.read(folder) == expected
    assert removed


def test_health_never_reports_the_head_with_the_documents_of_before(
    make_entry, committed, empty_index, client, monkeypatch
):
    """A node's follower may commit between the two reads of a health check: its
    position is read first, so the documents counted are never fewer than the position
    says were applied (counted first, a node at the head showed the documents of before,
    and the test of a node killed while applying failed on it)."""
    from archive.search import engine

    _, index = storage.open_current()
    holder = index.writer()  # the change waits in the log
    try:
        with committed():
            make_entry(body="Applied between the reads")
    finally:
        holder.cancel()
    real_lag = engine.lag

    def lag_after_a_commit():
        search.catch_up()  # the follower commits just as the check reads
        return real_lag()

    monkeypatch.setattr(engine, "lag", lag_after_a_commit)
    health = client.get("/healthz").json()
    assert health["index_position"] == change_log.head()
    assert health["indexed_entries"] == 1
