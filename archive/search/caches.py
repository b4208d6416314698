"""This process's search caches, emptied or described as a whole: what the benchmark
uses to measure a search as a freshly started server answers it."""

from dataclasses import dataclass

from archive.search.segments import common_pairs, facts, postings_cache
from archive.search.sync import storage


@dataclass(frozen=True)
class PostingsCacheState:
    used_bytes: int
    hits: int
    misses: int


def empty_postings_cache():
    """Forget the decoded posting lists of frequent words (kept for later searches)."""
    postings_cache.cache.clear()


def postings_cache_state() -> PostingsCacheState:
    cache = postings_cache.cache
    return PostingsCacheState(cache.used_bytes, cache.hits, cache.misses)


def empty_caches():
    """Every cache a search fills: the process as it is right after it starts."""
    postings_cache.cache.clear()
    common_pairs.clear()
    facts.clear()
    storage.searchers.clear()
    storage.draft_searchers.clear()
