"""Queries read as the person meant them: questions ranked by their words, keywords with
all their words, operators as documented, and a note whenever the reading changed."""

import pytest

from tests.search.helpers import run, titles

QUESTION = "What is the effect of slight rarefaction on boundary layer flows (the slip effect)?"


@pytest.fixture
def physics(make_entry, committed, empty_index):
    with committed():
        make_entry(
            title="Slip flow in rarefied gases",
            body="Rarefaction changes the boundary layer: the slip effect at the wall.",
        )
        make_entry(title="Boundary layer flows", body="Laminar boundary layer flows over plates.")
        make_entry(
            title="Sister city exchanges", body="Sister city exchanges between Japan and Russia."
        )
        make_entry(title="Sister ships", body="Two sister ships entered the harbour of the city.")
        make_entry(title="Fisheries quotas", body="Fisheries quotas and the fisheries treaty.")
        make_entry(title="Energy treaty", body="An energy treaty between the two governments.")


def test_brackets_dashes_and_question_marks_in_a_question_are_punctuation(physics):
    page = run(QUESTION)
    assert page.reading == "question"
    assert page.total >= 2
    assert titles(page)[0] == "Slip flow in rarefied gases"
    assert run("boundary layer flows - the slip effect - rarefaction in wind tunnels").total
    assert "Read as a question" in page.reading_text


def test_a_short_keyword_query_shows_only_entries_with_every_word(physics):
    page = run("sister city")
    assert page.reading == "all"
    assert sorted(titles(page)) == ["Sister city exchanges", "Sister ships"]
    assert run("sister exchanges").total == 1


def test_four_keywords_need_every_word_but_four_words_of_prose_are_a_question(physics):
    assert run("boundary layer slip rarefaction").reading == "all"
    assert run("slip in the boundary layer with rarefaction").reading == "question"


def test_operators_meant_as_operators_are_read_as_operators(physics):
    page = run("(sister OR boundary) -ships")
    assert page.reading == "operators"
    assert "Sister ships" not in titles(page)
    assert "Sister city exchanges" in titles(page)
    assert run('"slip effect"').reading == "operators"


def test_operators_that_find_nothing_fall_back_to_the_words_alone_with_a_note(physics):
    page = run('"effect slip" rarefaction')
    assert page.total >= 1
    assert page.reading == "question" or page.reading == "any"
    assert any("searched its words alone" in note for note in page.notes)


def test_words_a_question_repeats_weigh_more(physics):
    page = run("questions on fisheries, fisheries quotas and fisheries under the energy treaty")
    assert titles(page)[:2] == ["Fisheries quotas", "Energy treaty"]


def test_a_pasted_question_never_finds_nothing_when_any_word_is_in_the_archive(physics):
    page = run("(What) would a -- rarefaction expert say about 'unrelated' things here?")
    assert page.total >= 1
    assert not any("could not be read" in note for note in page.notes)


def test_the_page_and_the_api_say_how_the_query_was_read(physics, client):
    api = client.get("/api/search/", {"q": QUESTION}).json()
    assert api["reading"] == "question"
    assert "Read as a question" in api["reading_text"]
    html = client.get("/", {"q": "sister city"}).content.decode()
    assert "Showing entries with all of your words." in html
