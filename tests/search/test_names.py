"""Names across scripts (#32): "Lavrov" finds Лавров and ラブロフ with no thesaurus entry,
ranked below the words typed, said on the page, switched off with the thesaurus."""

import pytest

from archive.search.names import names_in, skeleton, spelling_key
from tests.search.helpers import run, titles

ENTRIES = [
    ("ru", "Встреча министров", "Сергей Лавров встретился с послом Японии в Москве."),
    ("ja", "外相会談", "セルゲイ・ラブロフ外相は岸田首相と会談した。"),
    ("ru", "Визит премьера", "Премьер-министр Японии Кисида посетил Хабаровск."),
    ("ja", "大使の発言", "ガルージン駐日ロシア大使は上月大使と面会した。"),
    ("ru", "Посол в Токио", "Посол Галузин обсудил с Кодзуки вопросы рыболовства."),
    ("en", "Lavrov in Tokyo", "Foreign Minister Lavrov spoke in Tokyo."),
    ("ru", "Другой министр", "Министр Лавренов открыл выставку."),
    ("ja", "沿海の港", "ナホトカ港の貨物が増えた。ハバロフスクから列車で。"),
]


@pytest.fixture
def names(make_entry, empty_index, committed):
    with committed():
        for language, title, body in ENTRIES:
            make_entry(title=title, body=body, language=language)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Lavrov", {"Встреча министров", "外相会談", "Lavrov in Tokyo"}),
        ("Lavrow", {"Встреча министров", "外相会談", "Lavrov in Tokyo"}),
        ("Лавров", {"Встреча министров", "外相会談", "Lavrov in Tokyo"}),
        ("ラブロフ", {"Встреча министров", "外相会談", "Lavrov in Tokyo"}),
        ("Kishida", {"外相会談", "Визит премьера"}),
        ("Kisida", {"外相会談", "Визит премьера"}),
        ("岸田", {"外相会談", "Визит премьера"}),
        ("Кисида", {"外相会談", "Визит премьера"}),
        ("Galuzin", {"大使の発言", "Посол в Токио"}),
        ("ガルージン", {"大使の発言", "Посол в Токио"}),
        ("Kozuki", {"大使の発言", "Посол в Токио"}),
        ("Kōzuki", {"大使の発言", "Посол в Токио"}),
        ("Khabarovsk", {"Визит премьера", "沿海の港"}),
        ("Habarovsk", {"Визит премьера", "沿海の港"}),
        ("Nakhodka", {"沿海の港"}),
    ],
)
def test_a_name_is_found_in_every_script(names, query, expected):
    assert set(titles(run(query, per_page=50))) == expected


def test_matches_in_other_scripts_rank_below_the_words_typed(names):
    assert titles(run("Lavrov"))[0] == "Lavrov in Tokyo"
    assert titles(run("Лавров"))[0] == "Встреча министров"


def test_the_page_says_which_forms_were_matched(names):
    page = run("Lavrov")
    [matched] = page.names
    assert matched.word == "Lavrov"
    assert set(matched.forms) == {"Лавров", "ラブロフ"}


def test_only_my_words_switches_name_matching_off(names):
    assert set(titles(run("Lavrov", expand=False))) == {"Lavrov in Tokyo"}
    assert run("Lavrov", expand=False).names == ()


def test_an_excluded_name_is_excluded_in_every_script(names):
    assert set(titles(run("министр -Lavrov"))) == {"Визит премьера", "Другой министр"}
    assert set(titles(run("Japan NOT ラブロフ"))) == set()
    assert run("министр -Lavrov").names == ()


def test_distractors_are_not_matched():
    assert spelling_key("Лавров") != spelling_key("Лавренов")
    assert spelling_key("Ivanov") != spelling_key("Ivanova")
    assert skeleton(spelling_key("Ivanov")) != skeleton(spelling_key("Ivanova"))
    assert spelling_key("Sakhalin") != spelling_key("Sakhalinsk")
    [kishi] = names_in("岸が来た")
    [kishida] = names_in("岸田が来た")
    assert kishi.key != kishida.key


