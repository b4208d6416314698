"""The engine's operations: searching, an entry's place in a search, marking the searched
words in a text, related entries, warming up, and the index's health."""

import gc
import logging
import threading
from dataclasses import dataclass, replace

from django.conf import settings
from django.db import DatabaseError, connections
from django.utils.translation import gettext_lazy as _

from archive.search.catalogue import catalogue
from archive.search.execution import execute, find, in_order
from archive.search.fields import DEFAULT_FIELD_BOOSTS
from archive.search.names import names_in
from archive.search.query import limits
from archive.search.query.expansion import expand as expand_query
from archive.search.query.expansion import label_index
from archive.search.query.names import with_names, words_of_forms
from archive.search.query.reading import read
from archive.search.request import SearchRequest
from archive.search.results.marking import MarkedTexts, Sought, mark_texts, sought
from archive.search.results.page import SearchPage
from archive.search.results.related import related_numbers
from archive.search.schema import build_schema
from archive.search.segments import common_pairs
from archive.search.segments.docsets import segment_key
from archive.search.segments.facts import entry_ids, facts_for
from archive.search.sync import change_log, storage
from archive.search.sync.indexing import IndexBusy, IndexTooFarBehind, catch_up, lag
from archive.search.sync.locks import LockState, RebuildInProgress, clear_orphaned, index_locks
from archive.search.sync.rebuilding import RebuildFailed, rebuild
from archive.search.sync.storage import IndexUnavailable

logger = logging.getLogger("archive.search")


TOO_SLOW_NOTE = _(
    "This search took too long and was stopped. Try more specific words, or fewer "
    "wildcards, or try again in a moment."
)
UNAVAILABLE_NOTE = _(
    "Search is being rebuilt and will be back shortly; the archive's pages still work."
)


def search(request: SearchRequest) -> SearchPage:
    """Run a search. Never raises for a searcher's input; InvalidSearch is raised by
    SearchRequest itself when a caller builds one from bad parameters."""
    _catch_up_if_behind()
    try:
        # A damaged file may show only when a search reads it: the same answer either way.
        with limits.time_budget(settings.ARCHIVE_SEARCH_TIME_BUDGET):
            return storage.searching(storage.searchers, lambda searcher: execute(request, searcher))
    except limits.SearchTooSlow:
        logger.warning("Search stopped by its time budget: %r", request.query)
        return SearchPage(request, notes=(TOO_SLOW_NOTE,), available=False, stopped=True)
    except IndexUnavailable as error:
        logger.error("Search index unavailable: %s", error)
        storage.searchers.clear()
        start_background_rebuild()
        return SearchPage(request, notes=(UNAVAILABLE_NOTE,), available=False)


@dataclass(frozen=True)
class EntryInSearch:
    """An entry page reached from a search: the search's total and the entry ids at the
    positions asked for (None when the search cannot run now), and the entry's texts with
    what the search looks for marked."""

    total: int | None
    ids_at: dict[int, int]  # position (1 for the first) → entry id
    marked: MarkedTexts


def entry_in_search(
    request: SearchRequest, positions=(), texts=(), *, mark: bool = True
) -> EntryInSearch:
    """Where an entry page reached from ``request`` stands in it (the ids at
    ``positions``, in the request's order; its page is ignored), and ``texts`` with the
    searched words marked (``mark``): the query read once for both, as the search reads
    it, with the thesaurus's other names unless the request says not."""
    wanted = sorted({position for position in positions if position >= 1})
    try:
        searcher = storage.searchers.get()
    except IndexUnavailable:
        # Words are still marked (patterns, which need the index's words, are not).
        marked = _marked(texts, request, build_schema(), None, mark)
        return EntryInSearch(None, {}, marked)
    schema, reader = searcher.schema, searcher.reader()
    parsed = read(request.query, schema, reader)
    marked = _marked(texts, request, schema, reader, mark, parsed)
    if not wanted:
        return EntryInSearch(None, {}, marked)

    def context(searcher):
        found = find(request, searcher, read_as=parsed)
        ranked = in_order(found.matches, request.sort, found.parsed.browse_all, wanted[-1])
        positions = [position for position in wanted if position <= len(ranked)]
        found_ids = entry_ids(searcher, [ranked[position - 1][0] for position in positions])
        return found.matches.total, dict(zip(positions, found_ids, strict=True))

    try:
        with limits.time_budget(settings.ARCHIVE_SEARCH_TIME_BUDGET):
            total, ids_at = storage.searching(storage.searchers, context)
    except (limits.SearchTooSlow, IndexUnavailable) as error:
        logger.info("No search context: %s", error)
        return EntryInSearch(None, {}, marked)
    return EntryInSearch(total, ids_at, marked)


def _marked(texts, request: SearchRequest, schema, reader, mark: bool, parsed=None):
    """The texts escaped, with what the query looks for marked (see ``marking.py``)."""
    wanted = Sought(frozenset(), ())
    if mark and request.query.strip():
        parsed = parsed or read(request.query, schema, reader)
        if not parsed.browse_all:
            query = parsed.query
            names = ()
            if request.expand:
                labels = label_index(catalogue().thesaurus())
                query, _ = expand_query(query, labels, parsed.runs)
                if reader is not None:
                    query, names = with_names(query, parsed.text, reader)
            wanted = sought(query, reader)
            wanted = replace(wanted, words=wanted.words | words_of_forms(names))
    return mark_texts(list(texts), wanted, schema["body"].analyzer)


