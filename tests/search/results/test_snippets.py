"""Snippets analyse only the stretches of a long text where searched words may be; what
a searcher sees must be the same as if the whole text had been analysed."""

from types import SimpleNamespace

from archive.search.analysis import multilingual_analyzer
from archive.search.results.snippets import SnippetMaker

FILLER = "Delegations met in the capital and discussed many unrelated matters. " * 200


def snippet(body: str, *words: str, summary: str = "") -> str:
    entry = SimpleNamespace(body=body, summary=summary)
    return str(SnippetMaker(frozenset(words), multilingual_analyzer()).snippet(entry))


def test_a_word_deep_in_a_long_text_is_found_and_marked():
    html = snippet(FILLER + "The salmon quotas were agreed. " + FILLER, "salmon")
    assert "<mark>salmon</mark> quotas were agreed" in html
    assert html.startswith("… ") and html.endswith(" …")


def test_words_whose_stem_is_not_in_the_text_are_still_marked():
    # "city" is indexed as "citi", which never appears as plain text.
    html = snippet(FILLER + "The city council voted. " + FILLER, "citi")
    assert "The <mark>city</mark> council voted" in html


def test_a_stretch_never_starts_inside_a_word():
    # "nation" occurs inside "international" only: that is not a match.
    html = snippet(FILLER + "An international forum. " + FILLER, "nation", summary="A forum.")
    assert "<mark>" not in html and html == "A forum."


def test_japanese_runs_without_spaces():
    body = "日本の北方領土問題について" * 40 + "漁業協定" + "経済協力について" * 40
    assert "<mark>漁業</mark>" in snippet(body, "漁業")


def test_several_places_are_weighed_like_the_whole_text():
    body = FILLER + "Salmon talks. " + FILLER + "Salmon quotas for salmon fishers. " + FILLER
    html = snippet(body, "salmon", "quota")
    assert "<mark>Salmon</mark> <mark>quotas</mark> for <mark>salmon</mark>" in html


class EveryTokenAnalysed(SnippetMaker):
    """The way snippets were made before: every token of the windows analysed."""

    def _tokens(self, text, windows):
        for start, end in windows:
            for token in self.analyzer(
                text[start:end], chars=True, mode="query", removestops=False, start_char=start
            ):
                token.matched = token.text in self.words
                yield token


def test_analysing_only_where_a_word_may_start_marks_the_same_words():
    analyzer = multilingual_analyzer()
    cases = [
        (FILLER + "The cities' councils and the city council. " + FILLER, ["citi", "council"]),
        ("北方領土の問題。北方四島と領土交渉。" * 30, ["北方", "方領", "領土", "四島"]),
        ("Переговоры о ёлках и елке. Министр заявил о переговорах. " * 20, ["переговор", "елк"]),
        ("Ｔｏｋｙｏ talks in Tokyo; ﬁsh and fish quotas. " * 20, ["tokyo", "fish", "quota"]),
        ("Japan's and Japan’s relations, JAPAN. " * 30, ["japan", "relat"]),
    ]
    for body, words in cases:
        entry = SimpleNamespace(body=body, summary="")
        fast = str(SnippetMaker(frozenset(words), analyzer).snippet(entry))
        reference = str(EveryTokenAnalysed(frozenset(words), analyzer).snippet(entry))
        assert fast == reference and "<mark>" in fast, words
