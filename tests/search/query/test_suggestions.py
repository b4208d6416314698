""" "Did you mean" offers a word the archive has for one it lacks, never another form of a
word that already matched (#31, item 9)."""

import pytest

from tests.search.helpers import run


@pytest.fixture
def russian(empty_index, make_entry, committed):
    with committed():
        make_entry(
            title="Визит Мотэги в Москву",
            body="Министр иностранных дел Японии Мотэги обсудил сотрудничество России и Японии.",
            language="ru",
        )


def test_a_misspelled_cyrillic_name_gets_a_suggestion(russian):
    page = run("Мотаги")
    assert page.total == 0
    assert page.suggestion == "Мотэги"


def test_a_name_written_another_way_is_found_without_a_suggestion(russian):
    """е for э is a spelling of the name (#32), not a misspelling."""
    page = run("Мотеги")
    assert page.total == 1 and page.suggestion is None
    assert page.names[0].forms == ("Мотэги",)


def test_words_that_matched_in_another_form_are_not_corrected(russian):
    page = run("Россия Япония сотрудничество Мотаги")
    assert page.suggestion == "Россия Япония сотрудничество Мотэги"