def test_a_capitalized_word_is_read_only_where_a_word_begins():
    text = "Lavrov met Shoigu.\nKishida, «Кисида» and McDonald; x_Ivanov 3Petrov naïveTé"
    assert [form.written for form in names_in(text)] == [
        "Lavrov",
        "Shoigu",
        "Kishida",
        "Кисида",
        "McDonald",
    ]


def test_a_common_word_is_not_read_as_a_name():
    assert names_in("the meeting was held in the city") == []
    assert [form.written for form in names_in("砂糖と佐藤")] == ["佐藤"]


@pytest.mark.parametrize("query", ["Ｌａｖｒｏｖ", "ﾗﾌﾞﾛﾌ", "Лаврóв", "LAVROV", "lavrov"])
def test_width_case_and_accents_do_not_hide_a_name(names, query):
    assert len(run(query).hits) == 3


def test_a_name_saved_later_is_matched_without_a_rebuild(names, make_entry, committed):
    with committed():
        make_entry(title="Новости", body="Лавров прибыл в Токио.", language="ru")
    assert "Новости" in titles(run("ラブロフ", per_page=50))


def test_drafts_are_matched_in_the_editors_search(names, make_entry, committed):
    from archive import search
    from archive.models import Status

    with committed():
        draft = make_entry(title="Черновик", body="Лавров и Кисида.", status=Status.DRAFT)
    found = search.editorial_search(search.SearchRequest(query="Kishida"), published=False)
    assert [entry_id for entry_id, _ in found.ranked] == [draft.pk]


def test_a_name_found_in_another_script_is_marked_in_the_snippet(names):
    snippets = {hit.entry.title: str(hit.snippet) for hit in run("Lavrov").hits}
    assert "<mark>Лавров</mark>" in snippets["Встреча министров"]
    # Japanese is indexed as character pairs: each pair of the name is marked.
    assert "セルゲイ・<mark>ラブ</mark><mark>ロフ</mark>外相" in snippets["外相会談"]


def test_a_russian_surname_in_a_mans_case_is_found_and_a_womans_name_is_not(
    make_entry, empty_index, committed
):
    with committed():
        make_entry(title="Переговоры", body="Министр встретился с Лавровым.", language="ru")
        make_entry(title="О визите", body="Говорили о Лаврове и Галузине.", language="ru")
        make_entry(title="Выставка", body="Наталья Иванова открыла выставку.", language="ru")
        make_entry(title="Ivanov", body="Igor Ivanov spoke.", language="en")
    assert set(titles(run("Lavrov"))) == {"Переговоры", "О визите"}
    assert set(titles(run("ラブロフ"))) == {"Переговоры", "О визите"}
    assert titles(run("Galuzin")) == ["О визите"]
    assert titles(run("Ivanov")) == ["Ivanov"]


def test_kana_is_read_in_latin_letters_without_the_kanji_dictionary(names):
    """A reading in one kana script gets the letters pykakasi's whole converter gives it,
    from its kana converter alone: the kanji dictionary (91 MiB of objects a process) is
    loaded only for text with kanji."""
    import random

    from archive.search.names import finding

    finding.kana_form.cache_clear()
    finding.kana_in_latin.cache_clear()
    finding._kakasi.cache_clear()
    run("メドベージェフ")  # a name in katakana, never seen before in this process
    assert finding.kana_in_latin.cache_info().currsize > 0  # kana was read in letters…
    assert finding._kakasi.cache_info().currsize == 0  # …without the kanji dictionary
    run("小泉")  # kanji: pykakasi's own reading of them is matched too (文雄: フミオ)
    assert finding._kakasi.cache_info().currsize == 1
    katakana = [chr(code) for code in range(0x30A1, 0x30F7)] + ["ー", "ッ", "ャ", "ョ"]
    hiragana = [chr(code) for code in range(0x3041, 0x3097)] + ["ー"]
    draw = random.Random(32)
    for _ in range(2000):
        letters = katakana if draw.random() < 0.5 else hiragana
        kana = "".join(draw.choice(letters) for _ in range(draw.randint(1, 8)))
        whole = "".join(part["hepburn"] for part in finding._kakasi().convert(kana))
        assert finding.kana_in_latin(kana) == whole, kana
    assert finding.kana_in_latin("岸田") == "kishida"  # kanji: the whole converter
