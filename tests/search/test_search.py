"""What a searcher gets: ranking, syntax, languages, snippets, suggestions, facets."""

import datetime

import pytest

from archive import search
from archive.models import Status, Topic
from tests.search.helpers import ids, run, titles

NEWS_TITLE = "Russia and Japan extend Year of interregional and sister city exchanges"


@pytest.fixture
def seed_ids(indexed_seed):
    return {key[5:8]: entry.pk for key, entry in indexed_seed.items()}


def test_a_plural_finds_the_singular(indexed_seed):
    page = run("exchanges")
    assert page.total == 3
    assert any("<mark>exchange</mark>" in hit.snippet for hit in page.hits)


def test_the_title_words_rank_the_first_seed_document_first(indexed_seed):
    assert titles(run("Year of interregional exchanges"))[0] == NEWS_TITLE


def test_exact_phrases(seed_ids):
    assert ids(run('"twin city exchanges"')) == [seed_ids["000"]]
    # No entry has the words in that order: the words alone are searched, and said so.
    reversed_phrase = run('"city twin"')
    assert any(
        "read with its operators; searched its words alone" in n for n in reversed_phrase.notes
    )
    assert seed_ids["000"] in ids(reversed_phrase)


def test_words_are_combined_with_and_by_default(seed_ids):
    assert ids(run("Motegi Reshetnikov")) == [seed_ids["002"]]
    assert run("Motegi palladium").total == 0 or "some" in " ".join(run("Motegi palladium").notes)


def test_or_and_exclusion(seed_ids):
    assert set(ids(run("Motegi OR palladium"))) == {seed_ids["002"], seed_ids["003"]}
    assert seed_ids["002"] not in ids(run("Japan -Motegi"))
    assert seed_ids["002"] not in ids(run("Japan NOT Motegi"))


def test_field_queries(seed_ids):
    assert ids(run("title:extend")) == [seed_ids["000"]]
    assert ids(run("source:ministry")) == [seed_ids["002"]]
    assert ids(run("topic:energy")) == [seed_ids["003"]]
    assert ids(run("issn:2618-7159")) == [seed_ids["003"]]
    assert ids(run("issn:26187159")) == [seed_ids["003"]]


def test_prefix_queries_match_word_beginnings(seed_ids):
    assert set(ids(run("econom*"))) == set(seed_ids.values())
    assert ids(run("Reshet*")) == [seed_ids["002"]]
    assert ids(run("exchanges*")) != []


def test_author_queries(make_entry, committed, empty_index):
    with committed():
        entry = make_entry(title="Interview", body="Fisheries.", authors="Ivanova, Anna")
    assert ids(run("author:ivanova")) == [entry.pk]


def test_drafts_are_never_searchable(make_entry, committed, empty_index):
    with committed():
        make_entry(title="Secret memo on salmon", status=Status.DRAFT)
    assert run("salmon").total == 0
    assert run("").total == 0


def test_russian_and_japanese_documents_share_the_index(make_entry, committed, empty_index):
    with committed():
        russian = make_entry(
            title="Экономическое сотрудничество",
            body="Развитие экономического сотрудничества России и Японии.",
            language="ru",
        )
        japanese = make_entry(
            title="日露関係", body="日本政府は北方領土問題の解決を目指している。", language="ja"
        )
    assert ids(run("экономическое")) == [russian.pk]
    assert ids(run("сотрудничество Японии")) == [russian.pk]
    assert ids(run("北方領土")) == [japanese.pk]
    assert "<mark>" in run("北方領土").hits[0].snippet


def test_snippets_escape_hostile_markup(make_entry, committed, empty_index):
    with committed():
        make_entry(
            title="Hostile",
            body='Fisheries <script>alert("x")</script> agreement <img src=x onerror=alert(1)>',
        )
    snippet = run("fisheries agreement").hits[0].snippet
    assert "<script>" not in snippet and "<img" not in snippet
    assert "&lt;script&gt;" in snippet
    assert "<mark>Fisheries</mark>" in snippet


def test_did_you_mean_comes_from_the_archive_vocabulary(indexed_seed):
    page = run("Motgi")
    assert page.total == 0
    assert page.suggestion == "Motegi"
    assert run("Reshetnikof video").suggestion == "Reshetnikov video"
    assert run("Motegi").suggestion is None


def test_a_pasted_question_still_finds_the_right_document(seed_ids):
    page = run("What did Motegi and Reshetnikov agree about the rapid virus test kit?")
    assert ids(page)[0] == seed_ids["002"]


def test_facet_counts_for_a_query(indexed_seed):
    page = run("exchanges")
    facets = {facet.name: {v.value: v.count for v in facet.values} for facet in page.facets}
    assert facets["year"] == {"2021": 1, "2020": 1, "undated": 1}
    assert facets["type"] == {"news": 1, "press_release": 1, "journal_article": 1}
    assert facets["source"]["mofa-japan"] == 1
    assert facets["topic"]["economy"] == 2  # entries under Energy count for Economy too
    assert facets["language"] == {"en": 3}


