"""One question, three languages: a word that names a thesaurus concept also searches the
concept's other names and its narrower concepts', below the words typed; the page, the
API and the command line say what was added, and a link turns it off."""

from io import StringIO

import pytest
from django.core.management import call_command

from archive.thesaurus.models import ConceptLabel
from tests.search.helpers import run, titles


@pytest.fixture
def shelf(kurils, make_entry, committed, empty_index):
    with committed():
        for title, body, language in [
            ("Talks on the Kurils", "Fisheries talks on the Kurils resumed.", "en"),
            ("Курильские острова: переговоры", "Переговоры о рыболовстве у островов.", "ru"),
            ("千島列島の漁業", "千島列島の周辺で漁業交渉が行われた。", "ja"),
            ("Iturup airport opens", "An airport on Iturup began civilian flights.", "en"),
            ("北方領土の元島民", "北方領土の元島民が集会を開いた。", "ja"),
            ("Motegi meets Lavrov", "Foreign Minister Motegi met Lavrov in Moscow.", "en"),
            ("Мотэги и Решетников", "Тосимицу Мотэги провёл видеоконференцию.", "ru"),
            ("Energy report", "Exports of LNG from Sakhalin grew.", "en"),
        ]:
            make_entry(title=title, body=body, language=language)
    return kurils


def test_a_word_finds_the_same_concept_in_every_language(shelf):
    page = run("Kurils")
    assert set(titles(page)) >= {
        "Talks on the Kurils",
        "Курильские острова: переговоры",
        "千島列島の漁業",
    }
    assert [e.concept_key for e in page.expansions] == ["kuril-islands"]
    assert {"Курильские острова", "千島列島"} <= set(page.expansions[0].labels)


def test_without_expansion_only_the_words_typed_are_searched(shelf):
    page = run("Kurils", expand=False)
    assert titles(page) == ["Talks on the Kurils"]
    assert page.expansions == ()


def test_entries_with_the_words_typed_rank_first(shelf):
    assert titles(run("Курильские острова"))[0] == "Курильские острова: переговоры"
    assert titles(run("Kurils"))[0] == "Talks on the Kurils"
    assert titles(run("Тосимицу Мотэги"))[0] == "Мотэги и Решетников"
    assert set(titles(run("Тосимицу Мотэги"))) == {"Мотэги и Решетников", "Motegi meets Lavrov"}


def test_narrower_concepts_are_searched_and_broader_ones_are_not(shelf):
    found = titles(run("Kuril Islands"))
    assert "Iturup airport opens" in found  # under the Northern Territories, under the Kurils
    assert "北方領土の元島民" in found
    narrower = run("Kuril Islands").expansions[0].narrower
    assert set(narrower) == {"Northern Territories", "Iturup"}
    assert "Talks on the Kurils" not in titles(run("Iturup"))  # the Kurils are broader


def test_inflected_russian_and_japanese_in_a_longer_run_match_labels(shelf):
    assert "Talks on the Kurils" in titles(run("курильских островов"))
    # A Japanese query has no spaces: a label inside a longer run still matches.
    found = titles(run("北方領土問題"))
    assert "Iturup airport opens" in found


def test_a_quoted_phrase_that_is_a_label_is_expanded(shelf):
    page = run('"Kuril Islands" fisheries')
    assert "Курильские острова: переговоры" in titles(page) or page.expansions
    assert [e.concept_key for e in page.expansions] == ["kuril-islands"]


def test_a_word_excluded_with_not_is_never_expanded(shelf):
    page = run("airport -Kurils")
    assert titles(page) == ["Iturup airport opens"]  # Iturup is a narrower concept
    assert page.expansions == ()


def test_a_question_is_expanded_too(shelf):
    page = run("What happened to the Northern Territories after the war?")
    assert page.reading == "question"
    assert "北方領土の元島民" in titles(page)
    assert "Iturup airport opens" in titles(page)


