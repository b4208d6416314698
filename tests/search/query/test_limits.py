"""No search can take the archive down: wildcards, clauses and phrases are bounded, a
search has a time budget, and each client a rate limit. The searcher is told each time."""

import time

import pytest
from django.core.cache import cache

from archive import search
from tests.search.helpers import run


@pytest.fixture
def words_archive(make_entry, committed, empty_index):
    with committed():
        make_entry(
            title="Treaty talks", body="The treaty of Shimoda and the treatment of fishermen."
        )
        make_entry(title="Treasury report", body="Treasury bonds, treats and trees in Tokyo.")
        make_entry(title="Trade fair", body="Trade between Vladivostok and Niigata; a tree.")


def test_a_leading_wildcard_is_searched_without_it_and_says_so(words_archive):
    page = run("*rea*")
    assert page.total == 0  # no word begins with "rea": the note says what was searched
    assert any("searched “rea*” instead" in note for note in page.notes)
    page = run("*tre*")
    assert page.total == 3
    assert any("start of a word (“*tre*”)" in note and "“tre*”" in note for note in page.notes)


def test_wildcards_alone_show_the_whole_archive_with_a_note(words_archive):
    for query in ("?*", "*?", "**"):
        page = run(query)
        assert page.available and page.total == 3
        assert any("start of a word" in note or "matches everything" in note for note in page.notes)


def test_a_prefix_stands_for_its_most_frequent_words_only(words_archive, settings):
    settings.ARCHIVE_SEARCH_MAX_EXPANSIONS = 2
    page = run("tre*")
    assert page.total >= 1
    assert any("at most 2 words" in note and "“tre*”" in note for note in page.notes)
    settings.ARCHIVE_SEARCH_MAX_EXPANSIONS = 100
    assert not run("tre*").notes


def test_only_a_few_wildcard_words_are_searched(words_archive, settings):
    settings.ARCHIVE_SEARCH_MAX_WILDCARDS = 2
    page = run("tre* tra* tok* vla*")
    assert any(
        "Only 2 words with wildcards" in note and "“tok*”, “vla*”" in note for note in page.notes
    )
    assert page.total == 1  # tre* and tra*: the trade fair's "tree"


def test_clauses_and_phrase_words_are_bounded(words_archive, settings):
    settings.ARCHIVE_SEARCH_MAX_CLAUSES = 2
    page = run("treaty shimoda nonexistentword")
    assert page.total == 1
    assert any("first 2 words and phrases" in note for note in page.notes)
    settings.ARCHIVE_SEARCH_MAX_PHRASE_WORDS = 2
    page = run('"the treaty of shimoda and the treatment"')
    assert page.total == 1
    assert any("longer than 2 words" in note for note in page.notes)


def test_a_search_past_its_time_budget_answers_503_with_retry_after(
    words_archive, client, settings
):
    settings.ARCHIVE_SEARCH_TIME_BUDGET = 1e-9
    page = run("treaty")
    assert page.stopped and not page.available
    api = client.get("/api/search/", {"q": "treaty"})
    assert api.status_code == 503 and api["Retry-After"] == "5"
    assert "took too long" in api.json()["error"]
    html = client.get("/", {"q": "treaty"})
    assert html.status_code == 503 and html["Retry-After"] == "5"
    assert "This search took too long" in html.content.decode()
    export = client.get("/cite.bib", {"q": "treaty"})
    assert export.status_code == 503 and export["Retry-After"] == "5"
    settings.ARCHIVE_SEARCH_TIME_BUDGET = 2
    assert client.get("/api/search/", {"q": "treaty"}).status_code == 200


