"""Decoded posting lists of frequent terms (with their positions, for phrases), kept in
memory per process.

A word found in half the archive has a posting list of tens of thousands of entries,
and decoding it from Whoosh's blocks is most of a search for it. Index segments never
change once written (deletions are applied separately), so a decoded list stays valid
for the segment's life. Only lists of at least ``MIN_DOCUMENTS`` entries are kept
(shorter ones are quick to read), least recently used first out, within
``ARCHIVE_POSTINGS_CACHE_MB`` (0 turns the cache off).
"""

import threading
from collections import OrderedDict
from collections.abc import Callable

from django.conf import settings

MIN_DOCUMENTS = 1_000


class PostingsCache:
    def __init__(self):
        self._entries: OrderedDict = OrderedDict()
        self._used = 0
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    @staticmethod
    def budget() -> int:
        return int(settings.ARCHIVE_POSTINGS_CACHE_MB * 1_048_576)

    def get(self, key, read: Callable):
        """The cached value for ``key``, or ``read()``'s, kept if it is worth keeping."""
        with self._lock:
            postings = self._entries.get(key)
            if postings is not None:
                self._entries.move_to_end(key)
                self.hits += 1
                return postings
            self.misses += 1
        postings = read()
        size = _size(postings)
        if len(postings.docs) < MIN_DOCUMENTS or size > self.budget():
            return postings
        for array in postings.arrays():
            array.setflags(write=False)  # shared between searches
        with self._lock:
            if key not in self._entries:
                self._entries[key] = postings
                self._used += size
            while self._used > self.budget():
                _, dropped = self._entries.popitem(last=False)
                self._used -= _size(dropped)
        return postings

    @property
    def used_bytes(self) -> int:
        return self._used

    def clear(self):
        with self._lock:
            self._entries.clear()
            self._used = 0


def _size(postings) -> int:
    return sum(array.nbytes for array in postings.arrays())


cache = PostingsCache()