def test_values_of_one_facet_combine_with_or_and_keep_their_counts(seed_ids):
    page = run(filters={"year": ["2021", "undated"]})
    assert set(ids(page)) == {seed_ids["000"], seed_ids["003"]}
    years = next(facet for facet in page.facets if facet.name == "year")
    assert {v.value: (v.count, v.selected) for v in years.values} == {
        "2021": (1, True),
        "2020": (1, False),
        "undated": (1, True),
    }


def test_different_facets_combine_with_and(seed_ids):
    page = run(filters={"year": ["2021", "2020"], "type": ["press_release"]})
    assert ids(page) == [seed_ids["002"]]
    types = next(facet for facet in page.facets if facet.name == "type")
    # Type counts apply the year filter but not the type filter itself.
    assert {v.value: v.count for v in types.values} == {"news": 1, "press_release": 1}


def test_a_parent_topic_includes_its_children(seed_ids):
    # The journal excerpt is filed under Economy › Energy, the press release under Economy.
    assert set(ids(run(filters={"topic": ["economy"]}))) == {seed_ids["002"], seed_ids["003"]}
    assert ids(run(filters={"topic": ["energy"]})) == [seed_ids["003"]]


def test_date_ranges_respect_each_entrys_precision(make_entry, committed, empty_index):
    with committed():
        day = make_entry(date=datetime.date(2021, 11, 22), date_precision="day")
        month = make_entry(date=datetime.date(2021, 11, 1), date_precision="month")
        year = make_entry(date=datetime.date(2021, 1, 1), date_precision="year")
        make_entry()  # undated
        old = make_entry(date=datetime.date(1998, 4, 1), date_precision="day")
    assert set(ids(run(date_from="2021-11-20", date_to="2021-11-30"))) == {
        day.pk,
        month.pk,
        year.pk,
    }
    assert set(ids(run(date_from="2021-12"))) == {year.pk}
    assert set(ids(run(date_to="2000"))) == {old.pk}


def test_sorting_by_date_puts_undated_entries_last(seed_ids):
    assert ids(run(sort="newest")) == [seed_ids["000"], seed_ids["002"], seed_ids["003"]]
    assert ids(run(sort="oldest")) == [seed_ids["002"], seed_ids["000"], seed_ids["003"]]


def test_paging(seed_ids):
    first = run(sort="newest", per_page=2)
    second = run(sort="newest", per_page=2, page=2)
    beyond = run(sort="newest", per_page=2, page=99)
    assert (first.total, first.page_count, len(first.hits), len(second.hits)) == (3, 2, 2, 1)
    assert beyond.hits == () and beyond.total == 3


def test_an_empty_query_browses_the_whole_archive(indexed_seed):
    page = run("")
    assert page.total == 3 and page.notes == ()
    assert [year for year, _ in page.timeline] == ["2020", "2021"]


@pytest.mark.parametrize(
    "options",
    [
        {"sort": "alphabetical"},
        {"page": 0},
        {"per_page": 1000},
        {"date_from": "2021-02-30"},
        {"filters": (("colour", ("red",)),)},
    ],
)
def test_invalid_requests_are_refused_with_a_reason(options):
    with pytest.raises(search.InvalidSearch):
        search.SearchRequest(**options)


def test_renamed_topic_is_found_by_its_new_name(indexed_seed, committed):
    topic = Topic.objects.get(slug="energy")
    with committed():
        topic.name = "Oil and gas"
        topic.save()
    assert titles(run("topic:gas")) == [indexed_seed["seed-003-f3c71f01dee03dc8"].title]


def test_sorting_by_title_files_titles_as_a_catalogue_does(make_entry, committed, empty_index):
    """Case, accents, width, leading punctuation and an English article do not count;
    Latin before Cyrillic before Japanese; filters still apply (#31, 8)."""
    with committed():
        for title, language in [
            ("ラブロフ外相の訪日", "ja"),
            ("Sakhalin ferry", "en"),
            ("«Восток» и Япония", "ru"),
            ("The Kuril question", "en"),
            ("[Devised: a note on fisheries]", "en"),
            ("ﾀﾞｲﾔ", "ja"),
            ("Éclair of Hokkaido", "en"),
            ("Астрахань", "ru"),
        ]:
            make_entry(title=title, body="common words", language=language)
        make_entry(title="Aaaa draft", body="common words", status=Status.DRAFT)
    in_title_order = [
        "[Devised: a note on fisheries]",
        "Éclair of Hokkaido",
        "The Kuril question",
        "Sakhalin ferry",
        "Астрахань",
        "«Восток» и Япония",
        "ﾀﾞｲﾔ",
        "ラブロフ外相の訪日",
    ]
    assert titles(run("common", sort="title")) == in_title_order
    assert titles(run(sort="title", per_page=3, page=2)) == in_title_order[3:6]
    assert titles(run("common", sort="title", filters={"language": ["ru"]})) == [
        "Астрахань",
        "«Восток» и Япония",
    ]
