"""Which documents of one index segment a query matches, and their BM25F scores, as
numpy arrays.

Whoosh hands out matches one at a time in Python: fine for the top 20 of a rare word,
slow for "every matching document", which totals, facet counts and filters need, and
slow to rank thousands of matches. Here a term's postings are read a whole block at a
time (Whoosh keeps each block's document numbers and frequencies together) and scored
with BM25F (Whoosh's default model, same formula and statistics) in one array
operation; AND / OR / NOT combine whole arrays. A phrase is checked on the positions
of the documents holding all its words and scores as its words do; a prefix or
wildcard is the union of the terms it covers, each match scoring its boost (as in
Whoosh); other query kinds use Whoosh's own matcher. Deleted documents are dropped
once, at the end.
"""

from dataclasses import dataclass, field
from itertools import chain
from pickle import loads

import numpy as np
from whoosh import query as whoosh_query
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import TermNotFound
from whoosh.system import _INT_SIZE

from archive.search.errors import IndexUnavailable
from archive.search.query import ranking
from archive.search.query.limits import SearchTooSlow, check_time
from archive.search.query.ranking import CombinedFields
from archive.search.segments import common_pairs, postings_cache
from archive.search.segments.compact_postings import CompactLeafMatcher, EncodedValues
from archive.search.segments.format import BLOCK_POSTINGS, CompactPositions

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


@dataclass(frozen=True)
class Postings:
    docs: np.ndarray  # document numbers, ascending (deleted documents included)
    frequencies: np.ndarray  # the term's frequency in each
    # each posting's encoded positions, when asked for (a list: segments of Whoosh's own
    # format; EncodedValues: segments of compact_postings')
    values: list | EncodedValues | None = None

    def among(self, docs: np.ndarray) -> "Postings":
        chosen = np.flatnonzero(np.isin(self.docs, docs, assume_unique=True))
        return Postings(self.docs[chosen], self.frequencies[chosen], _select(self.values, chosen))

    def arrays(self) -> tuple[np.ndarray, ...]:
        return (self.docs, self.frequencies)


@dataclass(frozen=True)
class Positioned(Postings):
    """Postings with every occurrence's position decoded, in document order."""

    owners: np.ndarray = field(default_factory=lambda: EMPTY)  # each occurrence's document
    positions: np.ndarray = field(default_factory=lambda: EMPTY)  # … and position in it

    @classmethod
    def decode(cls, postings: Postings) -> "Positioned":
        owners, positions = term_positions(postings, np.ones(len(postings.docs), dtype=bool))
        return cls(postings.docs, postings.frequencies, None, owners, positions)

    def at(self, wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Occurrences in the documents marked in ``wanted`` (over the segment)."""
        keep = wanted[self.owners]
        return self.owners[keep], self.positions[keep]

    def arrays(self) -> tuple[np.ndarray, ...]:
        return (self.docs, self.frequencies, self.owners, self.positions)


NO_POSTINGS = Postings(EMPTY, np.empty(0))
POSITIONS_FORMAT = CompactPositions()


def _select(values, chosen: np.ndarray):
    if values is None:
        return None
    if isinstance(values, EncodedValues):
        return values.select(chosen)
    return [values[i] for i in chosen]


def _leaf_matcher(reader, fieldname: str, text):
    """The term's raw posting reader (without the reader's deletion filter), or None."""
    if fieldname not in reader.schema:
        return None
    try:
        matcher = reader.postings(fieldname, text)
    except TermNotFound:
        return None
    except Exception as error:  # A damaged segment: say so, rather than find nothing.
        raise IndexUnavailable(f"the search index is damaged ({error!r})") from error
    while isinstance(matcher, FilterMatcher):  # the reader's deletion filter
        matcher = matcher.child
    return matcher


def term_postings(
    reader, fieldname: str, text, *, values: bool = False, among: np.ndarray | None = None
) -> Postings:
    """One term's postings, read a block at a time; with ``values``, also each posting's
    encoded positions (for phrases). With ``among`` (sorted document numbers), only
    those documents' postings: blocks holding none of them are skipped unread."""
    matcher = _leaf_matcher(reader, fieldname, text)
    if matcher is None:
        return NO_POSTINGS
    if isinstance(matcher, CompactLeafMatcher):
        return _read_compact(matcher, values, among)
    if not isinstance(matcher, W3LeafMatcher):
        items = list(matcher.all_items())
        docs = np.array([docnum for docnum, _ in items], dtype=DOCNUM)
        postings = Postings(docs, np.ones(len(items)), [value for _, value in items])
        return postings if among is None else postings.among(among)
    try:
        ids, weights, encoded = _read_blocks(matcher, values, among)
    except SearchTooSlow:
        raise
    except Exception as error:  # A truncated or damaged postings file.
        raise IndexUnavailable(f"the search index is damaged ({error!r})") from error
    if not ids:
        return NO_POSTINGS
    return Postings(np.concatenate(ids), np.concatenate(weights), encoded if values else None)


