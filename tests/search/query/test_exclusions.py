"""A word the searcher excluded stays excluded: a looser reading of a query that found
nothing may drop the need for every word, never a ``-word`` or a ``NOT`` (#31, item 1)."""

import pytest

from archive import search
from archive.models import Status
from tests.search.helpers import run, titles


@pytest.fixture
def ferries(empty_index, make_entry, committed):
    with committed():
        make_entry(title="Sakhalin ferry to Wakkanai", body="The ferry sails from Wakkanai.")
        make_entry(title="Sakhalin fisheries", body="Crab and pollock quotas off Sakhalin.")
        make_entry(title="Ferry timetable", body="A summer ferry timetable for Hokkaido.")
        make_entry(
            title="Fisheries crab pollock", body="Fisheries: crab and pollock.", status=Status.DRAFT
        )
        make_entry(title="Fisheries talks", body="Fisheries talks resume.", status=Status.DRAFT)


@pytest.mark.parametrize("query", ["Sakhalin ferry -Wakkanai", "Sakhalin ferry NOT Wakkanai"])
def test_a_looser_reading_keeps_what_the_searcher_excluded(ferries, query):
    page = run(query)
    assert set(titles(page)) == {"Sakhalin fisheries", "Ferry timetable"}
    assert "searched its words alone" in " ".join(page.notes)
    assert all("Wakkanai" not in hit.snippet for hit in page.hits)


def test_the_admin_search_never_ranks_an_excluded_entry(ferries):
    from archive.models import Entry

    results = search.editorial_search(search.SearchRequest(query="fisheries crab -pollock"))
    found = [Entry.objects.get(pk=entry_id).title for entry_id, _ in results.ranked]
    assert "Fisheries crab pollock" not in found
    assert "Fisheries talks" in found


def test_the_entry_page_never_marks_an_excluded_word(ferries, client):
    from archive.models import Entry

    entry = Entry.objects.get(title="Sakhalin ferry to Wakkanai")
    page = client.get(entry.get_absolute_url(), {"q": "ferry -Wakkanai"}).content.decode()
    assert "<mark" in page and ">ferry</mark>" in page
    assert ">Wakkanai</mark>" not in page


def test_what_a_query_wants_is_ranked_the_same_with_an_exclusion(ferries):
    """``a -b`` is an AND NOT: its wanted part is read as the query alone is (words
    across fields, ranked as one), so excluding a word leaves the other entries' scores
    and order as they were."""
    alone = {hit.entry.title: hit.score for hit in run("sakhalin fisheries").hits}
    excluding = {hit.entry.title: hit.score for hit in run("sakhalin fisheries -wakkanai").hits}
    assert excluding and excluding == {
        title: score for title, score in alone.items() if "Wakkanai" not in title
    }


def test_the_bounds_on_a_query_hold_beside_an_exclusion(ferries, settings):
    settings.ARCHIVE_SEARCH_MAX_EXPANSIONS = 1  # "f*" stands for "ferry", not "fisheries"
    alone = run("f*")
    excluding = run("f* -wakkanai")
    assert any("at most 1 word" in note for note in excluding.notes)
    assert set(titles(alone)) == {"Sakhalin ferry to Wakkanai", "Ferry timetable"}
    assert titles(excluding) == ["Ferry timetable"]


@pytest.fixture
def crabs(empty_index, make_entry, committed):
    with committed():
        make_entry(title="Crab quotas", body="Crab quotas for fishermen.")
        make_entry(title="Crab fair", body="A crab fair in Wakkanai.")
        make_entry(title="Crab festival", body="A crab festival with ferries.")
        make_entry(title="Crab prices", body="Crab prices rose.")


def test_an_excluded_wildcard_excludes_every_word_it_stands_for(crabs, settings):
    """The bounds that keep a wanted wildcard cheap (its most frequent words) would let
    the entries of its other words back in when it is excluded: excluded, it stands for
    every word it matches."""
    settings.ARCHIVE_SEARCH_MAX_EXPANSIONS = 1
    assert titles(run("crab -f*")) == ["Crab prices"]
    assert titles(run("crab NOT f*")) == ["Crab prices"]


def test_the_clause_limit_never_drops_an_exclusion(crabs, settings):
    settings.ARCHIVE_SEARCH_MAX_CLAUSES = 1
    assert "Crab fair" not in titles(run("crab -fair"))
    assert "Crab fair" not in titles(run("crab NOT fair"))
