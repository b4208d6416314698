"""More like this: the entries closest to one entry, found with the same ranking as a
search, the entry's own most distinctive words (by tf·idf) standing for the question.

Only published entries are in the index, so a draft is never related; the entry itself
is left out. Words in most of the archive say little about an entry and would read long
posting lists: they are not used.
"""

import math

from whoosh import query as whoosh_query

from archive.search.fields import DEFAULT_FIELD_BOOSTS
from archive.search.query.ranking import CombinedFields
from archive.search.segments.facts import entry_ids
from archive.search.segments.matches import DateRange, Matches
from archive.search.sync import storage

DISTINCTIVE_WORDS = 25  # words of the entry that stand for it
MAX_SHARE = 0.1  # a word in more than this share of the archive is not used,
MIN_COMMON = 20  # unless in this few entries (a small archive)
RELATED_FIELDS = ("title", "summary", "body", "topic")


def distinctive_words(text: str, reader, analyzer) -> list[tuple[str, float]]:
    """The entry's words with the highest tf·idf, as (indexed word, weight)."""
    counts = analyzer.word_counts(text)
    documents = reader.doc_count() or 1
    weighted = []
    for word, count in counts.items():
        frequency = reader.doc_frequency("body", word)
        if frequency < 2 or frequency > max(MAX_SHARE * documents, MIN_COMMON):
            continue  # only in this entry, or in too many to tell entries apart
        weight = (1 + math.log(count)) * math.log(documents / frequency)
        if weight > 0:  # a word in every entry tells none apart
            weighted.append((weight, word))
    return [(word, weight) for weight, word in sorted(weighted, reverse=True)][:DISTINCTIVE_WORDS]


def related_numbers(entry, limit: int = 5) -> list[int]:
    """Ids of up to ``limit`` published entries most like ``entry``, closest first."""
    return storage.searching(storage.searchers, lambda searcher: _related(searcher, entry, limit))


def _related(searcher, entry, limit: int) -> list[int]:
    reader = searcher.reader()
    analyzer = searcher.schema["body"].analyzer
    text = "\n".join([entry.title, entry.summary, entry.body])
    words = distinctive_words(text, reader, analyzer)
    if not words:
        return []
    top_weight = words[0][1]
    query = whoosh_query.Or(
        [
            CombinedFields(
                [(field, word, DEFAULT_FIELD_BOOSTS[field]) for field in RELATED_FIELDS],
                boost=weight / top_weight,
            )
            for word, weight in words
        ]
    )
    itself = set(searcher.document_numbers(entry_id=str(entry.pk)))  # none for a draft
    matches = Matches(searcher, query, everything=False, filters={}, dates=DateRange(None, None))
    ranked = matches.by_relevance(limit + len(itself))
    numbers = entry_ids(searcher, [docnum for docnum, _ in ranked if docnum not in itself])
    return numbers[:limit]
