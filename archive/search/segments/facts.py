"""Per-segment arrays of what filters, facets and date sorting need, built once.

A Whoosh segment never changes once written (only its deletions grow), so for each one
we read, once, which facet value every document has (topics: which values) and its
dated period, into numpy arrays. A search then filters and counts matching documents
with array operations instead of visiting them one by one. Arrays are kept for the most
recently used segments of any searcher in this process.
"""

import bisect
import contextlib
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.util.numeric import byte_to_length

from archive.search.fields import DATE_FIELDS, FACET_FIELDS
from archive.search.query.limits import not_counted
from archive.search.segments import facts_file
from archive.search.segments.docsets import DOCNUM, marked, segment_key, term_docs
from archive.search.sort_keys import KEY_BYTES

Lexicon = tuple[list[bytes], list[np.ndarray]]  # a field's terms, and each one's documents

CACHED_SEGMENTS = 64
NO_VALUE = -1


class ValueNumbers:
    """One number per facet value across every segment of this process's index, so that
    a facet of thousands of values (people, places) is counted into one array and its
    most frequent values kept by numpy, not merged segment by segment in a dictionary.
    Numbers are only ever added (a value no longer in the index keeps its number)."""

    def __init__(self):
        self.values: list[str] = []
        self.number: dict[str, int] = {}
        self._lock = threading.Lock()

    def numbers_of(self, values) -> np.ndarray:
        with self._lock:
            for value in values:
                if value not in self.number:
                    self.number[value] = len(self.values)
                    self.values.append(value)
            return np.array([self.number[value] for value in values], dtype=np.int64)


VALUE_NUMBERS: dict[str, ValueNumbers] = {
    facet.index_field: ValueNumbers() for facet in FACET_FIELDS
}


@dataclass(frozen=True)
class Vocabulary:
    values: tuple[str, ...]  # ordinal → value
    ordinal: dict[str, int]  # value → ordinal
    _numbers: dict = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, values) -> "Vocabulary":
        """The vocabulary of these values, in ordinal order."""
        values = tuple(values)
        return cls(values, {value: i for i, value in enumerate(values)})

    def ordinals(self, values) -> np.ndarray:
        return np.array([self.ordinal[v] for v in values if v in self.ordinal], dtype=DOCNUM)

    def whole_index_numbers(self, field_name: str) -> np.ndarray:
        """Each ordinal's number across segments (``ValueNumbers``), made once."""
        if field_name not in self._numbers:
            self._numbers[field_name] = VALUE_NUMBERS[field_name].numbers_of(self.values)
        return self._numbers[field_name]


@dataclass(frozen=True)
class SingleValued:
    """One value per document (or none)."""

    vocabulary: Vocabulary
    ordinals: np.ndarray  # per document; NO_VALUE where it has none

    def mask(self, values) -> np.ndarray:
        return np.isin(self.ordinals, self.vocabulary.ordinals(values))

    def counts(self, docs: np.ndarray) -> dict[str, int]:
        ordinals = self.ordinals[docs]
        counted = np.bincount(ordinals[ordinals >= 0], minlength=len(self.vocabulary.values))
        return _as_dict(self.vocabulary, counted)


@dataclass(frozen=True)
class MultiValued:
    """Any number of values per document, as compressed rows: the values of document d
    are ``ordinals[starts[d]:starts[d + 1]]``."""

    vocabulary: Vocabulary
    starts: np.ndarray
    ordinals: np.ndarray
    owners: np.ndarray  # the document of each position in ``ordinals``

    def mask(self, values) -> np.ndarray:
        chosen = np.isin(self.ordinals, self.vocabulary.ordinals(values))
        return marked(self.owners[chosen], len(self.starts) - 1)

    def counts(self, docs: np.ndarray) -> dict[str, int]:
        return _as_dict(self.vocabulary, self.counted(docs))

    def counted(self, docs: np.ndarray) -> np.ndarray:
        """How many of ``docs`` have each value, by ordinal."""
        first, lengths = self.starts[docs], self.starts[docs + 1] - self.starts[docs]
        total = int(lengths.sum())
        # Positions of every value of every doc: each doc's first position, then +1, +2…
        shift = np.repeat(first - np.cumsum(lengths) + lengths, lengths)
        positions = shift + np.arange(total, dtype=shift.dtype)
        return np.bincount(self.ordinals[positions], minlength=len(self.vocabulary.values))


def _as_dict(vocabulary: Vocabulary, counted: np.ndarray) -> dict[str, int]:
    return {vocabulary.values[i]: int(counted[i]) for i in np.flatnonzero(counted)}


