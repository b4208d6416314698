"""The archive's search engine: the one interface pages, the API and commands call.

Nothing outside this package imports Whoosh. ``search()`` takes a SearchRequest and
returns a SearchPage: ranked hits with their entries and highlighted snippets, facet
counts, a "did you mean" suggestion, and notes on how the query was read.
"""

import gc
import logging
import threading
from dataclasses import dataclass, field

from django.conf import settings
from django.db import DatabaseError, connections
from django.utils.translation import gettext_lazy as _

from archive.dates import InvalidPartialDate, PartialDate
from archive.search.query import limits
from archive.search.results.facets import FACETS_BY_NAME, FacetResult
from archive.search.sync import storage
from archive.search.sync.indexing import (
    IndexBusy,
    IndexComparison,
    IndexTooFarBehind,
    Lag,
    catch_up,
    compare,
    lag,
    pending_count,
    queue_entries,
    repair,
)
from archive.search.sync.locks import LockState, RebuildInProgress, index_locks
from archive.search.sync.rebuilding import RebuildFailed, RebuildReport, rebuild, remove_leftovers
from archive.search.sync.storage import IndexUnavailable

__all__ = [
    "SORTS",
    "IndexBusy",
    "IndexComparison",
    "IndexTooFarBehind",
    "IndexUnavailable",
    "Lag",
    "InvalidSearch",
    "LockState",
    "RebuildFailed",
    "RebuildInProgress",
    "RebuildReport",
    "SearchHit",
    "SearchPage",
    "SearchRequest",
    "catch_up",
    "compare",
    "clear_orphaned_locks",
    "entries_at",
    "mark_searched_words",
    "index_locks",
    "index_status",
    "lag",
    "pending_count",
    "queue_entries",
    "rebuild",
    "related_entries",
    "remove_leftovers",
    "repair",
    "search",
    "wait_for_background_rebuild",
    "warm_up",
]

logger = logging.getLogger("archive.search")

SORTS = ("relevance", "newest", "oldest")
MAX_PER_PAGE = 100  # what a searcher may ask for
MAX_RESULTS_PER_REQUEST = 500  # what the application may ask for (citation exports)


class InvalidSearch(ValueError):
    """A search request that cannot be run as given (a bad page, sort, date, or facet)."""


@dataclass(frozen=True)
class SearchRequest:
    query: str = ""
    filters: tuple[tuple[str, tuple[str, ...]], ...] = ()  # ((facet name, values), ...)
    date_from: str = ""  # YYYY, YYYY-MM or YYYY-MM-DD
    date_to: str = ""
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20
    snippets: bool = True  # highlighted snippets for the hits (not needed for exports)
    facets: bool = True  # facet counts and the timeline
    load_entries: bool = True  # hits with their entries (an export reads entry_ids alone)
    expand: bool = True  # also search the other names of thesaurus concepts named
    concept: str = ""  # only entries about this thesaurus concept (its key)

    def __post_init__(self):
        if self.sort not in SORTS:
            raise InvalidSearch(f"Sort must be one of: {', '.join(SORTS)}.")
        if not isinstance(self.page, int) or self.page < 1:
            raise InvalidSearch("The page must be a whole number from 1.")
        if not 1 <= self.per_page <= MAX_RESULTS_PER_REQUEST:
            raise InvalidSearch(
                f"Results per page must be between 1 and {MAX_RESULTS_PER_REQUEST}."
            )
        for name, _values in self.filters:
            if name not in FACETS_BY_NAME:
                raise InvalidSearch(f"“{name}” is not a facet.")
        for label, value in (("from", self.date_from), ("to", self.date_to)):
            try:
                PartialDate.parse(value)
            except InvalidPartialDate as error:
                raise InvalidSearch(f"The “{label}” date: {error}.") from None

    def selected(self, facet_name: str) -> tuple[str, ...]:
        return dict(self.filters).get(facet_name, ())


@dataclass(frozen=True)
class SearchHit:
    entry: object  # archive.models.Entry, with source and topics loaded
    score: float
    snippet: str  # HTML: the document's text escaped, matched terms in <mark>


