"""What the index holds for each published entry: searchable text, filters, facets."""

import calendar

from whoosh.fields import ID, KEYWORD, NUMERIC, TEXT, Schema

from archive.search.analysis import multilingual_analyzer, vocabulary_analyzer
from archive.search.segments.format import CompactPositions

# Fields a query searches when it names none, with their BM25F weights (ranking.py).
# Title, summary and authors were tuned on CISI (docs/relevance.md): a word in the title
# counts one and a half times a word of the text (4 before, which let short titles
# outweigh the text); source, topics and identifiers, which CISI lacks, as before.
DEFAULT_FIELD_BOOSTS = {
    "title": 1.5,
    "summary": 1.5,
    "body": 1.0,
    "source": 1.5,
    "topic": 1.5,
    "author": 1.0,
    "identifier": 2.0,
}

# Names a searcher may type before a colon, and the field each one means.
FIELD_ALIASES = {
    "title": "title",
    "summary": "summary",
    "text": "body",
    "body": "body",
    "source": "source",
    "topic": "topic",
    "author": "author",
    "issn": "identifier",
    "doi": "identifier",
    "id": "identifier",
    "identifier": "identifier",
}


# The fields whose words "did you mean" may suggest (the ``vocabulary`` field).
VOCABULARY_FIELDS = ("title", "summary", "body", "source", "author")


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
        title=_text(text),
        summary=_text(text),
        body=_text(text),
        source=_text(text),
        topic=_text(text),
        author=_text(text),
        identifier=_text(text),
        vocabulary=TEXT(analyzer=vocabulary_analyzer(), phrase=False),
        # Filters and facets: one term per value, kept as columns for fast counting.
        topic_facet=KEYWORD(commas=True, scorable=False),
        source_facet=ID(sortable=True),
        year_facet=ID(sortable=True),
        language_facet=ID(sortable=True),
        type_facet=ID(sortable=True),
        # First and last day of the entry's dated period, as YYYYMMDD (absent if undated),
        # read into arrays for date filters and sorting (segment_facts.py). One term per
        # value: no coarser terms for range queries, which the search does not use.
        date_start=NUMERIC(bits=32, shift_step=32),
        date_end=NUMERIC(bits=32, shift_step=32),
    )


UNDATED_YEAR = "undated"


def date_number(date) -> int:
    """A date as the integer YYYYMMDD, the form the index stores and compares."""
    return date.year * 10_000 + date.month * 100 + date.day


def period(date, precision: str):
    """First and last day of the period a date of some precision stands for."""
    if precision == "year":
        return date, date.replace(month=12, day=31)
    if precision == "month":
        return date, date.replace(day=calendar.monthrange(date.year, date.month)[1])
    return date, date
