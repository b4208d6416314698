"""Language-aware analysis: English and Russian stemming, Japanese without spaces."""

from collections import Counter

import pytest

from archive.search.analysis import multilingual_analyzer


def terms(text):
    return [token.text for token in multilingual_analyzer()(text)]


def test_english_words_are_stemmed_and_stop_words_dropped():
    assert terms("The exchanges of sister cities") == ["exchang", "sister", "citi"]


def test_russian_words_are_stemmed_with_a_russian_stemmer():
    assert terms("экономическое")[0] == terms("экономического")[0] == "экономическ"
    assert terms("Сотрудничество и сотрудничества") == ["сотрудничеств", "сотрудничеств"]


def test_japanese_runs_become_overlapping_character_pairs():
    assert terms("北方領土") == ["北方", "方領", "領土"]
    assert set(terms("北方領土")) <= set(terms("日本の北方領土問題について"))


def test_full_width_letters_and_yo_are_normalised():
    assert terms("ＡＢＣ") == ["abc"]
    assert terms("ёлка") == terms("елка") == terms("Ёлка")


def test_character_offsets_point_at_the_original_words():
    text = "Japan’s 北方領土 policy"
    spans = [text[t.startchar : t.endchar] for t in multilingual_analyzer()(text, chars=True)]
    assert spans == ["Japan’s", "北方", "方領", "領土", "policy"]


def test_spans_for_snippets_are_the_analysers_tokens():
    from archive.search.analysis import multilingual_analyzer

    analyzer = multilingual_analyzer()
    texts = [
        "Japan's talks — the Kuril islands, 2024",
        "Переговоры о мире: ёлка и Москва",
        "北方領土の問題について、日ロ首脳会談。北 x",
        "mixed Россия 日本 text_with_underscore ｆｕｌｌ",
        "",
    ]
    for text in texts:
        expected = [
            (token.startchar, token.text)
            for token in analyzer(text, chars=True, mode="query", removestops=False)
        ]
        spans = [
            (first, analyzer.form(piece)[0]) for first, piece in analyzer.spans(text, 0, len(text))
        ]
        assert spans == expected, text


@pytest.mark.parametrize(
    "text",
    [
        "Interlibrary lending between university libraries, and the libraries' loans.",
        "Библиотеки выдают книги читателям; выдача книг в библиотеках 2024 года.",
        "北方領土の図書館は本を貸し出す。図書館の本。",
        "ＦＵＬＬ-width ﾗﾌﾞﾛﾌ and ё: Лавров, лавров; a I 7 x",
    ],
)
def test_word_counts_are_the_analysers_tokens_counted(text):
    """Counted by distinct pieces (feedback, related entries): the same as token by token."""
    analyzer = multilingual_analyzer()
    expected = Counter(
        token.text for token in analyzer(text) if len(token.text) > 1 and not token.text.isdigit()
    )
    assert analyzer.word_counts(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "snake_case_word __init__ a_'b x'_y _x_ it's 'quoted' rock’n’roll O'Neil's",
        "Переговоры_о_мире: ёлка's ２０２４ ｆｕｌｌ_ｗｉｄｔｈ",
        "",
    ],
)
def test_a_text_without_japanese_is_cut_as_a_text_with_it(text):
    """Texts without CJK take a faster expression (underscores read as spaces first):
    the same pieces as the expression that also cuts CJK runs."""
    from archive.search.analysis import _TOKEN

    assert multilingual_analyzer().pieces(text) == _TOKEN.findall(text)
