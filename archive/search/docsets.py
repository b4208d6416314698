"""Which documents of one index segment a query matches, and their BM25F scores, as
numpy arrays.

Whoosh hands out matches one at a time in Python: fine for the top 20 of a rare word,
slow for "every matching document", which totals, facet counts and filters need, and
slow to rank thousands of matches. Here a term's postings are read a whole block at a
time (Whoosh keeps each block's document numbers and frequencies together) and scored
with BM25F (Whoosh's default model, same formula and statistics) in one array
operation; AND / OR / NOT combine whole arrays. Phrases, prefixes and other query kinds
find their documents with Whoosh's own matcher: a phrase scores as its words do, the
others score their boost. Deleted documents are dropped once, at the end.
"""

from dataclasses import dataclass
from pickle import loads

import numpy as np
from whoosh import query as whoosh_query
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching.wrappers import FilterMatcher
from whoosh.system import _INT_SIZE

DOCNUM = np.int32
EMPTY = np.empty(0, dtype=DOCNUM)
B, K1 = 0.75, 1.2  # Whoosh's BM25F defaults


@dataclass(frozen=True)
class Scored:
    docs: np.ndarray  # sorted, unique document numbers within the segment
    scores: np.ndarray  # one float per document

    @classmethod
    def empty(cls):
        return cls(EMPTY, np.empty(0))

    @classmethod
    def unscored(cls, docs, score: float = 0.0):
        return cls(docs, np.full(len(docs), float(score)))

    def take(self, docs: np.ndarray) -> "Scored":
        """Only the given documents (which must be among these)."""
        return Scored(docs, self.scores[np.searchsorted(self.docs, docs)])


def term_postings(reader, fieldname: str, text) -> tuple[np.ndarray, np.ndarray]:
    """Document numbers and within-document frequencies of one term's postings
    (deleted documents included)."""
    if fieldname not in reader.schema:
        return EMPTY, np.empty(0)
    try:
        matcher = reader.postings(fieldname, text)
    except Exception:  # TermNotFound, or a field without postings
        return EMPTY, np.empty(0)
    while isinstance(matcher, FilterMatcher):  # the reader's deletion filter
        matcher = matcher.child
    if not isinstance(matcher, W3LeafMatcher):
        items = list(matcher.all_items())
        return (
            np.array([docnum for docnum, _ in items], dtype=DOCNUM),
            np.ones(len(items)),
        )
    ids, weights = [], []
    while matcher.is_active():
        # Whoosh decodes a whole block's ids and weights at once in these two methods.
        matcher._read_ids()  # noqa: SLF001
        matcher._read_weights()  # noqa: SLF001
        ids.append(np.asarray(matcher._ids, dtype=DOCNUM))  # noqa: SLF001
        weights.append(np.asarray(matcher._weights, dtype=np.float64))  # noqa: SLF001
        matcher._next_block()  # noqa: SLF001
    if not ids:
        return EMPTY, np.empty(0)
    return np.concatenate(ids), np.concatenate(weights)


def term_positions(reader, fieldname: str, text, docs: np.ndarray):
    """(document, position) pairs of a term's occurrences in the given documents."""
    matcher = reader.postings(fieldname, text)
    while isinstance(matcher, FilterMatcher):
        matcher = matcher.child
    owners, counts, deltas = [], [], []
    while matcher.is_active():
        matcher._read_ids()  # noqa: SLF001
        block_ids = np.asarray(matcher._ids, dtype=DOCNUM)  # noqa: SLF001
        wanted = np.flatnonzero(np.isin(block_ids, docs, assume_unique=True))
        if len(wanted):
            matcher._read_values()  # noqa: SLF001
            values = matcher._values  # noqa: SLF001
            for i in wanted:
                # Whoosh's Positions format: a count, then the pickled position deltas
                # (stored without pickle's final stop byte).
                value = values[i]
                found = loads(value[_INT_SIZE:] + (b"" if value.endswith(b".") else b"."))
                deltas.extend(found)
                counts.append(len(found))
            owners.append(block_ids[wanted])
        matcher._next_block()  # noqa: SLF001
    if not counts:
        return EMPTY, np.empty(0, dtype=np.int64)
    counts = np.array(counts)
    running = np.cumsum(np.array(deltas, dtype=np.int64))
    # Each document's deltas restart from 0: subtract the running total before it.
    ends = np.cumsum(counts)
    before = np.concatenate(([0], running[ends[:-1] - 1]))
    return np.repeat(np.concatenate(owners), counts), running - np.repeat(before, counts)


def term_docs(reader, fieldname: str, text) -> np.ndarray:
    return term_postings(reader, fieldname, text)[0]


def deleted_mask(reader) -> np.ndarray | None:
    if not reader.has_deletions():
        return None
    mask = np.zeros(reader.doc_count_all(), dtype=bool)
    mask[np.fromiter(reader.deleted_docs_set, dtype=DOCNUM)] = True
    return mask


