"""The archive's search engine: the one interface pages, the API and commands call.

Nothing outside this package imports Whoosh, nor any module of this package but this
one: what others may use is exported here. ``search()`` takes a SearchRequest and
returns a SearchPage: ranked hits, highlighted snippets, facet counts, a "did you mean"
suggestion, and notes on how the query was read. The engine reads no model: the archive
gives it a ``Catalogue`` (``catalogue.py``) when the app starts.
"""

from archive.search.analysis import STOP_WORDS
from archive.search.caches import (
    PostingsCacheState,
    empty_caches,
    empty_postings_cache,
    postings_cache_state,
)
from archive.search.catalogue import Catalogue, NoCatalogue, use
from archive.search.editorial import EditorialResults, editorial_search
from archive.search.engine import (
    TOO_SLOW_NOTE,
    UNAVAILABLE_NOTE,
    EntryInSearch,
    clear_orphaned_locks,
    entry_in_search,
    expansion_steps,
    index_status,
    related_entries,
    search,
    start_background_rebuild,
    wait_for_background_rebuild,
    warm_up,
)
from archive.search.fields import date_number, period
from archive.search.names import (
    NameForm,
    japanese_words,
    kakasi,
    kana_in_latin,
    names_in,
    romanized,
    skeleton,
    spelling_key,
)
from archive.search.query.expansion import label_terms
from archive.search.request import (
    DEFAULT_PER_PAGE,
    MAX_PER_PAGE,
    MAX_QUERY_CHARACTERS,
    MAX_QUERY_LENGTH,
    MAX_RESULTS_PER_REQUEST,
    SORTS,
    InvalidSearch,
    SearchRequest,
)
from archive.search.results.facets import FACETS, FACETS_BY_NAME, FacetResult, FacetValue
from archive.search.results.page import SearchHit, SearchPage
from archive.search.schema import UNDATED_YEAR
from archive.search.sync.following import start as start_following
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
from archive.search.sync.models import IndexChange, IndexLog
from archive.search.sync.rebuilding import (
    RebuildFailed,
    RebuildReport,
    rebuild,
    remove_leftovers,
)
from archive.search.sync.storage import IndexUnavailable

__all__ = [
    "DEFAULT_PER_PAGE",
    "FACETS",
    "FACETS_BY_NAME",
    "MAX_PER_PAGE",
    "MAX_QUERY_CHARACTERS",
    "MAX_QUERY_LENGTH",
    "MAX_RESULTS_PER_REQUEST",
    "SORTS",
    "STOP_WORDS",
    "TOO_SLOW_NOTE",
    "UNAVAILABLE_NOTE",
    "UNDATED_YEAR",
    "Catalogue",
    "EditorialResults",
    "EntryInSearch",
    "FacetResult",
    "FacetValue",
    "IndexBusy",
    "IndexChange",
    "IndexComparison",
    "IndexLog",
    "IndexTooFarBehind",
    "IndexUnavailable",
    "InvalidSearch",
    "NameForm",
    "Lag",
    "LockState",
    "NoCatalogue",
    "PostingsCacheState",
    "RebuildFailed",
    "RebuildInProgress",
    "RebuildReport",
    "SearchHit",
    "SearchPage",
    "SearchRequest",
    "catch_up",
    "clear_orphaned_locks",
    "compare",
    "date_number",
    "editorial_search",
    "empty_caches",
    "empty_postings_cache",
    "entry_in_search",
    "expansion_steps",
    "names_in",
    "japanese_words",
    "kakasi",
    "kana_in_latin",
    "romanized",
    "skeleton",
    "spelling_key",
    "index_locks",
    "index_status",
    "label_terms",
    "lag",
    "pending_count",
    "period",
    "postings_cache_state",
    "queue_entries",
    "rebuild",
    "related_entries",
    "remove_leftovers",
    "repair",
    "search",
    "start_background_rebuild",
    "start_following",
    "use",
    "wait_for_background_rebuild",
    "warm_up",
]