@dataclass(frozen=True)
class SearchPage:
    request: SearchRequest
    hits: tuple[SearchHit, ...] = ()
    total: int = 0
    facets: tuple[FacetResult, ...] = ()
    timeline: tuple[tuple[str, int], ...] = ()  # (year, count), oldest first
    suggestion: str | None = None
    notes: tuple[str, ...] = field(default=())
    searched_query: str = ""
    available: bool = True
    stopped: bool = False  # reached its time budget (unavailable, for now)
    reading: str = ""  # how the query was read: a key of query.READINGS
    expansions: tuple = ()  # expansion.Expansion: other names also searched
    concept: object = None  # thesaurus.snapshot.ConceptNames of request.concept
    entry_ids: tuple[int, ...] = ()  # the page's entries, in order (hits or not)

    def __post_init__(self):
        # Notes may be written lazily (translated when shown): the page holds them as text.
        object.__setattr__(self, "notes", tuple(str(note) for note in self.notes))

    @property
    def reading_text(self) -> str:
        from archive.search.query.reading import READINGS

        return str(READINGS.get(self.reading, ""))

    @property
    def retry_after(self) -> int:
        """Seconds a client should wait before asking again, when unavailable."""
        return 5 if self.stopped else 30

    @property
    def page_count(self) -> int:
        return max(1, -(-self.total // self.request.per_page))

    @property
    def first_position(self) -> int:
        return (self.request.page - 1) * self.request.per_page + 1


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
    from archive.search.execution import execute

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


def entries_at(request: SearchRequest, positions) -> tuple[int, dict[int, int]] | None:
    """How many entries ``request`` finds, and the entry ids at some of its positions
    (1 for the first, in the request's order; its page is ignored): where an entry page
    reached from a search stands in it. None when the search cannot run now."""
    from archive.search.execution import find, in_order

    wanted = sorted({position for position in positions if position >= 1})
    if not wanted:
        return None
    from archive.search.segments.facts import entry_ids

    def context(searcher):
        found = find(request, searcher)
        ranked = in_order(found.matches, request.sort, found.parsed.browse_all, wanted[-1])
        positions = [position for position in wanted if position <= len(ranked)]
        found_ids = entry_ids(searcher, [ranked[position - 1][0] for position in positions])
        return found.matches.total, dict(zip(positions, found_ids, strict=True))

    try:
        with limits.time_budget(settings.ARCHIVE_SEARCH_TIME_BUDGET):
            return storage.searching(storage.searchers, context)
    except (limits.SearchTooSlow, IndexUnavailable) as error:
        logger.info("No search context: %s", error)
        return None


def mark_searched_words(texts: list[str], query_text: str, expand: bool = True):
    """The texts escaped, with what the query looks for marked (see ``marking.py``): the
    query read as the search reads it, with the thesaurus's other names when ``expand``."""
    from archive.search.query.expansion import expand as expand_query
    from archive.search.query.expansion import label_index
    from archive.search.query.reading import read
    from archive.search.results.marking import Sought, mark_texts, sought
    from archive.search.schema import build_schema

    try:
        searcher = storage.searchers.get()
        schema, reader = searcher.schema, searcher.reader()
    except IndexUnavailable:
        schema, reader = build_schema(), None  # words still marked, patterns not
    parsed = read(query_text, schema, reader)
    wanted = Sought(frozenset(), ())
    if query_text.strip() and not parsed.browse_all:
        query = parsed.query
        if expand:
            from archive.thesaurus.snapshot import current

            query, _ = expand_query(query, label_index(current()), parsed.runs)
        wanted = sought(query, reader)
    return mark_texts(texts, wanted, schema["body"].analyzer)


def related_entries(entry, limit: int = 5) -> list:
    """Up to ``limit`` published entries most like ``entry`` (itself never), closest
    first; none while the index cannot be read."""
    from archive.models import Entry, Status
    from archive.search.results.related import related_numbers

    try:
        numbers = related_numbers(entry, limit)
    except IndexUnavailable as error:
        logger.error("Related entries unavailable: %s", error)
        return []
    found = (
        Entry.objects.filter(status=Status.PUBLISHED)
        .select_related("source")
        .prefetch_related("topics")
        .in_bulk(numbers)
    )
    return [found[number] for number in numbers if number in found]


def warm_up():
    """Read what searches need from every index segment (facet values, dates, field
    lengths, its lists of frequent pairs) into this process's caches, so that its first
    search does not wait for it (1.6 s at 100,000 entries). Servers call it in a thread
    when they start."""
    from archive import vocabularies
    from archive.search.schema import DEFAULT_FIELD_BOOSTS
    from archive.search.segments import common_pairs
    from archive.search.segments.docsets import segment_key
    from archive.search.segments.facts import facts_for

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
        vocabularies.language_choices()  # the language facet's names (50 ms to load)
        _warm_names()
    finally:
        storage.searchers.clear()  # the caches are shared; this thread's searcher is not
    # What is loaded now lives as long as the process: keep it out of the garbage
    # collector's full passes, which otherwise walk it all and pause a search 20-50 ms.
    gc.freeze()


def _warm_names():
    """The topic and source names facets show, and the thesaurus's analysed labels (each
    10-20 ms to read the first time)."""
    from django.db import DatabaseError

    from archive.search.query.expansion import label_index
    from archive.search.results.facets import SOURCE_NAMES, TOPIC_NAMES
    from archive.thesaurus.snapshot import current

    try:
        TOPIC_NAMES.names()
        SOURCE_NAMES.names()
        label_index(current())
    except DatabaseError as error:  # not migrated yet: the first search reads them
        logger.info("Names not read at warm-up: %s", error)


def _catch_up_if_behind():
    """Apply changes this node's index lacks (left by a process that died after its
    commit, or that found the index busy) without ever making a searcher wait for the
    lock. Its cost when there is nothing to do: one indexed read of the change log."""
    from archive.search.sync import change_log

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
    try:
        documents = storage.searchers.get().doc_count()
        state = "ok"
    except IndexUnavailable as error:
        documents, state = None, f"unavailable: {error}"
    try:
        behind = lag()
    except Exception:  # The database's own check reports a database failure.
        behind = None
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
    from archive.search.sync.locks import clear_orphaned

    return [lock for lock in index_locks() if clear_orphaned(lock)]
