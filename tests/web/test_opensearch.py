"""OpenSearch: the description document browsers read, announced on every page, and
suggestions from the thesaurus and the titles."""

import json

import pytest
from lxml import etree

from archive.models import Status

pytestmark = pytest.mark.django_db
OS = {"os": "http://a9.com/-/spec/opensearch/1.1/"}


def test_the_description_document_names_the_search_feed_and_suggestions(client):
    response = client.get("/opensearch.xml")
    assert response["Content-Type"] == "application/opensearchdescription+xml"
    document = etree.fromstring(response.content)
    assert document.findtext("os:ShortName", namespaces=OS) == "RJ Archive"
    templates = {url.get("type"): url.get("template") for url in document.iterfind("os:Url", OS)}
    assert templates == {
        "text/html": "http://testserver/?q={searchTerms}",
        "application/atom+xml": "http://testserver/feed/?q={searchTerms}",
        "application/x-suggestions+json": "http://testserver/suggest?q={searchTerms}",
    }


@pytest.mark.parametrize("path", ["/", "/concepts/", "/ru/"])
def test_every_page_announces_it(client, path):
    page = client.get(path, follow=True).content.decode()
    assert '<link rel="search" type="application/opensearchdescription+xml"' in page


def test_suggestions_come_from_the_thesaurus_then_titles(
    client, kurils, make_entry, empty_index, committed
):
    with committed():
        make_entry(title="Kuril fisheries agreement renewed")
        make_entry(title="Kuril draft", status=Status.DRAFT)
    response = client.get("/suggest", {"q": "kuril"})
    assert response["Content-Type"] == "application/x-suggestions+json"
    typed, suggested = json.loads(response.content)
    assert typed == "kuril"
    assert suggested[0] == "Kuril Islands" and "Kurils" in suggested
    assert "Kuril fisheries agreement renewed" in suggested
    assert "Kuril draft" not in suggested
    assert json.loads(client.get("/suggest", {"q": "курил"}).content)[1] == ["Курильские острова"]


@pytest.mark.parametrize("typed", ["", "k", "%", "x" * 5000, "\x00"])
def test_odd_input_gets_an_answer(client, typed):
    response = client.get("/suggest", {"q": typed})
    assert response.status_code == 200
    assert isinstance(json.loads(response.content)[1], list)


def test_suggestions_are_limited_per_client(client, settings):
    settings.ARCHIVE_RATE_LIMITS = {**settings.ARCHIVE_RATE_LIMITS, "suggest": "2/m"}
    answers = [client.get("/suggest", {"q": "kuril"}).status_code for _ in range(3)]
    assert answers == [200, 200, 429]
