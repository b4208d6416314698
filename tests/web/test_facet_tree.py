"""The topic facet as a tree, its filter box, and the year bars' counts (#31, 10)."""

import datetime

import pytest

from archive import search
from archive.models import Entry

pytestmark = pytest.mark.django_db


def topic_values(response) -> list[tuple[str, int, int]]:
    facet = next(facet for facet in response.context["facets"] if facet.name == "topic")
    return [(value.name, value.depth, value.count) for value in facet.values]


def test_topics_are_listed_under_their_broader_topics_with_counts(client, topic_tree):
    response = client.get("/", {"q": "harbour", "more": "topic"})
    listed = topic_values(response)
    assert listed[:4] == [("Economy", 0, 4), ("Energy", 1, 3), ("Gas", 2, 2), ("Fisheries", 1, 1)]
    page = response.content.decode()
    assert '<li class="depth-2" data-value="gas" data-parent="energy">' in page
    assert 'title="Economy › Energy › Gas"' in page


def test_the_api_gives_each_topic_its_parent(client, topic_tree):
    facets = client.get("/api/search/", {"q": "harbour"}).json()["facets"]
    parents = {value["value"]: value["parent"] for value in facets["topic"]}
    assert parents["gas"] == "energy" and parents["energy"] == "economy"
    assert parents["economy"] == ""
    assert all(value["parent"] == "" for value in facets["source"])


def test_a_chosen_topic_is_named_by_its_whole_path(client, topic_tree):
    response = client.get("/", {"q": "harbour", "topic": "gas"})
    assert [chip.label for chip in response.context["chips"]] == ["Topic: Economy › Energy › Gas"]


def test_past_ten_values_show_all_then_a_box_narrows_them(client, topic_tree):
    folded = client.get("/", {"q": "harbour"}).content.decode()
    assert "Show all 15" in folded
    assert 'id="filter-topic"' not in folded
    unfolded = client.get("/", {"q": "harbour", "more": "topic"}).content.decode()
    assert '<label for="filter-topic">Filter: Topic</label>' in unfolded
    assert 'data-facet-filter="facet-values-topic"' in unfolded
    assert 'id="filter-source"' not in unfolded  # a facet of few values needs no box


def test_year_bars_say_their_counts_and_the_undated_are_counted_apart(client, topic_tree):
    Entry.objects.filter(body__startswith="A harbour").update(
        date=datetime.date(2021, 5, 1), date_precision="day"
    )
    search.rebuild()
    response = client.get("/", {"q": "harbour"})
    page = response.content.decode()
    assert '<span class="bar-count" aria-hidden="true">15</span>' in page
    assert 'title="2021: 15 results"' in page
    undated = response.context["undated"]
    assert undated.count == 1
    assert "Undated: 1 result" in page
    assert "year=undated" in undated.url
    assert client.get(undated.url).context["page"].total == 1
