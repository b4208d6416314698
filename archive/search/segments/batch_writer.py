"""Writing index segments from many documents at once, with array operations.

Whoosh's writer handles one posting at a time in Python (each word a token object, a
pool of tuples sorted, each posting encoded and written on its own). Here a full-text
field is cut into pieces with one regular expression call, each distinct piece gets a
term number once (a dictionary), and a document's term numbers join its field's array
(``held.TextOccurrences``). Fields of other kinds (ids, keywords, names, the vocabulary)
are counted without Whoosh's tokens (``term_counts``; numbers by Whoosh's own
``field.index``) into columns (``held.TermPostings``). At the end each field's postings
are sorted by term in one stable sort and encoded whole
(``compact_postings.encode_field``), and the terms file written a chunk at a time.
Stored fields, field lengths and columns go through Whoosh's own per-document writer. A
test compares the segments with those Whoosh's own writer makes of the same documents.

Memory is bounded: the segment is written and a new one begun when the occurrences held
reach ``limitmb`` (at BYTES_PER_OCCURRENCE each), or sooner when the process's resident
memory and what writing them will add (WRITE_BYTES_PER_OCCURRENCE each) would pass it: a
worker that has written many segments holds more than one that has written few (its
allocator's free pieces). Writing sorts and encodes every occurrence, a piece at a time
where an array would be eight bytes a value, so that a worker's resident memory at its
peak stays under ``limitmb``.
"""

import contextlib
import os
from collections import defaultdict

import numpy as np
from whoosh.index import TOC, LockError, clean_files
from whoosh.reading import SegmentReader

from archive.search.analysis import ScriptAnalyzer
from archive.search.fields import ONCE_PER_SEGMENT, VOCABULARY_FIELDS
from archive.search.segments import common_pairs, facts, term_counts, varints
from archive.search.segments.compact_postings import FieldPostings, encode_field
from archive.search.segments.docsets import DOCNUM
from archive.search.segments.format import SEGMENT_FILES, CompactPositions
from archive.search.segments.held import STOPPED, TermPostings, TextOccurrences

