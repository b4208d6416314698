"""How entries are scored: BM25F over the fields a word is searched in.

A plain word is searched in every text field (title, summary, text, source, topics,
authors, identifiers). True BM25F weights the word's frequency in each field, normalised
by that field's length, adds them up, and saturates once, as Lucene's
``CombinedFieldQuery`` and FTS5's column weights do; summing each field's separately
saturated BM25 (Whoosh's way) lets one word in a short title outweigh the whole text.
The constants were tuned on CISI (docs/relevance.md), never on single questions.
"""

import math

from whoosh import query as whoosh_query

from archive.search.query.tree import children, one_word_across_fields, rewrite

K1 = 1.2  # how soon repeating a word stops adding to its score
B = 0.65  # how much a field's length (against the average) normalises frequencies


class CombinedFields(whoosh_query.Query):
    """One word searched in several fields at once, scored with BM25F (``docsets.py``)."""

    def __init__(self, terms, boost: float = 1.0):
        self.weighted = tuple(terms)  # (fieldname, text, weight)
        self.boost = boost

    def __eq__(self, other):
        return type(other) is type(self) and (self.weighted, self.boost) == (
            other.weighted,
            other.boost,
        )

    def __hash__(self):
        return hash((self.weighted, self.boost))

    def __repr__(self):
        return f"CombinedFields({self.weighted!r}, boost={self.boost})"

    def __str__(self):
        return self.weighted[0][1] if self.weighted else ""

    def is_leaf(self):
        return True

    def children(self):
        return iter(())

    def field(self):
        return None

    def terms_in(self):
        return [(fieldname, text) for fieldname, text, _ in self.weighted]

    def has_terms(self):
        return True

    def terms(self, phrases=False):
        return iter(self.terms_in())

    def existing_terms(self, ixreader, phrases=True, expand=False, fieldname=None):
        return {
            term
            for term in self.terms_in()
            if term in ixreader and (fieldname is None or term[0] == fieldname)
        }

    def estimate_size(self, ixreader):
        return max((ixreader.doc_frequency(f, t) for f, t in self.terms_in()), default=0)

    def normalize(self):
        return self

    def as_terms(self):
        """The same documents as an OR of the word in each field (Whoosh's own matching:
        used where Whoosh, not ``docsets.py``, runs a query)."""
        return whoosh_query.Or(
            [whoosh_query.Term(f, t, boost=w * self.boost) for f, t, w in self.weighted]
        )

    def matcher(self, searcher, context=None):
        return self.as_terms().matcher(searcher, context)


def inverse_document_frequency(documents: int, frequency: int) -> float:
    """BM25's idf (Lucene's form, never negative)."""
    return math.log(1 + (documents - frequency + 0.5) / (frequency + 0.5))


def _is_word_across_fields(query) -> bool:
    """A plain word searched in several fields: an OR of the same Term in each."""
    leaves = children(query)
    return (
        isinstance(query, whoosh_query.Or)
        and len(leaves) > 1
        and all(type(leaf) is whoosh_query.Term for leaf in leaves)
        and one_word_across_fields(query)
    )


def combine_fields(query):
    """The query with each plain word searched across fields made one BM25F clause."""
    if _is_word_across_fields(query):
        leaves = children(query)
        return CombinedFields(
            [(leaf.fieldname, leaf.text, leaf.boost) for leaf in leaves], boost=query.boost
        )
    if isinstance(query, CombinedFields) or not children(query):
        return query
    return rewrite(query, combine_fields)
