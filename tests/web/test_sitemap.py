"""The sitemap: an index of files of at most the protocol's 50,000 URLs, published
entries only, permanent addresses, Last-Modified and 304, named by robots.txt."""

import re

import pytest
from django.utils.http import http_date

from archive.models import Entry, Status
from archive.web import sitemaps

NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"


def locations(xml: str) -> list[str]:
    return re.findall(r"<loc>([^<]+)</loc>", xml)


@pytest.fixture
def shelf(make_entry):
    published = [make_entry(title=f"Published {number}") for number in range(5)]
    make_entry(title="Secret draft", status=Status.DRAFT)
    return published


def test_the_protocol_limit_is_kept():
    assert sitemaps.URLS_PER_FILE == 50_000


def test_the_index_splits_entries_into_files_of_the_limit(client, shelf, monkeypatch):
    monkeypatch.setattr(sitemaps, "URLS_PER_FILE", 2)
    index = client.get("/sitemap.xml")
    assert index.status_code == 200
    assert f'<sitemapindex xmlns="{NAMESPACE}">' in index.content.decode()
    files = locations(index.content.decode())
    assert files == [
        "http://testserver/sitemap-entries.xml",
        "http://testserver/sitemap-entries.xml?p=2",
        "http://testserver/sitemap-entries.xml?p=3",
    ]
    listed = []
    for url in files:
        page = client.get(url.removeprefix("http://testserver"))
        assert page.status_code == 200
        urls = locations(page.content.decode())
        assert 1 <= len(urls) <= 2
        listed += urls
    assert listed == [f"http://testserver{entry.get_absolute_url()}" for entry in shelf]
    assert client.get("/sitemap-entries.xml", {"p": 4}).status_code == 404
    assert client.get("/sitemap-entries.xml", {"p": "x"}).status_code == 404
    assert client.get("/sitemap-nothing.xml").status_code == 404


def test_files_filled_exactly_leave_no_empty_file_and_drafts_no_gap(
    client, shelf, make_entry, monkeypatch
):
    """Each file's end is found from the previous one's: with 6 published entries (a draft
    among them) in files of 3, two full files, each with its own newest change."""
    monkeypatch.setattr(sitemaps, "URLS_PER_FILE", 3)
    make_entry(title="Published 5")
    index = client.get("/sitemap.xml").content.decode()
    assert locations(index) == [
        "http://testserver/sitemap-entries.xml",
        "http://testserver/sitemap-entries.xml?p=2",
    ]
    assert index.count("<lastmod>") == 2
    second = locations(client.get("/sitemap-entries.xml", {"p": 2}).content.decode())
    assert len(second) == 3 and "secret-draft" not in " ".join(second)
    assert client.get("/sitemap-entries.xml", {"p": 3}).status_code == 404


def test_drafts_are_never_listed(client, shelf):
    text = client.get("/sitemap-entries.xml").content.decode()
    assert len(locations(text)) == 5
    assert "secret-draft" not in text


def test_unchanged_sitemaps_answer_304(client, shelf):
    newest = max(entry.updated_at for entry in Entry.objects.all() if entry.is_published)
    response = client.get("/sitemap-entries.xml")
    assert response["Last-Modified"] == http_date(newest.timestamp())
    again = client.get("/sitemap-entries.xml", HTTP_IF_MODIFIED_SINCE=response["Last-Modified"])
    assert again.status_code == 304
    # Served from the cache this time: still 304.
    third = client.get("/sitemap-entries.xml", HTTP_IF_MODIFIED_SINCE=response["Last-Modified"])
    assert third.status_code == 304
    assert client.get("/sitemap-entries.xml").status_code == 200
    index = client.get("/sitemap.xml", HTTP_IF_MODIFIED_SINCE=response["Last-Modified"])
    assert index.status_code == 304


def test_robots_txt_names_the_sitemap_index(client, db):
    response = client.get("/robots.txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in text
    assert "Disallow: /admin/" in text


def test_an_empty_archive_has_an_empty_sitemap(client, db):
    assert client.get("/sitemap.xml").status_code == 200
    empty = client.get("/sitemap-entries.xml")
    assert empty.status_code == 200
    assert locations(empty.content.decode()) == []


def test_the_sitemap_is_well_formed_xml_with_escaped_addresses(client, make_entry):
    from xml.etree import ElementTree

    make_entry(title="Tom & Jerry: Курилы <2021>")
    tree = ElementTree.fromstring(client.get("/sitemap-entries.xml").content)
    [location] = [element.text for element in tree.iter(f"{{{NAMESPACE}}}loc")]
    assert location.startswith("http://testserver/entries/")
    assert location.endswith("/tom-jerry-kurily-2021/")  # the slug, in Latin letters
