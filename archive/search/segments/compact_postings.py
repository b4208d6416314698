"""Posting lists in a compact layout that numpy reads a whole list of at once.

Whoosh 3 writes each block of a posting list as a pickled tuple (a float of nine bytes
per weight, a pickled list per posting's positions): about 27 bytes a posting, decoded
in Python. Here one term's postings are four streams of variable-length integers (see
``varints.py``) behind a small table of blocks:

    header   postings, blocks, postings a block, weights kind, values kind   (<IIHBB)
    table    per block (all full but the last): last document, highest
             weight, and where the block ends in each stream         (<IfIIII)
    streams  document gaps · weights · value lengths · values

Weights are absent when every weight is 1, whole numbers when they are (frequencies),
else float32. A block can still be skipped without reading it (by its last document),
and Whoosh's own matchers read these lists through ``CompactLeafMatcher``. Two encoders
write the same bytes: ``encode_term`` (Python, for the few postings of a save) and
``encode_field`` (numpy, for the millions of a rebuild); a test holds them equal.
"""

import struct
from dataclasses import dataclass

import numpy as np
from whoosh.codec.whoosh3 import W3TermInfo
from whoosh.matching import LeafMatcher, ReadTooFar
from whoosh.system import pack_int, pack_long

from archive.search.segments import varints

BLOCK_POSTINGS = 128

HEADER = struct.Struct("<IIHBB")
BLOCK = struct.Struct("<IfIIII")
BLOCK_DTYPE = np.dtype(
    [
        ("last_id", "<u4"),
        ("max_weight", "<f4"),
        ("ids_end", "<u4"),
        ("weights_end", "<u4"),
        ("lengths_end", "<u4"),
        ("values_end", "<u4"),
    ]
)
NO_WEIGHTS, WHOLE_WEIGHTS, FLOAT_WEIGHTS = 0, 1, 2
NO_VALUES, VALUES = 0, 1

_TERMINFO = W3TermInfo._struct  # noqa: SLF001 (Whoosh's term info layout, kept)


def term_info_bytes(weight, df, max_weight, min_id, max_id, offset, length) -> bytes:
    """A term's entry in the terms file, exactly as W3TermInfo.to_bytes writes it
    (no inlined postings; field lengths per block not kept, as ArchiveCodec)."""
    return (
        _TERMINFO.pack(0, weight, df, 0, 0, max_weight, min_id, max_id)
        + pack_long(offset)
        + pack_int(length)
    )


# Writing ---------------------------------------------------------------------------------


def _weights_kind(weights) -> int:
    if all(weight == 1 for weight in weights):
        return NO_WEIGHTS
    if all(float(weight).is_integer() and 0 <= weight < 2**32 for weight in weights):
        return WHOLE_WEIGHTS
    return FLOAT_WEIGHTS


def _encoded_weights(kind: int, weights) -> bytes:
    if kind == NO_WEIGHTS:
        return b""
    if kind == WHOLE_WEIGHTS:
        return varints.encode(int(weight) for weight in weights)
    return np.asarray(weights, dtype="<f4").tobytes()


def encode_term(ids, weights, values, block_size: int = BLOCK_POSTINGS) -> bytes:
    """One term's posting list: ascending document numbers, their weights and encoded
    values (bytes, empty when the format keeps none)."""
    weights_kind = _weights_kind(weights)
    values_kind = VALUES if any(values) else NO_VALUES
    rows, streams = [], [bytearray(), bytearray(), bytearray(), bytearray()]
    previous = 0
    for start in range(0, len(ids), block_size):
        block = slice(start, start + block_size)
        block_ids = ids[block]
        gaps = [block_ids[0] - previous]
        gaps.extend(b - a for a, b in zip(block_ids, block_ids[1:], strict=False))
        previous = block_ids[-1]
        streams[0] += varints.encode(gaps)
        streams[1] += _encoded_weights(weights_kind, weights[block])
        if values_kind == VALUES:
            streams[2] += varints.encode(len(value) for value in values[block])
            streams[3] += b"".join(values[block])
        rows.append(
            BLOCK.pack(block_ids[-1], max(weights[block]), *(len(stream) for stream in streams))
        )
    header = HEADER.pack(len(ids), len(rows), block_size, weights_kind, values_kind)
    return b"".join([header, *rows, *streams])