class Evaluator:
    """Evaluates queries on one segment; ``top_searcher`` gives the whole index's
    statistics (document frequencies, average field lengths), ``lengths`` a field's
    per-document lengths in this segment."""

    def __init__(self, searcher, top_searcher, lengths):
        self.searcher = searcher
        self.reader = searcher.reader()
        self.top = top_searcher
        self.lengths = lengths
        self.size = self.reader.doc_count_all()

    def live(self, query) -> Scored:
        """Matching live documents of the segment, with scores."""
        scored = self.evaluate(query)
        mask = deleted_mask(self.reader)
        if mask is None or not len(scored.docs):
            return scored
        keep = ~mask[scored.docs]
        return Scored(scored.docs[keep], scored.scores[keep])

    def evaluate(self, query) -> Scored:
        q = whoosh_query
        if isinstance(query, q.Term):
            return self._term(query)
        if isinstance(query, q.NullQuery.__class__):
            return Scored.empty()
        if isinstance(query, q.Every) and not query.fieldname:
            return Scored.unscored(np.arange(self.size, dtype=DOCNUM))
        if isinstance(query, q.DisjunctionMax):
            children = [self.evaluate(child) for child in query.children()]
            return _union(children, self.size, best=True)
        if isinstance(query, q.Or):
            children = [self.evaluate(child) for child in query.children()]
            return _union(children, self.size, coordination=getattr(query, "scale", None))
        if isinstance(query, q.And):
            return _intersection([self.evaluate(child) for child in query.children()], self.size)
        if isinstance(query, q.Require):
            required = self.evaluate(query.b)
            return _intersection(
                [self.evaluate(query.a), Scored.unscored(required.docs)], self.size
            )
        if isinstance(query, q.AndMaybe):
            return _with_optional(self.evaluate(query.a), self.evaluate(query.b), self.size)
        if isinstance(query, q.AndNot):
            wanted = self.evaluate(query.a)
            return _without(wanted, self.evaluate(query.b).docs, self.size)
        if isinstance(query, q.Not):
            every = Scored.unscored(np.arange(self.size, dtype=DOCNUM))
            return _without(every, self.evaluate(query.query).docs, self.size)
        if isinstance(query, q.Phrase):
            return self._phrase(query)
        docs = np.fromiter(query.docs(self.searcher), dtype=DOCNUM)
        return Scored.unscored(docs, query.boost)

    def _phrase(self, phrase) -> Scored:
        """Documents holding the words next to each other, in order; scored as the words
        are. Only the positions of documents holding every word are decoded."""
        words = [self._term(whoosh_query.Term(phrase.fieldname, w)) for w in phrase.words]
        candidates = _intersection(words, self.size).docs
        if len(words) < 2 or not len(candidates):
            docs = candidates
        elif phrase.slop != 1:
            docs = np.fromiter(phrase.docs(self.searcher), dtype=DOCNUM)
        else:
            starts = None  # (doc << 32) + position where the phrase could start
            for offset, word in enumerate(phrase.words):
                owners, positions = term_positions(self.reader, phrase.fieldname, word, candidates)
                keys = (owners.astype(np.int64) << 32) + (positions - offset)
                # Both sorted and unique: documents ascend, positions ascend within each.
                starts = (
                    keys if starts is None else np.intersect1d(starts, keys, assume_unique=True)
                )
            docs = _sorted_unique((starts >> 32).astype(DOCNUM))
        return Scored(docs, sum(word.take(docs).scores for word in words) * phrase.boost)

    def _term(self, term) -> Scored:
        docs, frequencies = term_postings(self.reader, term.fieldname, term.text)
        if not len(docs):
            return Scored.empty()
        field = self.reader.schema[term.fieldname]
        if not field.scorable:
            return Scored(docs, frequencies * term.boost)
        idf = self.top.idf(term.fieldname, term.text)
        average = self.top.avg_field_length(term.fieldname) or 1
        lengths = self.lengths(term.fieldname)[docs]
        lengths = np.where(lengths > 0, lengths, 1)
        scores = (
            idf * (frequencies * (K1 + 1)) / (frequencies + K1 * ((1 - B) + B * lengths / average))
        )
        return Scored(docs, scores * term.boost)


def _sorted_unique(values: np.ndarray) -> np.ndarray:
    if not len(values):
        return values
    return values[np.concatenate(([True], values[1:] != values[:-1]))]


# Set operations work on dense arrays over the segment's document numbers: a segment
# holds at most a few hundred thousand documents, and indexing by document number is
# linear where sorting is not.


def _union(children: list[Scored], size: int, *, best=False, coordination=None) -> Scored:
    children = [child for child in children if len(child.docs)]
    if not children:
        return Scored.empty()
    scores = np.zeros(size)
    matched = np.zeros(size, dtype=np.int32)
    for child in children:  # a child's documents are unique: fancy-index updates are safe
        if best:
            scores[child.docs] = np.maximum(scores[child.docs], child.scores)
        else:
            scores[child.docs] += child.scores
        matched[child.docs] += 1
    docs = np.flatnonzero(matched).astype(DOCNUM)
    combined = scores[docs]
    if coordination:
        # "Any of the words" ranks entries matching more of them higher.
        combined *= (1 - coordination) + coordination * matched[docs] / len(children)
    return Scored(docs, combined)


def _intersection(children: list[Scored], size: int) -> Scored:
    result = None
    for child in sorted(children, key=lambda c: len(c.docs)):  # smallest first
        if result is None:
            result = child
            continue
        scores = np.zeros(size)
        present = np.zeros(size, dtype=bool)
        scores[child.docs] = child.scores
        present[child.docs] = True
        keep = present[result.docs]
        docs = result.docs[keep]
        result = Scored(docs, result.scores[keep] + scores[docs])
        if not len(docs):
            break
    return result or Scored.empty()


def _with_optional(wanted: Scored, optional: Scored, size: int) -> Scored:
    extra = np.zeros(size)
    extra[optional.docs] = optional.scores
    return Scored(wanted.docs, wanted.scores + extra[wanted.docs])


def _without(wanted: Scored, excluded: np.ndarray, size: int) -> Scored:
    present = np.zeros(size, dtype=bool)
    present[excluded] = True
    keep = ~present[wanted.docs]
    return Scored(wanted.docs[keep], wanted.scores[keep])