def _read_compact(matcher, values: bool, among: np.ndarray | None) -> Postings:
    try:
        ids, weights, encoded = matcher.read(values, among, check=check_time)
    except SearchTooSlow:
        raise
    except Exception as error:  # A truncated or damaged postings file.
        raise IndexUnavailable(f"the search index is damaged ({error!r})") from error
    if not len(ids):
        return NO_POSTINGS
    postings = Postings(ids.astype(DOCNUM), weights, encoded if values else None)
    return postings if among is None else postings.among(among)


def _read_blocks(matcher, values: bool, among: np.ndarray | None):
    """A leaf matcher's postings, block by block: ids, weights and encoded values."""
    ids, weights, encoded = [], [], []
    next_wanted = 0  # index in ``among`` of the first document still to look for
    while matcher.is_active():
        check_time()
        if among is not None:
            if next_wanted == len(among):
                break
            target = among[next_wanted]
            # Whoosh knows each block's last id from its header: skip without decoding.
            matcher._skip_to_block(lambda target=target: matcher._maxid < target)  # noqa: SLF001
            if not matcher.is_active():
                break
        # Whoosh decodes a whole block's ids, weights and values at once in these methods.
        matcher._read_ids()  # noqa: SLF001
        matcher._read_weights()  # noqa: SLF001
        block_ids = np.asarray(matcher._ids, dtype=DOCNUM)  # noqa: SLF001
        chosen = slice(None)
        if among is not None:
            chosen = np.flatnonzero(np.isin(block_ids, among, assume_unique=True))
            next_wanted = int(np.searchsorted(among, block_ids[-1], side="right"))
        ids.append(block_ids[chosen])
        weights.append(np.asarray(matcher._weights, dtype=np.float64)[chosen])  # noqa: SLF001
        if values:
            matcher._read_values()  # noqa: SLF001
            block_values = matcher._values  # noqa: SLF001
            if among is None:
                encoded.extend(block_values)
            else:
                encoded.extend(block_values[i] for i in chosen)
        matcher._next_block()  # noqa: SLF001
    return ids, weights, encoded


# Whoosh's Positions format stores a posting's positions as a 4-byte count, then a
# protocol-2 pickle of the list of position deltas: the protocol header, list-building
# opcodes, and (usually) the stop byte.
_PICKLE_HEADER = _INT_SIZE + 2


def _list_opcodes(value: bytes) -> bytes:
    return value[_PICKLE_HEADER:-1] if value.endswith(b".") else value[_PICKLE_HEADER:]


def term_positions(postings: Postings, chosen: np.ndarray):
    """(document, position) of each occurrence in the postings marked in ``chosen`` (a
    boolean array over the postings), decoded from their encoded values."""
    chosen = np.flatnonzero(chosen)
    if not len(chosen):
        return EMPTY, np.empty(0, dtype=DOCNUM)
    values = postings.values
    if isinstance(values, EncodedValues):
        selected = values if len(chosen) == len(values) else values.select(chosen)
        if not selected.any_pickled():
            counts, deltas = selected.counts_and_gaps()
            return _positions_from_gaps(postings.docs[chosen], counts, deltas)
        values, chosen = selected.items(), np.arange(len(selected))  # merged from old
    # Whoosh's own format. One unpickling for all of them: the lists' opcodes between a
    # mark and "make a list".
    if any(not values[i].startswith(b"\x00") for i in chosen):  # compact, merged with old
        return _positions_one_by_one(postings.docs[chosen], [values[i] for i in chosen])
    opcodes = b"".join([_list_opcodes(values[i]) for i in chosen])
    lists = loads(b"\x80\x02(" + opcodes + b"l.")
    counts = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
    deltas = np.fromiter(chain.from_iterable(lists), dtype=np.int64, count=int(counts.sum()))
    return _positions_from_gaps(postings.docs[chosen], counts, deltas)


