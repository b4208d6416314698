"""Unsigned integers as variable-length bytes (7 bits a byte, the high bit set on every
byte but a number's last: LEB128, as Lucene's VInt), encoded and decoded a whole array
at a time with numpy, or one short list at a time in Python.

Posting lists are mostly small numbers (gaps between documents, a word's positions),
which take one byte each this way instead of four or eight.
"""

import numpy as np

_LIMITS = [1 << (7 * k) for k in range(1, 10)]


def _unsigned(values) -> np.ndarray:
    values = np.asarray(values)
    if values.dtype in (np.uint8, np.uint16, np.uint32, np.uint64):
        return values
    if len(values) and values.max() >= 2**32:
        return values.astype(np.uint64)
    return values.astype(np.uint32)


def byte_counts(values: np.ndarray) -> np.ndarray:
    """How many bytes each value takes (uint8)."""
    values = _unsigned(values)
    counts = np.ones(len(values), dtype=np.uint8)
    for limit in _LIMITS:
        if limit > np.iinfo(values.dtype).max:
            break
        over = values >= limit
        if not over.any():
            break
        counts += over
    return counts


# Values encoded a chunk at a time: the positions and masks an encoding needs (8 bytes
# and more a value) stay this small however long the array (a rebuild's segment holds
# tens of millions of values: encoding them whole was the peak of its memory).
ENCODE_CHUNK = 1 << 20


def encode_array(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The bytes of every value, one after the other (uint8), and each value's byte count
    (uint8); ENCODE_CHUNK values at a time."""
    chunk = ENCODE_CHUNK
    values = _unsigned(values)
    counts = byte_counts(values)
    if not len(values) or counts.max() == 1:
        return values.astype(np.uint8), counts
    encoded = np.empty(int(counts.sum(dtype=np.int64)), dtype=np.uint8)
    offset = 0
    for begin in range(0, len(values), chunk):
        offset = _encode_into(
            encoded, offset, values[begin : begin + chunk], counts[begin : begin + chunk]
        )
    return encoded, counts


def _encode_into(encoded: np.ndarray, offset: int, values: np.ndarray, counts: np.ndarray) -> int:
    """Write ``values`` (their byte ``counts`` known) into ``encoded`` from ``offset``;
    the offset after them."""
    starts = np.cumsum(counts, dtype=np.int64)
    end = offset + int(starts[-1])
    starts -= counts
    starts += offset
    for k in range(int(counts.max())):
        present = np.flatnonzero(counts > k) if k else slice(None)
        part = (values[present] >> (7 * k)) & 0x7F
        part |= (counts[present] > k + 1).astype(values.dtype) << 7
        encoded[starts[present] + k] = part
    return end


def decode_array(data, count: int | None = None) -> np.ndarray:
    """The values encoded in ``data`` (bytes or a uint8 array), as int64."""
    raw = np.frombuffer(data, dtype=np.uint8) if isinstance(data, bytes | bytearray) else data
    last = raw < 0x80  # the last byte of each value
    ends = np.flatnonzero(last)
    if len(ends) == len(raw):
        values = raw.astype(np.int64)
    else:
        # Most values take one or two bytes: add each further byte only where there is one.
        starts = np.empty_like(ends)
        starts[:1] = 0
        starts[1:] = ends[:-1] + 1
        lengths = ends - starts + 1
        values = (raw[starts] & 0x7F).astype(np.int64)
        for k in range(1, int(lengths.max())):
            longer = np.flatnonzero(lengths > k)
            values[longer] |= (raw[starts[longer] + k] & 0x7F).astype(np.int64) << (7 * k)
    if count is not None and len(values) != count:
        raise ValueError(f"expected {count} numbers, found {len(values)}")
    return values


def encode(values) -> bytes:
    """A short list of values, in Python (no array overhead)."""
    out = bytearray()
    for value in values:
        while value >= 0x80:
            out.append((value & 0x7F) | 0x80)
            value >>= 7
        out.append(value)
    return bytes(out)


def decode(data: bytes) -> list[int]:
    values, value, shift = [], 0, 0
    for byte in data:
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            values.append(value)
            value, shift = 0, 0
        else:
            shift += 7
    return values
