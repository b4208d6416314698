"""Frequent words' decoded postings are kept per process: searches give the same
answers with the cache as without, and it stays within its memory budget."""

import numpy as np
import pytest

from archive.search.segments import postings_cache
from archive.search.segments.docsets import Postings
from tests.search.helpers import ids, run


@pytest.fixture
def cache(monkeypatch):
    monkeypatch.setattr(postings_cache, "MIN_DOCUMENTS", 2)
    postings_cache.cache.clear()
    yield postings_cache.cache
    postings_cache.cache.clear()


def postings(size: int) -> Postings:
    return Postings(np.arange(size, dtype=np.int32), np.ones(size))


def test_searches_agree_with_and_without_the_cache(cache, settings, make_entry, committed):
    from archive import search

    with committed():
        for number in range(12):
            make_entry(
                title=f"Fisheries talks {number}",
                body="Salmon and crab quotas. " * (number + 1),
            )
    search.rebuild()
    settings.ARCHIVE_POSTINGS_CACHE_MB = 0
    uncached = [(ids(page), page.total) for page in (run("salmon"), run("crab quotas"))]
    settings.ARCHIVE_POSTINGS_CACHE_MB = 64
    first = [(ids(page), page.total) for page in (run("salmon"), run("crab quotas"))]
    hits = cache.hits
    again = [(ids(page), page.total) for page in (run("salmon"), run("crab quotas"))]
    assert uncached == first == again and uncached[0][1] == 12
    assert cache.hits > hits  # the second round read nothing from the index


def test_the_cache_keeps_within_its_budget(cache, settings):
    settings.ARCHIVE_POSTINGS_CACHE_MB = 1  # 1 MiB: 12 bytes per posting
    for key in range(10):
        cache.get(key, lambda: postings(20_000))  # 240 kB each
    assert cache._used <= 1_048_576 and len(cache._entries) == 4
    assert 9 in cache._entries and 0 not in cache._entries  # least recently used out
    read = []
    cache.get(9, lambda: read.append(1) or postings(20_000))
    assert not read
    small = cache.get("tiny", lambda: postings(1))
    assert "tiny" not in cache._entries and len(small.docs) == 1