@dataclass(frozen=True)
class SegmentFacts:
    facets: dict  # field name → SingleValued or MultiValued
    date_start: np.ndarray  # YYYYMMDD of a dated period's first day; 0 when undated
    date_end: np.ndarray  # … and of its last day; 0 when undated
    entry_ids: np.ndarray  # the entry each document stands for
    sort_titles: np.ndarray  # each document's title as it sorts (sort_keys.py), bytes
    _lengths: dict = field(default_factory=dict)

    def lengths(self, reader, fieldname: str) -> "FieldLengths":
        """Each document's length of a text field, as BM25F sees it (``reader`` is any
        open reader of this segment): ``lengths(reader, field)[docs]``."""
        if fieldname not in self._lengths:
            with not_counted():
                self._lengths[fieldname] = _field_lengths(reader, fieldname)
        return self._lengths[fieldname]


_LENGTH_OF_BYTE = np.array([byte_to_length(code) for code in range(256)], dtype=np.float64)


@dataclass(frozen=True)
class FieldLengths:
    """A text field's length in each document, kept as Whoosh stores it, one byte a
    document, and read out as lengths for the documents asked: as float64s the lengths
    took 8 MB a field for a million entries, in every worker (46 MiB of one's 531)."""

    codes: np.ndarray  # uint8, one a document

    def __getitem__(self, docs) -> np.ndarray:
        return _LENGTH_OF_BYTE[self.codes[docs]]


def _field_lengths(reader, fieldname: str) -> FieldLengths:
    """Whoosh keeps a field's lengths as one byte per document in a column: read it whole."""
    count = reader.doc_count_all()
    codes = np.zeros(count, dtype=np.uint8)
    column = reader._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)  # noqa: SLF001
    if column is not None:
        raw = column._dbfile.get(column._basepos, column._count)  # noqa: SLF001
        codes[: len(raw)] = np.frombuffer(raw, dtype=np.uint8)[:count]
    return FieldLengths(codes)


# The fields whose terms the facts are made of: the facets' and the dates'.
FIELDS_READ = (*(facet.index_field for facet in FACET_FIELDS), *DATE_FIELDS)


def _lexicon(reader, fieldname, lexicons) -> Lexicon:
    """A field's terms in order and each one's documents: as the segment's writer held
    them (``lexicons``), else read from its postings."""
    if lexicons is not None and fieldname in lexicons:
        return lexicons[fieldname]
    terms = list(reader.lexicon(fieldname)) if fieldname in reader.schema else []
    return terms, [term_docs(reader, fieldname, term) for term in terms]


def _vocabulary(reader, fieldname, lexicons) -> tuple[Vocabulary, list[np.ndarray]]:
    terms, docs = _lexicon(reader, fieldname, lexicons)
    return Vocabulary.of([term.decode("utf-8") for term in terms]), docs


def smallest_integers(largest: int, signed: bool = False) -> type:
    """The narrowest integer type holding 0…``largest`` (and NO_VALUE when signed).

    Facet counting reads a segment's ordinals, rows and owners for every matching
    document: in one or two bytes instead of four (a segment's topics, years, languages
    and kinds are a few hundred values at most; its documents, tens of thousands), a
    search over half the archive reads half the memory. Files written before keep their
    types (a side file names each array's type)."""
    kinds = (np.int8, np.int16, np.int32) if signed else (np.uint8, np.uint16, np.uint32)
    return next((kind for kind in kinds if largest <= np.iinfo(kind).max), np.int64)


def _single_valued(reader, fieldname, lexicons) -> SingleValued:
    vocabulary, docs = _vocabulary(reader, fieldname, lexicons)
    kind = smallest_integers(len(docs), signed=True)
    ordinals = np.full(reader.doc_count_all(), NO_VALUE, dtype=kind)
    for ordinal, term_docnums in enumerate(docs):
        ordinals[term_docnums] = ordinal
    return SingleValued(vocabulary, ordinals)


def _multi_valued(reader, fieldname, lexicons) -> MultiValued:
    vocabulary, docs = _vocabulary(reader, fieldname, lexicons)
    count = reader.doc_count_all()
    owners = np.concatenate(docs) if docs else np.empty(0, dtype=DOCNUM)
    ordinals = np.repeat(np.arange(len(docs), dtype=DOCNUM), [len(d) for d in docs])
    order = np.lexsort((ordinals, owners))
    owners, ordinals = owners[order], ordinals[order]
    starts = np.searchsorted(owners, np.arange(count + 1))
    return MultiValued(
        vocabulary,
        starts.astype(smallest_integers(len(owners), signed=True)),
        ordinals.astype(smallest_integers(len(docs))),
        owners.astype(smallest_integers(count)),
    )


