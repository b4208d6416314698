"""Phrases of frequent words, answered from the documents that hold each pair of them
("common grams", as Lucene and Solr index them).

A phrase of two words found in most entries ("russia relations") otherwise means
decoding every position of both words in every entry. So when a rebuild writes a
segment, it also lists, for each full-text field, the segment's most frequent words and,
for each pair of them that stands next to each other somewhere, the documents where it
does: a side file of the segment (``<segment>.pairs``, removed with the segment by
Whoosh). A phrase whose neighbouring words are all such pairs then needs only those
lists (and, beyond two words, the positions in the few documents holding every pair).
Pairs where a word is not frequent are left out: their phrases are cheap already (the
rare word's documents are few). A segment without the file (written by a save, or
merged) is searched through positions as before.

File layout: an eight-byte length, a JSON header (per field: its frequent words in rank
order and where its arrays lie), then the arrays: each pair's key (rank of the first
word × COMMON_WORDS + rank of the second), sorted; where each pair's documents start;
the documents. The file is memory-mapped, so every process shares one copy.
"""

import json
import mmap
import struct
import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from archive.search.segments.pieces import write_in_pieces

COMMON_WORDS = 256  # frequent words per field and segment
EXTENSION = ".pairs"
_LENGTH = struct.Struct("<Q")
CACHED_SEGMENTS = 64


@dataclass(frozen=True)
class FieldPairs:
    ranks: dict[str, int]  # frequent word → rank
    keys: np.ndarray  # sorted pair keys (int32)
    starts: np.ndarray  # where each key's documents start in ``docs`` (int64), then the end
    docs: np.ndarray  # documents, ascending within each key (int32)

    def documents(self, first: str, second: str) -> np.ndarray | None:
        """The documents where ``second`` follows ``first``; None when the pair is not
        listed because a word is not frequent (then positions must answer)."""
        a, b = self.ranks.get(first), self.ranks.get(second)
        if a is None or b is None:
            return None
        key = a * COMMON_WORDS + b
        i = int(np.searchsorted(self.keys, key))
        if i == len(self.keys) or self.keys[i] != key:
            return np.empty(0, dtype=np.int32)  # both frequent, never next to each other
        return np.asarray(self.docs[self.starts[i] : self.starts[i + 1]])


def field_pairs(docs: np.ndarray, numbers: np.ndarray, texts: list[str]):
    """The pairs of one field of a segment, from its occurrences in document order (each
    occurrence's document and term number; neighbours in a document are next to each
    other) and the term texts by number: (frequent words, keys, starts, docs)."""
    if len(numbers) < 2:
        return [], np.empty(0, np.int32), np.zeros(1, np.int64), np.empty(0, np.int32)
    counts = np.bincount(numbers, minlength=len(texts))
    common = np.argsort(-counts, kind="stable")[:COMMON_WORDS]
    common = common[counts[common] > 0]
    rank = np.full(len(texts), -1, dtype=np.int64)
    rank[common] = np.arange(len(common))
    ranks = rank[numbers]
    both = np.flatnonzero((ranks[:-1] >= 0) & (ranks[1:] >= 0) & (docs[:-1] == docs[1:]))
    keys = (ranks[both] * COMMON_WORDS + ranks[both + 1]).astype(np.int32)
    # Occurrences are in document order: a stable sort by key keeps each key's documents
    # ascending (a radix sort for 32-bit keys), and repeats are neighbours.
    order = np.argsort(keys, kind="stable")
    keys, pair_docs = keys[order], docs[both][order].astype(np.int32)
    new = np.ones(len(keys), dtype=bool)
    new[1:] = (keys[1:] != keys[:-1]) | (pair_docs[1:] != pair_docs[:-1])
    keys, pair_docs = keys[new], pair_docs[new]
    first = np.ones(len(keys), dtype=bool)
    first[1:] = keys[1:] != keys[:-1]
    starts = np.append(np.flatnonzero(first), len(keys)).astype(np.int64)
    words = [texts[number] for number in common.tolist()]
    return words, keys[first], starts, pair_docs


def write(storage, segment, fields: dict[str, tuple]):
    """The segment's side file, from each field's ``field_pairs``."""
    header, arrays, at = {}, [], 0
    for fieldname, (words, keys, starts, docs) in fields.items():
        entry = {"words": words}
        for name, array in (("keys", keys), ("starts", starts), ("docs", docs)):
            entry[name] = [at, str(array.dtype), len(array)]
            arrays.append(np.ascontiguousarray(array))
            at += array.nbytes
        header[fieldname] = entry
    encoded = json.dumps(header, ensure_ascii=False).encode("utf-8")
    file = storage.create_file(segment.make_filename(EXTENSION))
    try:
        file.write(_LENGTH.pack(len(encoded)) + encoded)
        for array in arrays:
            write_in_pieces(file, array)
    finally:
        file.close()


def _read(path) -> dict[str, FieldPairs]:
    with open(path, "rb") as file:
        mapped = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
    (length,) = _LENGTH.unpack(mapped[: _LENGTH.size])
    header = json.loads(mapped[_LENGTH.size : _LENGTH.size + length].decode("utf-8"))
    base = _LENGTH.size + length
    fields = {}
    for fieldname, entry in header.items():
        arrays = {
            name: np.frombuffer(mapped, dtype=dtype, count=count, offset=base + at)
            for name, (at, dtype, count) in ((n, entry[n]) for n in ("keys", "starts", "docs"))
        }
        ranks = {word: rank for rank, word in enumerate(entry["words"])}
        fields[fieldname] = FieldPairs(ranks, **arrays)
    return fields


_cache: OrderedDict = OrderedDict()
_lock = threading.Lock()


def of_segment(reader, key) -> dict[str, FieldPairs]:
    """A segment's pairs by field (empty when it has no side file), kept per process for
    the most recently used segments."""
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    pairs = {}
    storage = reader.storage()
    folder = getattr(getattr(storage, "b", storage), "folder", None)
    name = reader.segment().make_filename(EXTENSION)
    if folder is not None and storage.file_exists(name):
        try:
            pairs = _read(f"{folder}/{name}")
        except (OSError, ValueError, KeyError):
            pairs = {}  # unreadable: positions answer, as for a segment without one
    with _lock:
        _cache[key] = pairs
        while len(_cache) > CACHED_SEGMENTS:
            _cache.popitem(last=False)
    return pairs


def clear():
    with _lock:
        _cache.clear()
