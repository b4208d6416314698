"""The editors' search: the public search's reading of a query (syntax, stemming,
languages, the thesaurus), over published entries and drafts alike, for the admin.

Published entries are searched in the public index and drafts in the generation's drafts
index (``storage.py``); the two lists are merged by score. Only the admin calls this:
nothing public ever reads the drafts index.
"""

import logging
from dataclasses import dataclass

import numpy as np
from django.conf import settings

from archive.search.execution import find
from archive.search.query import limits
from archive.search.request import SearchRequest
from archive.search.segments.facts import entry_ids
from archive.search.sync import storage

logger = logging.getLogger("archive.search")


@dataclass(frozen=True)
class EditorialResults:
    ranked: tuple[tuple[int, float], ...]  # (entry id, score) of the best, best first
    total: int  # every match in the indexes searched, beyond those ranked
    notes: tuple[str, ...] = ()  # how the query was read, as the public search says
    drafts_searched: bool = True  # False while the drafts index cannot be read
    available: bool = True  # False when the public index cannot be read or was too slow
    stopped: bool = False  # the search reached its time budget


def editorial_search(
    request: SearchRequest, *, published: bool = True, drafts: bool = True, limit: int = 1000
) -> EditorialResults:
    """The ``limit`` best entries matching ``request`` (its query, facet filters and
    dates; not its page or sort) among published entries and/or drafts."""
    indexes = [cache for cache, wanted in ((storage.searchers, published),) if wanted]
    drafts_searched = drafts
    if drafts:
        try:
            storage.draft_searchers.get()
            indexes.append(storage.draft_searchers)
        except storage.IndexUnavailable as error:
            logger.warning("Drafts not searched: %s", error)
            drafts_searched = False
    try:
        with limits.time_budget(settings.ARCHIVE_SEARCH_TIME_BUDGET):
            # A looser reading only when the query as typed finds nothing in any index.
            ids, scores, notes, total = _search(indexes, request, limit, loosen=False)
            if not total:
                ids, scores, notes, total = _search(indexes, request, limit, loosen=True)
    except limits.SearchTooSlow:
        logger.warning("Editors' search stopped by its time budget: %r", request.query)
        return EditorialResults((), 0, available=False, stopped=True)
    except storage.IndexUnavailable as error:
        logger.error("Editors' search unavailable: %s", error)
        return EditorialResults((), 0, available=False, drafts_searched=drafts_searched)
    # Best first; equal scores in the order of entry ids, so the list is stable.
    order = np.lexsort((np.array(ids, dtype=np.int64), -np.array(scores)))[:limit]
    ranked = tuple((ids[i], scores[i]) for i in order)
    return EditorialResults(ranked, total, tuple(notes), drafts_searched)


def _search(indexes, request: SearchRequest, limit: int, loosen: bool):
    ids, scores, notes, total = [], [], [], 0
    for cache in indexes:

        def ranked_in(searcher):
            found = find(request, searcher, loosen=loosen)
            ranked = found.matches.by_relevance(limit)
            return found, ranked, entry_ids(searcher, [number for number, _ in ranked])

        found, ranked, found_ids = storage.searching(cache, ranked_in)
        ids += found_ids
        scores += [score for _, score in ranked]
        total += found.matches.total
        notes += [note for note in found.notes if note not in notes]
    return ids, scores, notes, total