def _positions_from_gaps(docs: np.ndarray, counts: np.ndarray, deltas: np.ndarray):
    running = np.cumsum(deltas)
    # Each document's deltas restart from 0: subtract the running total before it.
    ends = np.cumsum(counts)
    before = np.concatenate(([0], running[ends[:-1] - 1]))
    positions = (running - np.repeat(before, counts)).astype(DOCNUM)
    return np.repeat(docs, counts), positions


def _positions_one_by_one(docs: np.ndarray, values: list[bytes]):
    """Values of both formats mixed (an older generation whose segments were merged with
    newer ones): each decoded by the format, which tells them apart."""
    lists = [POSITIONS_FORMAT.decode_positions(value) for value in values]
    counts = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
    positions = np.fromiter(chain.from_iterable(lists), dtype=np.int64, count=int(counts.sum()))
    return np.repeat(docs, counts), positions.astype(DOCNUM)


def term_docs(reader, fieldname: str, text) -> np.ndarray:
    return term_postings(reader, fieldname, text).docs


def segment_key(reader) -> tuple[str | None, str]:
    """What identifies a segment across readers and indexes: its folder and its id (Whoosh
    draws ids from the random module, which a process may have seeded)."""
    storage = reader.storage()
    storage = getattr(storage, "b", storage)  # a compound segment's overlay storage
    return getattr(storage, "folder", None), reader.segment().segment_id()


def marked(docs: np.ndarray, size: int) -> np.ndarray:
    """A boolean array over a segment's ``size`` documents, true at ``docs``."""
    mask = np.zeros(size, dtype=bool)
    mask[docs] = True
    return mask


def deleted_mask(reader) -> np.ndarray | None:
    if not reader.has_deletions():
        return None
    return marked(np.fromiter(reader.deleted_docs_set, dtype=DOCNUM), reader.doc_count_all())


class IndexStatistics:
    """The whole index's statistics a search's scoring reads, each looked up once: a
    word's document frequency sums a lookup in every segment, and asked again for every
    segment and field it cost a question more than scoring did."""

    def __init__(self, top_searcher):
        self.searcher = top_searcher
        self.documents = top_searcher.doc_count_all()
        self._frequencies: dict = {}
        self._held: dict = {}
        self._averages: dict = {}
        self._idfs: dict = {}

    def doc_frequency(self, fieldname: str, text) -> int:
        key = (fieldname, text)
        if key not in self._frequencies:
            self._frequencies[key] = self.searcher.doc_frequency(fieldname, text)
        return self._frequencies[key]

    def holds(self, fieldname: str, text) -> bool:
        """Whether some segment has the term: the first that has it answers, where its
        frequency would be looked up in every segment."""
        key = (fieldname, text)
        if key in self._frequencies:
            return self._frequencies[key] > 0
        if key not in self._held:
            self._held[key] = key in self.searcher.reader()
        return self._held[key]

    def avg_field_length(self, fieldname: str) -> float:
        if fieldname not in self._averages:
            self._averages[fieldname] = self.searcher.avg_field_length(fieldname)
        return self._averages[fieldname]

    def idf(self, fieldname: str, text) -> float:
        """Whoosh's own idf, as its BM25F scores a single field's term."""
        key = (fieldname, text)
        if key not in self._idfs:
            self._idfs[key] = self.searcher.idf(fieldname, text)
        return self._idfs[key]


