"""A segment's facts (``facts.SegmentFacts``) kept in a side file, read by every process.

Building a segment's facts reads every facet value's and every day's postings: at
1,000,000 entries (33 segments, some 18,000 distinct days each) a process's first search
spent 57 s on it, longer than a web worker may take to answer, so every new worker (after
a start, a deploy or a rebuild) was killed before its first answer. A segment never
changes once written (only its deletions, kept apart, grow), so its facts are written
once, beside it: by the rebuild for the segments it writes, by the first process that
needs them for any other segment. Other processes map the file: they read no postings,
and share one copy of the arrays through the page cache.

The file is ``<segment>.facts``: Whoosh removes it with its segment (its name matches
the segment's files). Layout: an eight-byte length, a JSON header (each facet's values in
ordinal order and where each array lies), then the arrays, each at a multiple of eight
bytes. A file that cannot be read is ignored (the facts are built again).
"""

import json
import mmap
import os
import struct
import uuid

import numpy as np

from archive.search.segments.docsets import segment_key
from archive.search.segments.pieces import write_in_pieces

EXTENSION = ".facts"
VERSION = 1
_LENGTH = struct.Struct("<Q")
_ALIGN = 8
_TOP_ARRAYS = ("date_start", "date_end", "entry_ids", "sort_titles")
_SINGLE_ARRAYS = ("ordinals",)
_MULTI_ARRAYS = ("starts", "ordinals", "owners")


def path_of(reader) -> str | None:
    """Where the side file of the reader's segment is (None for an index in memory)."""
    folder, _ = segment_key(reader)
    if folder is None:
        return None
    return os.path.join(folder, reader.segment().make_filename(EXTENSION))


def encode(facts) -> bytes:
    """The file's bytes for a ``SegmentFacts``."""
    arrays: list[np.ndarray] = []
    at = 0

    def place(array: np.ndarray) -> list:
        nonlocal at
        array = np.ascontiguousarray(array)
        where = [at, array.dtype.str, len(array)]
        arrays.append(array)
        at += -(-array.nbytes // _ALIGN) * _ALIGN
        return where

    header = {"version": VERSION, "arrays": {}, "facets": {}}
    for name in _TOP_ARRAYS:
        header["arrays"][name] = place(getattr(facts, name))
    for fieldname, facet in facts.facets.items():
        names = _MULTI_ARRAYS if hasattr(facet, "owners") else _SINGLE_ARRAYS
        header["facets"][fieldname] = {
            "values": list(facet.vocabulary.values),
            "arrays": {name: place(getattr(facet, name)) for name in names},
        }
    encoded = json.dumps(header, ensure_ascii=False).encode("utf-8")
    start = -(-(_LENGTH.size + len(encoded)) // _ALIGN) * _ALIGN
    head = _LENGTH.pack(len(encoded)) + encoded
    parts = [head, bytes(start - len(head))]
    for array in arrays:
        data = array.tobytes()
        parts += [data, bytes(-len(data) % _ALIGN)]
    return b"".join(parts)


def write(path: str, facts) -> None:
    """Write the side file whole under a temporary name, then rename it: a reader sees
    the whole file or none (two processes writing it at once write the same bytes)."""
    temporary = f"{path}.{uuid.uuid4().hex}.tmp"
    try:
        with open(temporary, "wb") as file:
            write_in_pieces(file, encode(facts))
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)


def read(path: str) -> tuple[dict, dict] | None:
    """The arrays in the file at ``path`` as ``encode`` placed them: the segment's own
    (by name) and each facet's values and arrays (field → (values, arrays by name)), or
    None when there is no readable file."""
    try:
        with open(path, "rb") as file:
            mapped = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):  # absent, or empty
        return None
    try:
        (length,) = _LENGTH.unpack(mapped[: _LENGTH.size])
        header = json.loads(mapped[_LENGTH.size : _LENGTH.size + length].decode("utf-8"))
        if header.get("version") != VERSION:
            return None
        base = -(-(_LENGTH.size + length) // _ALIGN) * _ALIGN

        def arrays(places: dict) -> dict[str, np.ndarray]:
            return {
                name: np.frombuffer(mapped, dtype=np.dtype(dtype), count=count, offset=base + at)
                for name, (at, dtype, count) in places.items()
            }

        facets = {
            fieldname: (tuple(entry["values"]), arrays(entry["arrays"]))
            for fieldname, entry in header["facets"].items()
        }
        own = arrays(header["arrays"])
        return {name: own[name] for name in _TOP_ARRAYS}, facets
    except (ValueError, KeyError, TypeError, struct.error, UnicodeDecodeError):
        return None