RUN_CHUNK = 1 << 20  # postings whose values' byte lengths ``run_sums`` adds at a time
# An occurrence's share of the setting: ~21-28 bytes held, ~27 more while the segment is
# sorted and encoded, and the process itself (Python, its caches, the allocator's free
# pieces: 200-450 MiB). At the default 1,280 MiB a segment holds ~14.9 million (docs/
# performance.md step 16); the resident-memory check below cuts one short when needed.
BYTES_PER_OCCURRENCE = 90
# What writing a segment adds to a worker's memory an occurrence held (measured 26.8-29.1).
WRITE_BYTES_PER_OCCURRENCE = 32
RESIDENT_EVERY = 256  # documents between two readings of the process's resident memory
_PAGE_BYTES = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def resident_bytes() -> int | None:
    """The process's resident memory now (Linux's /proc), None where it cannot be read."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * _PAGE_BYTES
    except (OSError, ValueError, IndexError):
        return None


@contextlib.contextmanager
def index_locked(index):
    """Hold the index's write lock (as Whoosh's writers take it) while its new content is
    built, here or in other processes; then ``replace_content``."""
    lock = index.lock("WRITELOCK")
    if not lock.acquire():
        raise LockError(f"the index {index.indexname!r} is being written")
    try:
        yield
    finally:
        lock.release()


def replace_content(index, segments: list):
    """Make these segments the whole index: a new table of contents, files of any other
    segment removed (as Whoosh's writer commits)."""
    segments = [segment for segment in segments if segment.doc_count_all()]
    generation = index.latest_generation() + 1
    TOC(index.schema, segments, generation).write(index.storage, index.indexname)
    clean_files(index.storage, index.indexname, generation, segments)


def _is_array_field(field) -> bool:
    return isinstance(field.format, CompactPositions) and isinstance(field.analyzer, ScriptAnalyzer)


class SegmentBuilder:
    """Adds documents to new segments of ``index`` (whose writer lock the caller holds)
    and returns the segments written, for the caller's table of contents."""

    def __init__(self, index, limitmb: int, vocabulary: bool = False):
        """With ``vocabulary``, documents come without their ``vocabulary`` field and
        each gets the words of its VOCABULARY_FIELDS not seen before in its segment (as
        a rebuild gives each word to the first entry that has it)."""
        self.storage = index.storage
        self.schema = index.schema
        self.indexname = index.indexname
        self.codec = SEGMENT_FILES["codec"]
        self.limit_bytes = max(1, limitmb) * 1_048_576
        self.budget = self.limit_bytes // BYTES_PER_OCCURRENCE
        self.segments = []
        self.array_fields = {name for name, field in self.schema.items() if _is_array_field(field)}
        self.counting = {
            name: term_counts.counting_for(field) for name, field in self.schema.items()
        }
        self.vocabulary = vocabulary
        self._begin()

    def _begin(self):
        self.segment = self.codec.new_segment(self.storage, self.indexname)
        self.perdoc = self.codec.per_document_writer(self.storage, self.segment)
        self.docnum = 0
        self.term_numbers: dict[str, int] = {}  # term text → number
        self.pieces: dict[tuple, dict[str, int]] = defaultdict(dict)  # piece → term number
        self.occurrences = defaultdict(TextOccurrences)  # the text fields' words
        self.held = 0  # occurrences held
        self.postings = defaultdict(TermPostings)  # the other fields' postings
        self.terms_seen: set[str] = set()  # of ONCE_PER_SEGMENT fields, in this segment

    def add(self, document: dict):
        """One document, as ``SegmentWriter.add_document`` takes it."""
        docnum = self.docnum
        self.perdoc.start_doc(docnum)
        self.new_words: set[str] = set()
        for fieldname in sorted(name for name in document if not name.startswith("_")):
            value = document[fieldname]
            if value is None:
                continue
            field = self.schema[fieldname]
            if fieldname in ONCE_PER_SEGMENT:
                value = self._first_in_segment(value)
                if not value:
                    continue
            length = 0
            if field.indexed:
                if fieldname in self.array_fields:
                    length = self._add_text(fieldname, field, value)
                else:
                    length = self._add_terms(fieldname, field, value)
            self.perdoc.add_field(fieldname, field, value if field.stored else None, length)
            if field.column_type:
                self.perdoc.add_column_value(
                    fieldname, field.column_type, field.to_column_value(value)
                )
        if self.vocabulary and self.new_words:
            field = self.schema["vocabulary"]
            length = self._add_terms("vocabulary", field, " ".join(sorted(self.new_words)))
            self.perdoc.add_field("vocabulary", field, None, length)
        self.perdoc.finish_doc()
        self.docnum += 1
        if self.held >= self.budget or (
            self.docnum % RESIDENT_EVERY == 0 and self._writing_would_pass_the_limit()
        ):
            self._write_segment()

    def _writing_would_pass_the_limit(self) -> bool:
        resident = resident_bytes()
        return (
            resident is not None
            and resident + WRITE_BYTES_PER_OCCURRENCE * self.held >= self.limit_bytes
        )

    def _first_in_segment(self, value: str) -> str:
        """The terms of a field listed once a segment (``fields.ONCE_PER_SEGMENT``) that no
        earlier document of the segment has given."""
        new = [term for term in dict.fromkeys(value.split()) if term not in self.terms_seen]
        self.terms_seen.update(new)
        return " ".join(new)

    def _add_text(self, fieldname: str, field, value: str) -> int:
        analyzer = field.analyzer
        # The fields whose words the vocabulary takes number their pieces apart from the
        # others': a piece they have not numbered yet is one no earlier document of the
        # segment gave the vocabulary.
        suggested = self.vocabulary and fieldname in VOCABULARY_FIELDS
        known = self.pieces[(analyzer.stemming, analyzer.minsize, suggested)]
        pieces = analyzer.pieces(value)
        numbers = list(map(known.get, pieces))
        if None in numbers:
            if suggested:
                new = (
                    piece for piece, number in zip(pieces, numbers, strict=True) if number is None
                )
                self.new_words.update(new)
            numbers = [
                self._number(known, analyzer, piece) if number is None else number
                for piece, number in zip(pieces, numbers, strict=True)
            ]
        count = self.occurrences[fieldname].add(self.docnum, numbers)
        self.held += count
        return count if field.scorable else 0

    def _number(self, known: dict, analyzer, piece: str) -> int:
        text, stopped = analyzer.form(piece)
        number = STOPPED if stopped else self.term_numbers.setdefault(text, len(self.term_numbers))
        known[piece] = number
        return number

    def _add_terms(self, fieldname: str, field, value) -> int:
        counting = self.counting[fieldname]
        postings = self.postings[fieldname]
        if counting is not None and isinstance(value, str):
            length = postings.add_counts(
                self.docnum,
                counting(value),
                field.format.field_boost,
                term_counts.keeps_frequencies(field),
            )
        else:
            length = postings.add_document(self.docnum, list(field.index(value)))
        return length if field.scorable else 0

    def finish(self) -> list:
        """Write what is held; the segments written, in order."""
        if self.docnum:
            self._write_segment()
        else:
            self.perdoc.close()
        return self.segments

    def _write_segment(self):
        self.perdoc.close()
        fields = self.codec.field_writer(self.storage, self.segment)
        pairs, lexicons = {}, {}
        for fieldname in sorted(set(self.occurrences) | set(self.postings)):
            fields.start_field(fieldname, self.schema[fieldname])
            if fieldname in self.occurrences:
                occurrences = self.occurrences[fieldname]
                self._write_text_postings(fields, occurrences)
                pairs[fieldname] = _pairs_of(occurrences, list(self.term_numbers))
            else:
                lexicon = self._write_term_postings(fields, self.postings[fieldname])
                if fieldname in facts.FIELDS_READ and lexicon is not None:
                    lexicons[fieldname] = lexicon
            fields.finish_field()
        fields.close()
        common_pairs.write(self.storage, self.segment, pairs)
        self.segment.set_doc_count(self.docnum)
        written = self.segment
        self.segments.append(written)
        self._begin()  # lets go of the segment's postings before its facts are read
        # Its facts too, here where the segment was written, not in a search's time.
        reader = SegmentReader(self.storage, self.schema, written)
        try:
            facts.write_side_file(reader, lexicons)
        finally:
            reader.close()

    def _write_term_postings(self, fields, postings: TermPostings) -> "facts.Lexicon | None":
        """Write a field's postings; its terms and each one's documents, for its facts."""
        arranged = postings.arranged()
        if arranged is not None:
            field_postings, terms = arranged
            self._write_encoded(fields, field_postings, terms)
            starts = field_postings.term_starts
            docs = field_postings.docs.astype(DOCNUM)
            return terms, np.split(docs, starts[1:-1]) if terms else []
        for term, group in postings.by_term():  # a weight that is not a whole number
            fields.start_term(term)
            for docnum, weight, encoded in group:
                fields.add(docnum, weight, encoded, None)
            fields.finish_term()
        return None

    def _write_text_postings(self, fields, occurrences: TextOccurrences):
        texts = list(self.term_numbers)  # by number
        field_postings, terms = text_postings(occurrences, texts)
        self._write_encoded(fields, field_postings, [term.encode("utf-8") for term in terms])

    def _write_encoded(self, fields, postings: FieldPostings, terms: list[bytes]):
        fields.add_encoded_terms(terms, encode_field(postings, self.codec._blocklimit))  # noqa: SLF001


def _pairs_of(occurrences: TextOccurrences, texts: list[str]):
    return common_pairs.field_pairs(occurrences.word_docs(), occurrences.kept_numbers(), texts)


def text_postings(
    occurrences: TextOccurrences, texts: list[str]
) -> tuple[FieldPostings, list[str]]:
    """A field's occurrences as postings sorted by term text (Python orders strings as
    UTF-8 orders their bytes, the order of the terms file), and the terms in that order.

    Arrays of 32 bits, each let go once used: a segment's occurrences are tens of
    millions, and this is the peak of a rebuild's memory."""
    counts = occurrences.kept_counts()
    numbers = occurrences.kept_numbers()
    # Each word's position in its document (its document's first, then one by one):
    # its place among the kept words less where its document's words begin, plus the
    # document's first position.
    firsts = np.frombuffer(occurrences.firsts, dtype=np.int32).astype(np.int64)
    positions = np.repeat((np.cumsum(counts) - counts - firsts).astype(np.int32), counts)
    np.subtract(np.arange(len(positions), dtype=np.int32), positions, out=positions)
    used = np.unique(numbers)
    used_texts = [texts[number] for number in used.tolist()]
    order = sorted(range(len(used)), key=used_texts.__getitem__)
    rank = np.empty(len(texts), dtype=np.int32)
    rank[used[order]] = np.arange(len(used), dtype=np.int32)
    ranked = rank[numbers]
    del numbers
    # Stable: within a term, occurrences stay in document order, positions ascending.
    # Each array is reordered and the one before let go in turn: the largest moment of
    # a rebuild's memory (~24 bytes a word).
    by_term = np.argsort(ranked, kind="stable")
    ranked = ranked[by_term]
    positions = positions[by_term]
    docs = occurrences.word_docs()[by_term]
    del by_term

    new_posting = np.ones(len(ranked), dtype=bool)
    new_posting[1:] = (ranked[1:] != ranked[:-1]) | (docs[1:] != docs[:-1])
    starts = np.flatnonzero(new_posting)
    del new_posting
    frequencies = np.diff(np.append(starts, len(ranked))).astype(np.int32)
    posting_terms = ranked[starts]
    del ranked
    new_term = np.ones(len(starts), dtype=bool)
    new_term[1:] = posting_terms[1:] != posting_terms[:-1]
    term_starts = np.append(np.flatnonzero(new_term), len(starts))
    docs = docs[starts]

    # Each posting's value (CompactPositions): its frequency, then its position gaps.
    gaps = np.diff(positions, prepend=np.int32(0))
    gaps[starts] = positions[starts]
    del positions
    count_at = starts + np.arange(len(starts))
    is_gap = np.ones(len(gaps) + len(starts), dtype=bool)
    is_gap[count_at] = False
    numbers_of_values = np.empty(len(is_gap), dtype=np.uint32)
    numbers_of_values[count_at] = frequencies
    numbers_of_values[is_gap] = gaps
    del gaps, is_gap
    value_bytes, byte_counts = varints.encode_array(numbers_of_values)
    del numbers_of_values
    postings = FieldPostings(
        term_starts=term_starts,
        docs=docs,
        weights=frequencies,
        value_bytes=value_bytes,
        value_lengths=run_sums(byte_counts, count_at),
    )
    return postings, [used_texts[i] for i in order]


def run_sums(values: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """``np.add.reduceat(values, starts)`` in 64 bits (each run from its start to the
    next, non-empty), RUN_CHUNK runs at a time: reduceat casts its whole input to the
    sum's type first, eight bytes a value of a segment's tens of millions."""
    chunk = RUN_CHUNK
    sums = np.empty(len(starts), dtype=np.int64)
    for first in range(0, len(starts), chunk):
        runs = starts[first : first + chunk]
        end = starts[first + chunk] if first + chunk < len(starts) else len(values)
        part = values[runs[0] : end].astype(np.int64)
        sums[first : first + len(runs)] = np.add.reduceat(part, runs - runs[0])
    return sums