class Evaluator:
    """Evaluates queries on one segment; ``top_searcher`` gives the whole index's
    statistics (document frequencies, average field lengths; ``statistics`` keeps them
    for a search's segments), ``facts`` the segment's cached arrays
    (``segment_facts.SegmentFacts``: per-document field lengths)."""

    def __init__(self, searcher, top_searcher, facts, statistics: IndexStatistics | None = None):
        self.searcher = searcher
        self.reader = searcher.reader()
        self.top = statistics or IndexStatistics(top_searcher)
        self.facts = facts
        self.size = self.reader.doc_count_all()
        self.segment = segment_key(self.reader)  # the postings cache's key prefix

    def live(self, query) -> Scored:
        """Matching live documents of the segment, with scores."""
        scored = self.evaluate(query)
        mask = deleted_mask(self.reader)
        if mask is None or not len(scored.docs):
            return scored
        keep = ~mask[scored.docs]
        return Scored(scored.docs[keep], scored.scores[keep])

    def evaluate(self, query) -> Scored:
        check_time()
        q = whoosh_query
        if isinstance(query, q.Term):
            return self._term(query)
        if isinstance(query, CombinedFields):
            return self._combined(query)
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
        if isinstance(query, q.MultiTerm):  # prefix, wildcard, fuzzy: the terms it covers
            expanded = self.evaluate(query.simplify(self.reader))
            if query.constantscore:  # as Whoosh scores them: every match alike
                return Scored.unscored(expanded.docs, query.boost)
            return expanded
        docs = np.fromiter(query.docs(self.searcher), dtype=DOCNUM)
        return Scored.unscored(docs, query.boost)

    def _phrase(self, phrase) -> Scored:
        """Documents holding the words next to each other, in order; scored as the words
        are."""
        if len(phrase.words) < 2 or phrase.slop != 1:
            words = [self._term(whoosh_query.Term(phrase.fieldname, w)) for w in phrase.words]
            docs = _intersection(words, self.size).docs
            if len(words) > 1 and len(docs):
                docs = np.fromiter(phrase.docs(self.searcher), dtype=DOCNUM)
            return Scored(docs, sum(word.take(docs).scores for word in words) * phrase.boost)
        # The rarest word first. Where the documents holding the rarer words are fewer
        # than the next word's blocks, its postings are read only in the blocks holding
        # them; otherwise all of them, once, through the postings cache (reading nearly
        # every block one by one cost more, and again for every search).
        frequency = [self.reader.doc_frequency(phrase.fieldname, w) for w in phrase.words]
        if not min(frequency):  # a word the field never holds: no posting need be read
            return Scored.empty()
        # Pairs of frequent words are listed with their documents (common_pairs.py).
        candidates = self._pair_documents(phrase.fieldname, phrase.words)
        if candidates is not None and len(phrase.words) == 2:
            return self._scored_phrase(phrase, candidates, [None, None])
        occurrences: list = [None] * len(phrase.words)
        for i in sorted(range(len(phrase.words)), key=frequency.__getitem__):
            if candidates is not None and len(candidates) * BLOCK_POSTINGS < frequency[i]:
                occurrences[i] = Positioned.decode(
                    term_postings(
                        self.reader,
                        phrase.fieldname,
                        phrase.words[i],
                        values=True,
                        among=candidates,
                    )
                )
            else:
                occurrences[i] = self._positioned(phrase.fieldname, phrase.words[i])
            found = occurrences[i].docs
            candidates = found if candidates is None else sorted_intersection(candidates, found)
        docs = candidates
        if len(docs):
            wanted = marked(candidates, self.size)
            starts = None  # (doc << 32) + position where the phrase could start
            for offset, word in enumerate(occurrences):
                owners, positions = word.at(wanted)
                keys = (owners.astype(np.int64) << 32) + (positions.astype(np.int64) - offset)
                # Both sorted and unique: documents ascend, positions ascend within each.
                starts = keys if starts is None else sorted_intersection(starts, keys)
            docs = _sorted_unique((starts >> 32).astype(DOCNUM))
        return self._scored_phrase(phrase, docs, occurrences)

    def _scored_phrase(self, phrase, docs: np.ndarray, postings: list) -> Scored:
        """A phrase's documents, scored as its words are (postings read if not given)."""
        words = [
            self._scored(
                phrase.fieldname,
                word,
                1.0,
                read if read is not None else self._postings(phrase.fieldname, word),
            )
            for word, read in zip(phrase.words, postings, strict=True)
        ]
        return Scored(docs, sum(word.take(docs).scores for word in words) * phrase.boost)

    def _pair_documents(self, fieldname: str, words) -> np.ndarray | None:
        """The documents holding every listed pair of neighbouring words of a phrase, or
        None when no pair is listed (or the segment lists none)."""
        pairs = common_pairs.of_segment(self.reader, self.segment).get(fieldname)
        if pairs is None:
            return None
        found = None
        for first, second in zip(words, words[1:], strict=False):
            docs = pairs.documents(first, second)
            if docs is not None:
                found = docs if found is None else sorted_intersection(found, docs)
        return found

    def _positioned(self, fieldname: str, word) -> "Positioned":
        key = (*self.segment, fieldname, word, "positions")
        return postings_cache.cache.get(
            key,
            lambda: Positioned.decode(term_postings(self.reader, fieldname, word, values=True)),
        )

    def _postings(self, fieldname: str, text) -> Postings:
        """A term's postings in this segment, through the process's postings cache."""
        key = (*self.segment, fieldname, text)
        return postings_cache.cache.get(key, lambda: term_postings(self.reader, fieldname, text))

    def _term(self, term) -> Scored:
        postings = self._postings(term.fieldname, term.text)
        return self._scored(term.fieldname, term.text, term.boost, postings)

    def _combined(self, query: CombinedFields) -> Scored:
        """BM25F: the word's frequency in each field, weighted and normalised by the
        field's length, summed, then saturated once; idf from the field where the word
        is most frequent."""
        weighted = np.zeros(self.size)
        for fieldname, weight, postings in self._fields_of(query):
            weighted[postings.docs] += weight * self._normalised(fieldname, postings)
        docs = np.flatnonzero(weighted).astype(DOCNUM)
        if not len(docs):
            return Scored.empty()
        return Scored(docs, self._saturated(query, weighted[docs]))

    def combined_among(self, words: list[CombinedFields], docs: np.ndarray) -> np.ndarray:
        """The summed BM25F scores of ``words`` for ``docs`` alone (sorted, unique),
        0 where a document has none of them: each posting list is looked up at those
        documents, so the cost follows their number, not the words' frequency."""
        total = np.zeros(len(docs))
        for word in words:
            check_time()
            weighted = np.zeros(len(docs))
            for fieldname, weight, postings in self._fields_of(word):
                found = np.searchsorted(postings.docs, docs)
                found[found == len(postings.docs)] = 0
                held = postings.docs[found] == docs
                if held.any():
                    at = Postings(docs[held], postings.frequencies[found[held]])
                    weighted[held] += weight * self._normalised(fieldname, at)
            total += np.where(weighted > 0, self._saturated(word, weighted), 0.0)
        return total

    def _fields_of(self, query: CombinedFields):
        """(field, weight, postings) of each field the word has postings in."""
        for fieldname, text, weight in query.weighted:
            postings = self._postings(fieldname, text)
            if len(postings.docs):
                yield fieldname, weight, postings

    def _normalised(self, fieldname: str, postings: Postings) -> np.ndarray:
        """The postings' frequencies normalised by their field's length (BM25's b)."""
        average = self.top.avg_field_length(fieldname) or 1
        lengths = self.facts.lengths(self.reader, fieldname)[postings.docs]
        lengths = np.where(lengths > 0, lengths, 1)
        return postings.frequencies / ((1 - ranking.B) + ranking.B * lengths / average)

    def _saturated(self, query: CombinedFields, weighted: np.ndarray) -> np.ndarray:
        """Summed normalised frequencies saturated once (k1) and weighted by the idf of
        the field where the word is most frequent in the whole index."""
        frequency = max(self.top.doc_frequency(field, text) for field, text, _ in query.weighted)
        idf = ranking.inverse_document_frequency(self.top.documents, frequency)
        return idf * weighted * (ranking.K1 + 1) / (weighted + ranking.K1) * query.boost

    def _scored(self, fieldname: str, text, boost: float, postings: Postings) -> Scored:
        """BM25F, as Whoosh computes it, for every posting of a term."""
        docs, frequencies = postings.docs, postings.frequencies
        if not len(docs):
            return Scored.empty()
        if not self.reader.schema[fieldname].scorable:
            return Scored(docs, frequencies * boost)
        idf = self.top.idf(fieldname, text)
        average = self.top.avg_field_length(fieldname) or 1
        lengths = self.facts.lengths(self.reader, fieldname)[docs]
        lengths = np.where(lengths > 0, lengths, 1)
        scores = (
            idf * (frequencies * (K1 + 1)) / (frequencies + K1 * ((1 - B) + B * lengths / average))
        )
        return Scored(docs, scores * boost)


# From how many times longer the longer array is, binary search beats one merge.
MERGE_BELOW = 4


def sorted_intersection(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """The values in both of two sorted arrays of unique values, sorted (``np.intersect1d``
    sorts both again, most of a phrase's time when its words are common). Of similar
    lengths (a phrase's positions in the same documents), the two are merged in one
    pass: a stable sort (Timsort) of the two runs side by side; at 1,000,000 entries this
    took a Japanese phrase's text from 205 to 130 ms. Else each value of the shorter is
    looked up in the longer by binary search."""
    if len(first) > len(second):
        first, second = second, first
    if not len(first):
        return first
    if len(second) < MERGE_BELOW * len(first):
        both = np.concatenate((first, second))
        both.sort(kind="stable")
        return both[:-1][both[1:] == both[:-1]].astype(first.dtype, copy=False)
    found = np.searchsorted(second, first)
    found[found == len(second)] = len(second) - 1
    return first[second[found] == first]


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
        scores[child.docs] = child.scores
        keep = marked(child.docs, size)[result.docs]
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
    keep = ~marked(excluded, size)[wanted.docs]
    return Scored(wanted.docs[keep], wanted.scores[keep])
