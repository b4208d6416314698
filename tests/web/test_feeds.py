"""Atom feeds of searches, read by feedparser: well formed, the search's newest entries,
drafts never, conditional GET, and bad parameters answered 400."""

import datetime

import feedparser
import pytest

from archive.models import Entry, Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries(empty_index, make_entry, committed):
    with committed():
        made = [
            make_entry(
                title=f"Salmon quota talks, round {n}",
                body="Salmon quotas were discussed.",
                authors="Ken Ito",
                date=datetime.date(2020 + n, 1, 1),
                date_precision="year",
            )
            for n in range(3)
        ]
        make_entry(title="Salmon draft", body="Salmon secret.", status=Status.DRAFT)
        make_entry(title="Unrelated", body="Crab prices.")
    return made


def test_a_feed_gives_the_searchs_newest_entries(client, entries):
    response = client.get("/feed/", {"q": "salmon"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo
    titles = [item.title for item in feed.entries]
    assert titles == [f"Salmon quota talks, round {n}" for n in (2, 1, 0)]  # newest first
    assert "Salmon draft" not in titles
    first = feed.entries[0]
    assert first.link.endswith(entries[2].get_absolute_url())
    assert first.author == "Ken Ito"
    assert first.published.startswith("2022-01-01")  # the document's own date
    assert first.updated  # and when the archive last changed it
    assert feed.feed.title == "RJ Archive: “salmon”"


def test_search_pages_announce_their_feed(client, entries):
    page = client.get("/", {"q": "salmon", "sort": "oldest", "page": "1"}).content.decode()
    assert '<link rel="alternate" type="application/atom+xml"' in page
    assert 'href="/feed/?q=salmon"' in page and "Follow this search" in page


def test_polling_without_changes_costs_a_304(client, entries, committed):
    first = client.get("/feed/", {"q": "salmon"})
    again = client.get("/feed/", {"q": "salmon"}, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert again.status_code == 304
    by_etag = client.get("/feed/", {"q": "salmon"}, HTTP_IF_NONE_MATCH=first["ETag"])
    assert by_etag.status_code == 304
    with committed():
        Entry.objects.filter(pk=entries[0].pk).update(title="Salmon quota talks, renamed")
    import time

    time.sleep(1.1)  # Last-Modified has a second's granularity
    with committed():
        entries[1].title = "Salmon quota talks, round 1 (corrected)"
        entries[1].save()
    changed = client.get("/feed/", {"q": "salmon"}, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert changed.status_code == 200


@pytest.mark.parametrize(
    "params", [{"page": "0"}, {"from": "2021-13"}, {"sort": "sideways"}, {"q": "x" * 20_000}]
)
def test_bad_feed_parameters_are_a_400(client, entries, params):
    response = client.get("/feed/", params)
    assert response.status_code == 400


def test_a_feed_names_itself_with_its_search(client, entries):
    response = client.get("/feed/", {"q": "salmon", "year": "2021"})
    feed = feedparser.parse(response.content)
    self_links = [link.href for link in feed.feed.links if link.rel == "self"]
    assert self_links == ["http://testserver/feed/?q=salmon&year=2021"]


def test_an_undated_entry_gets_no_invented_publication_date(client, entries, make_entry, committed):
    with committed():
        make_entry(title="Salmon, undated", body="Salmon.", date=None, date_precision="undated")
    feed = feedparser.parse(client.get("/feed/", {"q": "salmon"}).content)
    undated = next(item for item in feed.entries if item.title == "Salmon, undated")
    assert "published" not in undated
    assert undated.updated  # when the archive last changed it
    dated = next(item for item in feed.entries if item.title.startswith("Salmon quota"))
    assert dated.published
