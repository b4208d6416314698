"""What the index holds for each published entry: searchable text, filters, facets."""

from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from archive.search.analysis import multilingual_analyzer, vocabulary_analyzer
from archive.search.fields import DATE_FIELDS, FACET_FIELDS, SEARCH_FIELDS
from archive.search.segments.format import CompactPositions


def _text(analyzer) -> TEXT:
    """A full-text field: positions kept (for phrases) in the compact format."""
    field = TEXT(analyzer=analyzer, multitoken_query="phrase")
    field.format = CompactPositions(field_boost=field.format.field_boost)
    return field


def build_schema() -> Schema:
    text = multilingual_analyzer()
    return Schema(
        entry_id=ID(stored=True, unique=True),
        # A hash of everything indexed for the entry: check_index compares it with the
        # database to find stale documents.
        fingerprint=ID(stored=True),
        # The title as it sorts (sort_keys.py), read with the entry ids into an array.
        sort_title=STORED,
        # Names by keys that cross scripts (names/matching.py); their forms, unscored and
        # listed once a segment by a rebuild (what the page names, not what it finds).
        name_key=KEYWORD(scorable=True),
        name_kana=KEYWORD(scorable=True),
        name_spelled=KEYWORD(scorable=True),
        name_forms=KEYWORD(scorable=False),
        **{field.name: _text(text) for field in SEARCH_FIELDS},
        vocabulary=TEXT(analyzer=vocabulary_analyzer(), phrase=False),
        # Filters and facets: one term per value, kept as columns for fast counting.
        **{
            facet.index_field: (
                KEYWORD(commas=True, scorable=False) if facet.multi_valued else ID(sortable=True)
            )
            for facet in FACET_FIELDS
        },
        # Read into arrays for date filters and sorting (segments/facts.py). One term per
        # value: no coarser terms for range queries, which the search does not use.
        **{name: NUMERIC(bits=32, shift_step=32) for name in DATE_FIELDS},
    )


UNDATED_YEAR = "undated"