def _dates(reader, fieldname, lexicons) -> np.ndarray:
    """A numeric field's value per document (0 where absent), from its full-precision
    terms (their first byte 0: Whoosh can also index coarser ones for range queries)."""
    values = np.zeros(reader.doc_count_all(), dtype=np.int32)
    if fieldname not in reader.schema:
        return values
    numeric = reader.schema[fieldname]
    for term, docs in zip(*_lexicon(reader, fieldname, lexicons), strict=True):
        if term[:1] == b"\x00":
            values[docs] = numeric.from_bytes(term)
    return values


def _stored(reader) -> tuple[np.ndarray, np.ndarray]:
    """Each document's entry id and sort title, from the stored fields read in one pass:
    a search needs the ids of its 20 hits, and reading a segment's stored fields one hit
    at a time is slow the first time."""
    count = reader.doc_count_all()
    ids = np.zeros(count, dtype=np.int64)
    titles = np.zeros(count, dtype=f"S{KEY_BYTES}")
    for docnum, stored in reader._perdoc.iter_docs():  # noqa: SLF001
        ids[docnum] = int(stored["entry_id"])
        titles[docnum] = stored.get("sort_title", "").encode("utf-8")[:KEY_BYTES]
    return ids, titles


def build(reader, lexicons: dict[str, Lexicon] | None = None) -> SegmentFacts:
    """A segment's facts, from its postings; or, for the fields of FIELDS_READ that
    ``lexicons`` holds, from the terms and documents the segment's writer had in hand
    (a rebuild spent a twentieth of its time reading back a segment's dates)."""
    facets = {
        facet.index_field: (_multi_valued if facet.multi_valued else _single_valued)(
            reader, facet.index_field, lexicons
        )
        for facet in FACET_FIELDS
    }
    start, end = (_dates(reader, name, lexicons) for name in DATE_FIELDS)
    return SegmentFacts(facets, start, end, *_stored(reader))


def entry_ids(searcher, docnums) -> list[int]:
    """The entry ids of documents of a searcher (numbers over all its segments)."""
    leaves = searcher.leaf_searchers()
    offsets = [offset for _, offset in leaves]
    found = []
    for docnum in docnums:
        leaf = bisect.bisect_right(offsets, docnum) - 1
        segment, offset = leaves[leaf]
        found.append(int(facts_for(segment.reader()).entry_ids[docnum - offset]))
    return found


_cache: OrderedDict = OrderedDict()
_lock = threading.Lock()


def stored_or_built(reader) -> SegmentFacts:
    """The segment's facts from its side file (``facts_file``), or built from its postings
    and written to that file for every other process (best effort: a read-only or full
    disk leaves them in this process alone)."""
    stored = read_side_file(reader)
    if stored is not None:
        return stored
    with not_counted():
        facts = build(reader)
    path = facts_file.path_of(reader)
    if path is not None:
        with contextlib.suppress(OSError):
            facts_file.write(path, facts)
    return facts


def read_side_file(reader) -> SegmentFacts | None:
    """The segment's facts as its side file holds them; None without a readable one."""
    path = facts_file.path_of(reader)
    stored = facts_file.read(path) if path is not None else None
    if stored is None:
        return None
    arrays, facets = stored
    return SegmentFacts({name: _stored_facet(*facet) for name, facet in facets.items()}, **arrays)


def _stored_facet(values: tuple, arrays: dict):
    """A facet read from a side file: several values a document when it has owners."""
    kind = MultiValued if "owners" in arrays else SingleValued
    return kind(Vocabulary.of(values), **arrays)


def write_side_file(reader, lexicons: dict[str, Lexicon] | None = None) -> None:
    """Build a new segment's facts and write its side file (what a rebuild does for each
    segment it writes, so that no search has to build them)."""
    path = facts_file.path_of(reader)
    if path is not None:
        facts_file.write(path, build(reader, lexicons))


def facts_for(reader) -> SegmentFacts:
    """The facts of one segment's reader, from the cache when it was read before."""
    key = segment_key(reader)
    with _lock:
        facts = _cache.get(key)
        if facts is None:
            facts = stored_or_built(reader)
            _cache[key] = facts
            while len(_cache) > CACHED_SEGMENTS:
                _cache.popitem(last=False)
        _cache.move_to_end(key)
        return facts


def clear():
    """Forget every segment's facts (they are read again from the index when needed)."""
    with _lock:
        _cache.clear()