def test_a_japanese_sentence_is_read_as_a_question_and_finds_entries(shelf):
    page = run("北方領土について教えてください")
    assert page.reading == "question"
    assert titles(page)[0] == "北方領土の元島民"


def test_hidden_labels_are_searched_but_never_shown(shelf):
    page = run("Iturup Island")
    assert "Iturup airport opens" in titles(page)
    for expansion in run("Northern Territories").expansions:
        assert "Iturup Island" not in expansion.labels


def test_a_change_to_a_concept_takes_effect_without_a_rebuild(shelf):
    assert titles(run("Мотэгисан")) == []  # a form of address, not yet a label
    ConceptLabel.objects.create(
        concept=shelf["motegi"], language="ru", kind="alternative", text="Мотэгисан"
    )
    assert set(titles(run("Мотэгисан"))) == {"Мотэги и Решетников", "Motegi meets Lavrov"}
    call_command("check_index", stdout=(out := StringIO()))
    assert "The index agrees with the database." in out.getvalue()


def test_a_concept_narrows_a_search_to_entries_about_it(shelf):
    page = run("", concept="northern-territories")
    assert set(titles(page)) == {"Iturup airport opens", "北方領土の元島民"}
    assert page.concept.key == "northern-territories"
    assert titles(run("airport", concept="northern-territories")) == ["Iturup airport opens"]


def test_the_page_says_what_was_also_searched_and_links_to_only_my_words(client, shelf):
    page = client.get("/", {"q": "Kurils"}).content.decode()
    assert "Also searched:" in page
    assert 'href="/concepts/kuril-islands/"' in page
    assert "Курильские острова" in page and "千島列島" in page
    assert 'href="/?q=Kurils&amp;expand=0"' in page
    only_mine = client.get("/", {"q": "Kurils", "expand": "0"}).content.decode()
    assert "Also searched:" not in only_mine
    assert "Searched only your words" in only_mine
    assert "千島列島の漁業" not in only_mine
    # Filters, sorting and paging keep the choice.
    assert 'name="expand" value="0"' in only_mine


def test_the_api_says_what_was_also_searched(client, shelf):
    data = client.get("/api/search/", {"q": "Kurils"}).json()
    assert data["expand"] is True
    [added] = data["also_searched"]
    assert added["concept"] == "kuril-islands"
    assert "千島列島" in added["labels"]
    assert added["url"].endswith("/concepts/kuril-islands/")
    assert data["only_my_words_url"].endswith("expand=0")
    data = client.get("/api/search/", {"q": "Kurils", "expand": "0"}).json()
    assert data["also_searched"] == [] and data["total"] == 1
    bad = client.get("/api/search/", {"q": "Kurils", "expand": "maybe"})
    assert bad.status_code == 400


def test_the_search_command_shows_what_was_also_searched(shelf):
    call_command("search", "Kurils", stdout=(out := StringIO()))
    assert "Also searched (Kuril Islands): " in out.getvalue()
    assert "5 results" in out.getvalue()  # the Kurils, the Northern Territories, Iturup
    call_command("search", "Kurils", "--only-my-words", stdout=(out := StringIO()))
    assert "Also searched" not in out.getvalue()
    assert "1 result" in out.getvalue()


def test_a_label_with_kana_inside_a_japanese_question_is_found(
    shelf, make_entry, make_concept, committed
):
    make_concept(
        "visa-free-exchanges",
        ("en", "preferred", "visa-free exchanges"),
        ("ja", "preferred", "ビザなし交流"),
    )
    with committed():
        make_entry(title="Visa-free exchanges to resume", body="Visits resume in summer.")
    # Read as a question, its pairs of kana alone (なし) are left out as grammar, yet the
    # label that holds one is still found.
    page = run("ビザなし交流は行われますか")
    assert page.reading == "question"
    assert [e.concept_key for e in page.expansions] == ["visa-free-exchanges"]
    assert "Visa-free exchanges to resume" in titles(page)