def test_a_new_process_reading_its_caches_is_never_stopped_by_the_budget(words_archive, settings):
    """A server's first searches read each segment's arrays (seconds at 100,000 entries,
    checking the time as they go): a search must not be stopped for that work, and its
    own work is still counted."""
    from archive.search.query import limits
    from archive.search.segments import facts as segment_facts
    from archive.search.sync import storage

    with segment_facts._lock:
        segment_facts._cache.clear()
    storage.searchers.clear()
    real_build = segment_facts.build

    def slow_build(reader):
        spent = time.thread_time() + 0.05
        while time.thread_time() < spent:  # more processor time than the budget below
            pass
        limits.check_time()
        return real_build(reader)

    settings.ARCHIVE_SEARCH_TIME_BUDGET = 0.02
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(segment_facts, "build", slow_build)
        page = run("treaty")
    assert page.available and not page.stopped and page.total == 1
    with limits.time_budget(0.01), limits.not_counted():
        pass
    settings.ARCHIVE_SEARCH_TIME_BUDGET = 1e-9
    assert run("treaty").stopped  # once the arrays are read, the budget holds again


@pytest.fixture
def tight_limits(settings):
    cache.clear()
    settings.ARCHIVE_RATE_LIMITS = {"search": "3/m", "api": "2/m", "export": "1/m", "wildcard": ""}
    yield settings
    cache.clear()


def test_a_client_over_the_api_limit_gets_429_with_retry_after(words_archive, client, tight_limits):
    statuses = [client.get("/api/search/", {"q": "treaty"}).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    over = client.get("/api/search/", {"q": "treaty"})
    assert 1 <= int(over["Retry-After"]) <= 60
    assert "Too many requests" in over.json()["error"]
    # Another client (another address) is counted on its own.
    assert client.get("/api/search/", {"q": "x"}, REMOTE_ADDR="10.0.0.9").status_code == 200


def test_the_search_page_and_exports_are_limited_too(words_archive, client, tight_limits):
    pages = [client.get("/", {"q": "treaty"}).status_code for _ in range(4)]
    assert pages == [200, 200, 200, 429]
    assert "Too many searches" in client.get("/", {"q": "treaty"}).content.decode()
    exports = [client.get("/cite.bib", {"q": "treaty"}).status_code for _ in range(2)]
    assert exports == [200, 429]


def test_wildcard_searches_have_a_tighter_limit_of_their_own(words_archive, client, tight_limits):
    tight_limits.ARCHIVE_RATE_LIMITS = {"search": "10/m", "api": "10/m", "wildcard": "2/m"}
    wildcards = [client.get("/api/search/", {"q": "tre*"}).status_code for _ in range(3)]
    assert wildcards == [200, 200, 429]
    assert client.get("/api/search/", {"q": "treaty"}).status_code == 200


def test_editors_signed_in_are_never_limited(words_archive, editor_client, tight_limits):
    statuses = {editor_client.get("/api/search/", {"q": "treaty"}).status_code for _ in range(5)}
    assert statuses == {200}


def test_behind_a_proxy_each_forwarded_client_has_its_own_limit(
    words_archive, client, tight_limits
):
    tight_limits.ARCHIVE_BEHIND_PROXY = True
    first = {"HTTP_X_FORWARDED_FOR": "203.0.113.5"}
    second = {"HTTP_X_FORWARDED_FOR": "spoofed, 198.51.100.7"}
    assert [client.get("/api/search/", **first).status_code for _ in range(3)] == [200, 200, 429]
    assert client.get("/api/search/", **second).status_code == 200


def test_the_limits_keep_search_answering_the_worst_queries(words_archive):
    from archive.benchmark.worst_queries import WORST_QUERIES

    for query in WORST_QUERIES:
        page = search.search(search.SearchRequest(query=query))
        assert page.available, query
        assert page.notes, query


def test_work_done_once_per_process_is_not_charged_to_a_search():
    """Reading a segment's arrays into the caches (1-2 s at 100,000 entries, once per
    process) must not stop the search that happens to trigger it."""
    import time

    from archive.search.query import limits

    def burn(seconds):
        until = time.thread_time() + seconds
        while time.thread_time() < until:
            pass

    with limits.time_budget(0.05):
        with limits.not_counted():
            burn(0.1)
        limits.check_time()  # not stopped: the cache filling was not counted
        burn(0.06)
        with pytest.raises(limits.SearchTooSlow):
            limits.check_time()
