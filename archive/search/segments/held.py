"""What a segment builder (``batch_writer``) holds of its documents until it writes
the segment: each text field's words as term numbers, and each other field's postings,
in arrays that grow, with each distinct term and value kept once."""

from array import array

import numpy as np

from archive.search.segments import term_counts
from archive.search.segments.compact_postings import FieldPostings

_CHUNK = 65_536  # postings of a field turned into Python numbers at a time, when written
STOPPED = -1  # the term number of a piece the index leaves out (a stop word)


class TermPostings:
    """A field's postings (term, document, weight, encoded value) as the documents add
    them, held in columns: each distinct term and value once, the rest as numbers. As
    tuples they were most of what a rebuild's worker held (114 of 199 MiB for 10,000
    entries: names, keywords and facets repeat the same few terms and values)."""

    def __init__(self):
        self.term_number: dict[bytes, int] = {}
        self.value_number: dict[bytes, int] = {}
        self.terms = array("i")
        self.docs = array("i")
        self.weights = array("d")
        self.values = array("i")

    def add_document(self, docnum: int, postings: list) -> int:
        """A document's postings, (term, frequency, weight, encoded value) as
        ``field.index`` yields them; the sum of their frequencies."""
        term_number, value_number = self.term_number, self.value_number
        self.terms.extend([term_number.setdefault(term, len(term_number)) for term, *_ in postings])
        self.docs.extend([docnum] * len(postings))
        self.weights.extend([weight for _, _, weight, _ in postings])
        self.values.extend(
            [value_number.setdefault(value, len(value_number)) for *_, value in postings]
        )
        return sum(frequency for _, frequency, _, _ in postings)

    def add_counts(self, docnum: int, counts: dict, boost: float, frequencies: bool) -> int:
        """A document's terms and how often each is in it (``term_counts``), stored as
        ``add_document`` stores what ``field.index`` yields for the same value, without a
        tuple a term; the sum of their frequencies."""
        term_number, value_number = self.term_number, self.value_number
        terms = [term.encode("utf-8") for term in counts]
        self.terms.extend([term_number.setdefault(term, len(term_number)) for term in terms])
        self.docs.extend([docnum] * len(terms))
        if not frequencies:
            self.weights.extend([boost] * len(terms))
            self.values.extend([value_number.setdefault(b"", len(value_number))] * len(terms))
            return len(terms)
        counted = list(counts.values())
        self.weights.extend([frequency * boost for frequency in counted])
        self.values.extend(
            [
                value_number.setdefault(term_counts.encoded_frequency(frequency), len(value_number))
                for frequency in counted
            ]
        )
        return sum(counted)

    def arranged(self) -> "tuple[FieldPostings, list[bytes]] | None":
        """The postings sorted by term then document as ``encode_field`` takes them, and
        the terms in that order; None when a weight is not a whole number (a field
        boost), which only ``encode_term`` writes (``by_term``). Array operations over
        the whole field: per posting in Python, this was a third of a segment's
        writing."""
        weights = np.frombuffer(self.weights, dtype=np.float64)
        if len(weights) and not (
            np.all(weights >= 0)
            and np.all(weights < 2**32)
            and np.all(weights == np.floor(weights))
        ):
            return None
        texts, order = self._in_term_order()
        numbers = np.frombuffer(self.terms, dtype=np.int32)[order]
        new_term = np.ones(len(numbers), dtype=bool)
        new_term[1:] = numbers[1:] != numbers[:-1]
        term_starts = np.append(np.flatnonzero(new_term), len(numbers))
        value_lengths, value_bytes = _gathered(
            list(self.value_number), np.frombuffer(self.values, dtype=np.int32)[order]
        )
        postings = FieldPostings(
            term_starts=term_starts,
            docs=np.frombuffer(self.docs, dtype=np.int32)[order],
            weights=weights[order].astype(np.int64),
            value_bytes=value_bytes,
            value_lengths=value_lengths,
        )
        return postings, [texts[number] for number in numbers[term_starts[:-1]].tolist()]

    def _in_term_order(self) -> tuple[list[bytes], np.ndarray]:
        """The distinct terms by number, and the postings' order: by the terms' bytes
        (the terms file's order), each term's postings as added (in document order)."""
        texts = list(self.term_number)
        rank = np.empty(len(texts), dtype=np.int64)
        rank[sorted(range(len(texts)), key=texts.__getitem__)] = np.arange(len(texts))
        return texts, np.argsort(rank[np.frombuffer(self.terms, dtype=np.int32)], kind="stable")

    def by_term(self):
        """(term, [(document, weight, encoded value)…]) in term order, each term's
        documents ascending (they were added in document order). Read in chunks: the
        whole field as Python numbers would be the writer's largest allocation."""
        texts, order = self._in_term_order()
        values = list(self.value_number)
        terms = np.frombuffer(self.terms, dtype=np.int32)
        docs = np.frombuffer(self.docs, dtype=np.int32)
        weights = np.frombuffer(self.weights, dtype=np.float64)
        value_numbers = np.frombuffer(self.values, dtype=np.int32)
        current, group = None, []
        for at in range(0, len(order), _CHUNK):
            chunk = order[at : at + _CHUNK]
            for term, doc, weight, value in zip(
                terms[chunk].tolist(),
                docs[chunk].tolist(),
                weights[chunk].tolist(),
                value_numbers[chunk].tolist(),
                strict=True,
            ):
                if term != current:
                    if group:
                        yield texts[current], group
                    current, group = term, []
                group.append((doc, weight, values[value]))
        if group:
            yield texts[current], group


