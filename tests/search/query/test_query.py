"""Bad input never raises: it is repaired or read as plain words, with a note."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive.search.query.reading import MAX_QUERY_CHARACTERS, parse
from archive.search.schema import build_schema
from tests.search.helpers import run

SCHEMA = build_schema()


@pytest.mark.parametrize(
    ("query", "note"),
    [
        ('"sister city', "unmatched quotation mark"),
        ("(Japan OR Russia", "Unbalanced parentheses"),
        ("Japan)) OR (Russia", "Unbalanced parentheses"),
        ("title: Japan", "field name with nothing after it"),
        ("colour:red Japan", "not a field you can search"),
    ],
)
def test_broken_syntax_is_repaired_with_a_note(indexed_seed, query, note):
    page = run(query)
    assert page.total >= 1
    assert any(note in text for text in page.notes)


@pytest.mark.parametrize("query", ["AND", "OR", "NOT", "-", "+", "*", "title:", "the of and", ":"])
def test_lone_operators_and_stop_words_browse_the_archive_with_a_note(indexed_seed, query):
    page = run(query)
    assert page.total == 3
    assert page.notes


def test_control_characters_and_invisible_marks_are_removed(indexed_seed):
    assert run("Motegi\x00\x1f\x7f").total == 1
    assert run("Mote\u200bgi Reshet\u00adnikov").total == 1


def test_a_ten_thousand_character_query_is_shortened_with_a_note(indexed_seed):
    page = run("Motegi " + "economy " * 1250)
    assert any(f"first {MAX_QUERY_CHARACTERS} characters" in note for note in page.notes)
    assert page.total >= 1


def test_odd_unicode_is_searched_without_error(indexed_seed):
    for query in ["🇯🇵🇷🇺", "Ｍｏｔｅｇｉ", "ｴｺﾉﾐｰ", "\u0301\u0301", "𝔐𝔬𝔱𝔢𝔤𝔦", "Мотэги", "؟"]:
        run(query)
    assert run("Ｍｏｔｅｇｉ").total == 1


def test_hyphenated_words_are_not_read_as_exclusions():
    query = str(parse("Russian-Japanese 2618-7159", SCHEMA).query)
    assert "NOT" not in query


def test_minus_before_a_word_excludes_it():
    assert "NOT" in str(parse("Japan -Motegi", SCHEMA).query)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_any_text_parses_into_a_query(text):
    parsed = parse(text, SCHEMA)
    assert parsed.query is not None
    assert len(parsed.text) <= MAX_QUERY_CHARACTERS


QUERY_ALPHABET = st.sampled_from(
    list('abcjmotegi "()*:-+ANDORNOT北方領土экономи\x00\u200b') + ["title:", " OR ", " AND "]
)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.lists(QUERY_ALPHABET, max_size=40).map("".join))
def test_any_query_searches_without_error(indexed_seed, text):
    page = run(text)
    assert page.available
    assert page.total >= 0
