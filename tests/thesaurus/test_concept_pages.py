"""Browsing by concept: /concepts/ lists the thesaurus; /concepts/<key>/ shows a concept's
names in every language, its broader, narrower and related concepts, and its entries."""

import pytest

from archive.models import Status


@pytest.fixture
def shelf(kurils, make_entry, committed, empty_index):
    with committed():
        make_entry(title="Iturup airport opens", body="An airport on Iturup opened.")
        make_entry(
            title="Курильские острова", body="Переговоры о Курильских островах.", language="ru"
        )
        make_entry(title="北方領土の元島民", body="北方領土の元島民が集会を開いた。", language="ja")
        make_entry(title="Draft about Iturup", body="Iturup.", status=Status.DRAFT)
        make_entry(title="Energy report", body="LNG exports grew.")
    return kurils


def test_a_concept_page_shows_its_names_links_and_entries_in_every_language(client, shelf):
    response = client.get("/concepts/northern-territories/")
    assert response.status_code == 200
    page = response.content.decode()
    for name in ["Northern Territories", "Южные Курилы", "北方領土", "北方四島"]:
        assert name in page
    assert 'href="/concepts/kuril-islands/"' in page  # broader
    assert 'href="/concepts/iturup/"' in page  # narrower
    assert "Iturup airport opens" in page  # names a narrower concept
    assert "北方領土の元島民" in page
    assert "Draft about Iturup" not in page
    assert "Energy report" not in page
    assert 'href="/?concept=northern-territories"' in page


def test_the_broadest_concept_lists_entries_of_every_concept_under_it(client, shelf):
    page = client.get("/concepts/kuril-islands/").content.decode()
    for title in ["Iturup airport opens", "Курильские острова", "北方領土の元島民"]:
        assert title in page
    assert "Checked against the Wikipedia articles" in page  # its sources
    assert "The island chain between Hokkaido and Kamchatka." in page


def test_hidden_labels_are_not_shown_on_the_concept_page(client, shelf):
    page = client.get("/concepts/iturup/").content.decode()
    assert "Итуруп" in page and "択捉島" in page
    assert "Iturup Island" not in page


def test_an_unknown_concept_is_not_found(client, shelf):
    assert client.get("/concepts/atlantis/").status_code == 404


def test_the_thesaurus_page_lists_concepts_under_their_broader_ones(client, shelf):
    page = client.get("/concepts/").content.decode()
    assert "4 concepts" in page
    islands = page.index('href="/concepts/kuril-islands/"')
    territories = page.index('href="/concepts/northern-territories/"')
    iturup = page.index('href="/concepts/iturup/"')
    assert islands < territories < iturup
    assert "Курильские острова" in page and "茂木敏充" in page


def test_a_search_about_a_concept_shows_it_as_a_removable_filter(client, shelf):
    page = client.get("/", {"concept": "northern-territories"}).content.decode()
    assert "About: Northern Territories" in page
    assert "2 results" in page
    assert 'name="concept" value="northern-territories"' in page
    unknown = client.get("/", {"concept": "atlantis"})
    assert unknown.status_code == 200
    assert "Concept “atlantis”" in unknown.content.decode()
    api = client.get("/api/search/", {"concept": "atlantis"})
    assert api.status_code == 400