def _gathered(values: list[bytes], numbers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The byte lengths of ``values[n]`` for each n of ``numbers``, and those values'
    bytes one after the other (uint8)."""
    lengths_of = np.array([len(value) for value in values], dtype=np.int64)
    starts_of = np.cumsum(lengths_of) - lengths_of
    lengths = lengths_of[numbers] if len(values) else np.zeros(0, dtype=np.int64)
    table = np.frombuffer(b"".join(values), dtype=np.uint8)
    ends = np.cumsum(lengths)
    at = np.repeat(starts_of[numbers] - (ends - lengths), lengths) + np.arange(
        int(ends[-1]) if len(ends) else 0
    )
    return lengths, table[at]


class TextOccurrences:
    """A text field's words in a segment, in document order: for each document with a
    word kept, its number, how many words it keeps and the place of the first, and the
    term numbers of all its pieces (stop words as STOPPED), in arrays that grow: one
    ``extend`` a document, not a numpy array a document and field."""

    def __init__(self):
        self.docs = array("i")
        self.counts = array("i")
        self.firsts = array("i")
        self.numbers = array("i")

    def add(self, docnum: int, numbers: list[int]) -> int:
        """A document's pieces' term numbers, in order; how many are kept."""
        count = len(numbers) - numbers.count(STOPPED)
        if count:
            # Positions skip stop words: the first word kept is at its place among all
            # pieces, the others follow it one by one (as ScriptAnalyzer numbers them).
            first = 0
            while numbers[first] == STOPPED:
                first += 1
            self.docs.append(docnum)
            self.counts.append(count)
            self.firsts.append(first)
            self.numbers.extend(numbers)
        return count

    def kept_counts(self) -> np.ndarray:
        return np.frombuffer(self.counts, dtype=np.int32).astype(np.int64)

    def kept_numbers(self) -> np.ndarray:
        """The term numbers of the words kept, document after document."""
        numbers = np.frombuffer(self.numbers, dtype=np.int32)
        return numbers[numbers != STOPPED]

    def word_docs(self) -> np.ndarray:
        """The document of each word kept."""
        return np.repeat(np.frombuffer(self.docs, dtype=np.int32), self.kept_counts())