def expansion_steps(texts: list[str]) -> list:
    """For the benchmark: each text read as a query, and a function that runs the
    expansion step alone on it (the thesaurus check and the query's rewriting)."""
    searcher = storage.searchers.get()
    parsed = [read(text, searcher.schema, searcher.reader()).query for text in texts]
    return [
        lambda query=query: expand_query(query, label_index(catalogue().thesaurus()))
        for query in parsed
    ]


def related_entries(entry, limit: int = 5) -> list:
    """Up to ``limit`` published entries most like ``entry`` (itself never), closest
    first; none while the index cannot be read."""
    try:
        numbers = related_numbers(entry, limit)
    except IndexUnavailable as error:
        logger.error("Related entries unavailable: %s", error)
        return []
    found = catalogue().entries(numbers, published_only=True)
    return [found[number] for number in numbers if number in found]


def warm_up():
    """Read what searches need from every index segment (facet values, dates, field
    lengths, its lists of frequent pairs) into this process's caches, so that its first
    search does not wait for it. Servers call it in a thread when they start."""
    try:
        searcher = storage.searchers.get()
    except IndexUnavailable:
        return
    try:
        for segment, _ in searcher.leaf_searchers():
            reader = segment.reader()
            if reader.doc_count_all():
                facts = facts_for(reader)
                for fieldname in DEFAULT_FIELD_BOOSTS:
                    facts.lengths(reader, fieldname)
                common_pairs.of_segment(reader, segment_key(reader))
        _warm_names()
        # The Japanese analyser's dictionary (UniDic) and the romanizer's, which a first
        # query naming someone in Japanese would otherwise wait a third of a second for.
        names_in("セルゲイ・ラブロフ外相と岸田首相", every_word=True)
    finally:
        storage.searchers.clear()  # the caches are shared; this thread's searcher is not
    # What is loaded now lives as long as the process: keep it out of the garbage
    # collector's full passes, which otherwise walk it all and pause a search.
    gc.freeze()


def _warm_names():
    """The names facets show, and the thesaurus's analysed labels (slow to read the first
    time)."""
    try:
        catalogue().warm_up()
        label_index(catalogue().thesaurus())
    except DatabaseError as error:  # not migrated yet: the first search reads them
        logger.info("Names not read at warm-up: %s", error)


def _catch_up_if_behind():
    """Apply changes this node's index lacks (left by a process that died after its
    commit, or that found the index busy) without ever making a searcher wait for the
    lock. Its cost when there is nothing to do: one indexed read of the change log."""
    try:
        log_head, unsequenced = change_log.glance()
    except DatabaseError as error:  # not migrated yet, or the database away: search anyway
        logger.info("The change log cannot be read: %s", error)
        return
    generation = storage.current_generation()
    if not unsequenced and _caught_up.get("at") == (generation, log_head):
        return
    try:
        catch_up(timeout=0, adopt=False)
        _caught_up["at"] = (generation, log_head)
    except IndexBusy:
        pass  # another process of this node is applying them
    except (IndexUnavailable, IndexTooFarBehind) as error:
        logger.info("Logged index changes not applied now: %s", error)
    except Exception:  # e.g. a read-only or full index folder: searching still works.
        logger.exception("Logged index changes could not be applied")


_caught_up: dict = {}  # this process saw the index at this (generation, log head)


_rebuilding = threading.Lock()
_background_rebuild: threading.Thread | None = None


def start_background_rebuild() -> threading.Thread | None:
    """Rebuild a missing or damaged index in a background thread (one at a time)."""
    global _background_rebuild
    if not _rebuilding.acquire(blocking=False):
        return None

    def run():
        try:
            report = rebuild()
            logger.warning("Search index rebuilt: %d documents.", report.documents)
        except RebuildInProgress:
            pass
        except RebuildFailed as error:
            logger.error("Rebuilding the search index failed: %s", error)
        except Exception:
            logger.exception("Rebuilding the search index failed")
        finally:
            connections.close_all()
            _rebuilding.release()

    _background_rebuild = threading.Thread(target=run, name="rebuild-search-index", daemon=True)
    _background_rebuild.start()
    return _background_rebuild


def wait_for_background_rebuild(timeout: float | None = None):
    """Block until a background rebuild started by search() has finished."""
    if _background_rebuild is not None:
        _background_rebuild.join(timeout)


def index_status() -> dict:
    """For health checks: can the index be read, how many documents, how far behind the
    change log it is (``lagging`` once its oldest unapplied change has waited longer than
    ``ARCHIVE_INDEX_MAX_LAG_SECONDS``)."""
    # The position first, then the documents: an index only grows between the two reads,
    # so the documents counted are never fewer than the position says were applied.
    try:
        behind = lag()
    except Exception:  # The database's own check reports a database failure.
        behind = None
    try:
        documents = storage.searchers.get().doc_count()
        state = "ok"
    except IndexUnavailable as error:
        documents, state = None, f"unavailable: {error}"
    return {
        "state": state,
        "documents": documents,
        "pending": behind.behind if behind else None,
        "lag": behind,
        "lagging": bool(behind and behind.seconds > settings.ARCHIVE_INDEX_MAX_LAG_SECONDS),
        "long_held_locks": tuple(
            lock
            for lock in index_locks()
            if lock.orphaned or (lock.held_for or 0) > settings.ARCHIVE_INDEX_LOCK_ALERT_SECONDS
        ),
    }


def clear_orphaned_locks() -> list[LockState]:
    """Clear each index lock whose holder is gone; returns the ones cleared."""
    return [lock for lock in index_locks() if clear_orphaned(lock)]