@dataclass
class FieldPostings:
    """Every posting of one field of a segment, sorted by term then document: what
    ``encode_field`` turns into posting lists."""

    term_starts: np.ndarray  # index of each term's first posting, then the total
    docs: np.ndarray  # document of each posting
    weights: np.ndarray  # whole-number weight (frequency) of each posting
    value_bytes: np.ndarray  # every posting's encoded value, one after the other (uint8)
    value_lengths: np.ndarray  # the byte length of each posting's value


def _cumulative(counts: np.ndarray) -> np.ndarray:
    return np.concatenate(([0], np.cumsum(counts, dtype=np.int64)))


def _spans(counts, starts, ends, block_end, term_start):
    """Where each term's part of a stream (its values' byte ``counts``) begins and ends,
    as lists, and where each block ends within its term's part."""
    at = _cumulative(counts)
    return at[starts].tolist(), at[ends].tolist(), at[block_end] - at[term_start]


def encode_field(postings: FieldPostings, block_size: int = BLOCK_POSTINGS):
    """Each term's posting list bytes and statistics, in term order: yields (bytes,
    total weight, document count, highest weight, first document, last document).

    A segment's field holds tens of millions of postings: arrays are kept in the
    postings' own types, each stream's running offsets are read where terms and blocks
    end and let go, and the bytes are sliced where they lie (memory views), so the peak
    is a few bytes a posting (it was the peak of a rebuild's memory)."""
    starts = postings.term_starts[:-1].astype(np.int64)
    ends = postings.term_starts[1:].astype(np.int64)
    docs, weights = postings.docs, postings.weights
    if not len(starts):
        return
    # Gaps restart in each term (its first gap counts from document 0) and in each block
    # (from the previous block's last document), which is the same thing in order.
    gaps = np.diff(docs, prepend=np.zeros(1, dtype=docs.dtype))
    gaps[starts] = docs[starts]
    id_bytes, id_counts = varints.encode_array(gaps)
    del gaps
    weight_bytes, weight_counts = varints.encode_array(weights)
    length_bytes, length_counts = varints.encode_array(postings.value_lengths)

    # Every block of every term at once.
    sizes = ends - starts
    blocks = -(-sizes // block_size)
    block_term = np.repeat(np.arange(len(starts)), blocks)
    first_block = _cumulative(blocks)
    nth = np.arange(int(blocks.sum())) - first_block[block_term]
    block_start = starts[block_term] + nth * block_size
    del nth
    block_end = np.minimum(block_start + block_size, ends[block_term])
    term_start = starts[block_term]
    table = np.empty(len(block_start), dtype=BLOCK_DTYPE)
    table["last_id"] = docs[block_end - 1]
    table["max_weight"] = np.maximum.reduceat(weights, block_start)
    del block_start

    bounds = (starts, ends, block_end, term_start)
    id_from, id_to, table["ids_end"] = _spans(id_counts, *bounds)
    weight_from, weight_to, table["weights_end"] = _spans(weight_counts, *bounds)
    length_from, length_to, table["lengths_end"] = _spans(length_counts, *bounds)
    value_from, value_to, table["values_end"] = _spans(postings.value_lengths, *bounds)
    del id_counts, weight_counts, length_counts, bounds, block_end, term_start
    totals = np.add.reduceat(weights, starts, dtype=np.int64)
    highest = np.maximum.reduceat(weights, starts)
    has_values = np.add.reduceat(postings.value_lengths, starts, dtype=np.int64) > 0
    all_ones = (highest == 1) & (np.minimum.reduceat(weights, starts) == 1)
    # A term without weights or values writes no bytes of those streams.
    table["weights_end"][all_ones[block_term]] = 0
    table["lengths_end"][~has_values[block_term]] = 0
    table["values_end"][~has_values[block_term]] = 0
    del block_term

    id_bytes, weight_bytes = memoryview(id_bytes), memoryview(weight_bytes)
    length_bytes = memoryview(length_bytes)
    value_bytes = memoryview(np.ascontiguousarray(postings.value_bytes, dtype=np.uint8))
    table_bytes = memoryview(table.view(np.uint8).reshape(-1))
    row = BLOCK_DTYPE.itemsize
    for t, (a, b) in enumerate(zip(starts.tolist(), ends.tolist(), strict=True)):
        weights_kind = NO_WEIGHTS if all_ones[t] else WHOLE_WEIGHTS
        values_kind = VALUES if has_values[t] else NO_VALUES
        parts = [
            HEADER.pack(b - a, int(blocks[t]), block_size, weights_kind, values_kind),
            table_bytes[first_block[t] * row : first_block[t + 1] * row],
            id_bytes[id_from[t] : id_to[t]],
        ]
        if weights_kind:
            parts.append(weight_bytes[weight_from[t] : weight_to[t]])
        if values_kind:
            parts.append(length_bytes[length_from[t] : length_to[t]])
            parts.append(value_bytes[value_from[t] : value_to[t]])
        yield (
            b"".join(parts),
            int(totals[t]),
            b - a,
            int(highest[t]),
            int(docs[a]),
            int(docs[b - 1]),
        )


class CompactPostingsWriter:
    """What Whoosh's field writer calls for each term (``start_postings``,
    ``add_posting``, ``finish_postings``), writing ``encode_term``'s layout."""

    def __init__(self, postfile, block_size: int = BLOCK_POSTINGS):
        self._postfile = postfile
        self._block_size = block_size
        self._terminfo = None

    def start_postings(self, format_, terminfo):
        self._terminfo = terminfo
        self._ids, self._weights, self._values = [], [], []

    def add_posting(self, id_, weight, vbytes, length=None):
        self._ids.append(id_)
        self._weights.append(weight)
        self._values.append(vbytes or b"")

    def finish_postings(self):
        terminfo, self._terminfo = self._terminfo, None
        ids, weights = self._ids, self._weights
        terminfo._weight = float(sum(weights))  # noqa: SLF001
        terminfo._df = len(ids)  # noqa: SLF001
        terminfo._minlength, terminfo._maxlength = None, 0  # noqa: SLF001
        terminfo._maxweight = float(max(weights))  # noqa: SLF001
        terminfo._minid, terminfo._maxid = ids[0], ids[-1]  # noqa: SLF001
        encoded = encode_term(ids, weights, self._values, self._block_size)
        terminfo.set_extent(self._postfile.tell(), len(encoded))
        self._postfile.write(encoded)
        return terminfo


# Reading ---------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class EncodedValues:
    """Postings' values still encoded: their byte lengths and their bytes, in order."""

    lengths: np.ndarray
    data: bytes

    def __eq__(self, other):
        if not isinstance(other, EncodedValues):
            return NotImplemented
        return self.data == other.data and np.array_equal(self.lengths, other.lengths)

    __hash__ = None

    def __len__(self):
        return len(self.lengths)

    def _starts(self) -> np.ndarray:
        """Where each value starts in ``data``."""
        return np.cumsum(self.lengths) - self.lengths

    def items(self) -> list[bytes]:
        starts = self._starts()
        ends = (starts + self.lengths).tolist()
        return [self.data[a:b] for a, b in zip(starts.tolist(), ends, strict=True)]

    @classmethod
    def join(cls, parts: list["EncodedValues"]) -> "EncodedValues":
        if len(parts) == 1:
            return parts[0]
        return cls(
            np.concatenate([part.lengths for part in parts]) if parts else np.empty(0, int),
            b"".join(part.data for part in parts),
        )

    def any_pickled(self) -> bool:
        """Whether some value is in Whoosh's own Positions format (it starts with a zero
        byte, a compact one never does): merged in from a segment written before."""
        if not len(self.lengths):
            return False
        raw = np.frombuffer(self.data, dtype=np.uint8)
        return bool((raw[self._starts()[self.lengths > 0]] == 0).any())

    def counts_and_gaps(self) -> tuple[np.ndarray, np.ndarray]:
        """For values of positions (``CompactPositions``: a count, then that many gaps),
        each value's count, and all the gaps one after the other."""
        raw = np.frombuffer(self.data, dtype=np.uint8)
        numbers = varints.decode_array(raw)
        numbers_before = np.concatenate(([0], np.cumsum(raw < 0x80)))
        count_at = numbers_before[self._starts()]
        is_gap = np.ones(len(numbers), dtype=bool)
        is_gap[count_at] = False
        return numbers[count_at], numbers[is_gap]

    def select(self, chosen: np.ndarray) -> "EncodedValues":
        """Only the values at the given (ascending) indexes."""
        wanted = np.zeros(len(self.lengths), dtype=bool)
        wanted[chosen] = True
        raw = np.frombuffer(self.data, dtype=np.uint8)
        data = raw[np.repeat(wanted, self.lengths)].tobytes()
        return EncodedValues(self.lengths[chosen], data)


class CompactLeafMatcher(LeafMatcher):
    """Whoosh's matcher interface over one posting list (for Whoosh's own query code),
    plus ``read`` (for the search's array code): a whole list, or only the blocks that
    may hold some given documents, decoded with numpy."""

    def __init__(self, postfile, offset, length, format_, term=None, scorer=None):
        self._postfile = postfile
        self.format = format_
        self._term = term
        self.scorer = scorer
        self._fixedsize = format_.fixed_value_size()
        head = postfile.get(offset, HEADER.size)
        header = HEADER.unpack(head)
        self._count, blocks, self._block_size, self._weights_kind, self._values_kind = header
        table_at = offset + HEADER.size
        self._table = np.frombuffer(
            postfile.get(table_at, blocks * BLOCK_DTYPE.itemsize), dtype=BLOCK_DTYPE
        )
        last = self._table[-1]
        self._ids_at = table_at + blocks * BLOCK_DTYPE.itemsize
        self._weights_at = self._ids_at + int(last["ids_end"])
        self._lengths_at = self._weights_at + int(last["weights_end"])
        self._values_at = self._lengths_at + int(last["lengths_end"])
        self.reset()

    # What each block spans in each stream.

    def _span(self, column: str, first: int, stop: int) -> tuple[int, int]:
        start = int(self._table[column][first - 1]) if first else 0
        return start, int(self._table[column][stop - 1])

    def _stream(self, base: int, column: str, first: int, stop: int) -> bytes:
        start, end = self._span(column, first, stop)
        return self._postfile.get(base + start, end - start)

    def _ids_of(self, first: int, stop: int) -> np.ndarray:
        gaps = varints.decode_array(self._stream(self._ids_at, "ids_end", first, stop))
        base = int(self._table["last_id"][first - 1]) if first else 0
        return np.cumsum(gaps) + base

    def _weights_of(self, first: int, stop: int, count: int) -> np.ndarray:
        if self._weights_kind == NO_WEIGHTS:
            return np.ones(count)
        data = self._stream(self._weights_at, "weights_end", first, stop)
        if self._weights_kind == WHOLE_WEIGHTS:
            return varints.decode_array(data).astype(np.float64)
        return np.frombuffer(data, dtype="<f4").astype(np.float64)

    def _values_of(self, first: int, stop: int, count: int) -> EncodedValues | None:
        if self._values_kind == NO_VALUES:
            return None
        lengths = varints.decode_array(
            self._stream(self._lengths_at, "lengths_end", first, stop), count
        )
        return EncodedValues(lengths, self._stream(self._values_at, "values_end", first, stop))

    def read(self, values: bool, among: np.ndarray | None = None, check=None):
        """(ids, weights, encoded values or None) of the whole list; with ``among``
        (sorted document numbers), of the blocks whose range may hold one of them."""
        blocks = len(self._table)
        if among is None:
            runs = [(0, blocks)]
        else:
            last_ids = self._table["last_id"].astype(np.int64)
            # The block each wanted document would be in: the first whose last id >= it.
            wanted = np.unique(np.searchsorted(last_ids, among))
            wanted = wanted[wanted < blocks]
            runs = _runs(wanted)
        ids, weights, encoded = [], [], []
        for first, stop in runs:
            if check is not None:
                check()
            block_ids = self._ids_of(first, stop)
            ids.append(block_ids)
            weights.append(self._weights_of(first, stop, len(block_ids)))
            if values:
                encoded.append(self._values_of(first, stop, len(block_ids)))
        if not ids:
            return np.empty(0, dtype=np.int64), np.empty(0), None
        found_values = None
        if values and encoded[0] is not None:
            found_values = EncodedValues.join(encoded)
        return np.concatenate(ids), np.concatenate(weights), found_values

    # Whoosh's matcher interface, a block at a time.

    def reset(self):
        self._block = 0
        self._goto(0)

    def _goto(self, block: int):
        self._block = block
        self._i = 0
        self._ids = self._weights = self._values = None
        self._atend = block >= len(self._table)

    def _load(self):
        if self._ids is None:
            ids = self._ids_of(self._block, self._block + 1)
            self._ids = ids.tolist()
            self._weights = self._weights_of(self._block, self._block + 1, len(ids)).tolist()

    def _block_length(self) -> int:
        return min(self._block_size, self._count - self._block * self._block_size)

    def is_active(self):
        return not self._atend

    def id(self):
        self._load()
        return self._ids[self._i]

    def weight(self):
        self._load()
        return self._weights[self._i]

    def value(self):
        if self._values is None:
            self._load()
            found = self._values_of(self._block, self._block + 1, len(self._ids))
            if found is None:
                empty = None if self._fixedsize == 0 else b""
                self._values = [empty] * len(self._ids)
            else:
                self._values = found.items()
        return self._values[self._i]

    def next(self):
        self._i += 1
        if self._i >= self._block_length():
            self._goto(self._block + 1)
            return True
        return False

    def skip_to(self, target):
        if not self.is_active():
            raise ReadTooFar
        if target <= self.id():
            return
        last_ids = self._table["last_id"]
        if target > int(last_ids[self._block]):
            self._goto(int(np.searchsorted(last_ids, target, side="left")))
        while self.is_active() and self.id() < target:
            self.next()

    def _skip_to_block(self, skipwhile):
        skipped = 0
        while self.is_active() and skipwhile():
            self._goto(self._block + 1)
            skipped += 1
        return skipped

    def skip_to_quality(self, minquality):
        if self.block_quality() > minquality:
            return 0
        return self._skip_to_block(lambda: self.block_quality() <= minquality)

    def block_min_id(self):
        self._load()
        return self._ids[0]

    def block_max_id(self):
        return int(self._table["last_id"][self._block])

    def block_min_length(self):
        return 0

    def block_max_length(self):
        return 0

    def block_max_weight(self):
        return float(self._table["max_weight"][self._block])


def _runs(blocks: np.ndarray) -> list[tuple[int, int]]:
    """Sorted block numbers as (first, stop) runs of consecutive blocks."""
    if not len(blocks):
        return []
    breaks = np.flatnonzero(np.diff(blocks) != 1) + 1
    firsts = blocks[np.concatenate(([0], breaks))]
    lasts = blocks[np.concatenate((breaks - 1, [len(blocks) - 1]))]
    return list(zip(firsts.tolist(), (lasts + 1).tolist(), strict=True))
