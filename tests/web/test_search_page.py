"""The search page: full pages, htmx partials, URLs for every state, and bad input."""

import re

import pytest
from django.utils.html import strip_tags

from archive import search

HX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "search-body"}


def test_the_home_page_browses_the_archive_with_facets(client, indexed_seed):
    page = client.get("/").content.decode()
    assert "3 results" in page
    assert "Russia and Japan extend Year of interregional and sister city exchanges" in page
    assert "[Russia–Japan relations: areas of bilateral cooperation]" in page
    assert "Ministry of Foreign Affairs of Japan" in page  # source facet
    assert "Undated" in page  # year facet's undated bucket
    assert "htmx-2.0.11.min.js" in page


def test_results_show_date_source_type_language_snippet_and_link(client, indexed_seed):
    html = client.get("/", {"q": "palladium"}).content.decode()
    page = " ".join(strip_tags(html).split())
    assert "1 result for “palladium”" in page
    assert "undated · International Journal of Experimental Education" in page
    assert "Journal article · English" in page
    assert "<mark>palladium</mark>" in html
    entry = indexed_seed["seed-003-f3c71f01dee03dc8"]
    assert f'href="{entry.get_absolute_url()}?q=palladium&amp;hit=1"' in html


def test_an_htmx_request_gets_only_the_results_region(client, indexed_seed):
    full = client.get("/", {"q": "Motegi"})
    partial = client.get("/", {"q": "Motegi"}, **HX)
    assert "<html" in full.content.decode() and "<html" not in partial.content.decode()
    body = partial.content.decode()
    assert body.count('id="search-body"') == 1
    assert 'hx-swap-oob="innerHTML">1 result for “Motegi”' in body
    assert "<title>Motegi · Search · RJ Archive</title>" in body
    assert "HX-Request" in partial["Vary"]


def test_history_restore_requests_get_the_full_page(client, indexed_seed):
    response = client.get("/", {"q": "Motegi"}, HTTP_HX_HISTORY_RESTORE_REQUEST="true", **HX)
    assert "<html" in response.content.decode()


def test_facet_links_toggle_values_and_reset_the_page(client, indexed_seed):
    response = client.get("/", {"q": "Japan", "page": "1"})
    facets = {f.name: {v.value: v for v in f.values} for f in response.context["facets"]}
    assert facets["year"]["2021"].toggle_url == "/?q=Japan&year=2021"
    selected = client.get("/", {"q": "Japan", "year": ["2021", "2020"]})
    years = {v.value: v for f in selected.context["facets"] if f.name == "year" for v in f.values}
    assert years["2021"].selected and years["2021"].toggle_url == "/?q=Japan&year=2020"
    assert [chip.label for chip in selected.context["chips"]] == ["Year: 2021", "Year: 2020"]
    assert selected.context["clear_url"] == "/?q=Japan"


def test_facets_combine_or_within_and_across(client, indexed_seed):
    within = client.get("/", {"year": ["2021", "undated"]}).context["page"]
    across = client.get("/", {"year": ["2021", "undated"], "type": "news"}).context["page"]
    assert (within.total, across.total) == (2, 1)


def test_sorting_paging_and_date_range_are_urls(client, indexed_seed):
    response = client.get("/", {"sort": "oldest", "per_page": "1", "page": "2"})
    context = response.context
    assert context["page"].hits[0].entry.external_id == "seed-000-2a775db45f4373d4"
    assert context["previous_url"] == "/?sort=oldest&per_page=1"  # the page size is kept
    assert context["next_url"] == "/?sort=oldest&per_page=1&page=3"
    dated = client.get("/", {"from": "2021", "to": "2021-12"}).context
    assert dated["page"].total == 1
    assert [chip.label for chip in dated["chips"]] == ["From 2021", "To 2021-12"]


def test_the_timeline_links_narrow_to_one_year(client, indexed_seed):
    bars = client.get("/", {"q": "Japan", "year": "2020", "page": "1"}).context["timeline"]
    # Each bar replaces any year (and date range) with its own, keeping the query.
    assert [(bar.year, bar.url) for bar in bars] == [
        ("2020", "/?q=Japan&year=2020"),
        ("2021", "/?q=Japan&year=2021"),
    ]


def test_a_misspelling_offers_a_suggestion_link(client, indexed_seed):
    page = client.get("/", {"q": "Motgi"}).content.decode()
    assert 'Did you mean <a href="/?q=Motegi">Motegi</a>?' in page


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"page": "0"}, "greater than or equal to 1"),
        ({"page": "abc"}, "Enter a whole number"),
        ({"sort": "random"}, "Select a valid choice"),
        ({"q": "x" * 10_001}, "at most 10000 characters"),
    ],
)
def test_bad_parameters_get_a_400_page_that_explains(client, indexed_seed, params, message):
    response = client.get("/", params)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert 'id="q"' in response.content.decode()


def test_a_page_beyond_the_last_is_a_proper_page(client, indexed_seed):
    response = client.get("/", {"page": "999999"})
    assert response.status_code == 200
    assert "There is no page 999999: the results end at page 1." in response.content.decode()


def test_unknown_facet_values_are_ignored_with_a_note(client, indexed_seed):
    response = client.get("/", {"topic": "no-such-topic", "year": "1066x"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "The filter Topic “no-such-topic” is not in the archive and was ignored." in page
    assert response.context["page"].total == 3


def test_long_queries_odd_unicode_and_repeated_parameters(client, indexed_seed):
    assert client.get("/", {"q": "Motegi " * 1400}).status_code == 200
    assert client.get("/", {"q": "🇯🇵 Ｍｏｔｅｇｉ \u202e"}).status_code == 200
    response = client.get("/?q=Russia&q=Motegi&page=1&page=1")
    assert response.status_code == 200 and response.context["page"].total == 1


def test_reflected_values_are_escaped(client, indexed_seed):
    hostile = '"><script>alert(1)</script>'
    for params in ({"q": hostile}, {"topic": hostile}, {"from": hostile}, {"q": hostile, **HX}):
        body = client.get("/", params).content.decode()
        assert "<script>alert(1)" not in body


def test_a_missing_index_gives_a_503_page_that_explains(client, transactional_db):
    from django.core.management import call_command

    call_command("load_seed", verbosity=0)
    response = client.get("/", {"q": "Motegi"})
    assert response.status_code == 503
    assert "Search is being rebuilt" in response.content.decode()
    assert response["Retry-After"] == "30"
    search.wait_for_background_rebuild(timeout=30)  # before the database is flushed
    assert client.get("/", {"q": "Motegi"}).status_code == 200


def test_the_entry_page_highlights_the_query(client, indexed_seed):
    entry = indexed_seed["seed-002-e459417e0b57698a"]
    page = client.get(entry.get_absolute_url(), {"q": "virus test"}).content.decode()
    assert re.search(r'<mark id="match-\d+">virus</mark> <mark id="match-\d+">test</mark>', page)
    plain = client.get(entry.get_absolute_url()).content.decode()
    assert "<mark" not in plain


def test_the_query_survives_a_redirect_to_the_canonical_url(client, indexed_seed):
    entry = indexed_seed["seed-002-e459417e0b57698a"]
    response = client.get(f"/entries/{entry.pk}/", {"q": "virus"})
    assert response["Location"] == f"{entry.get_absolute_url()}?q=virus"


def test_selected_filters_with_no_results_render_a_page(client, indexed_seed):
    # Found by the load test: selected years with zero results once divided by zero.
    response = client.get("/", {"q": "Motgi", "year": "2020", "type": "news"})
    assert response.status_code == 200
    assert response.context["timeline"] == ()


@pytest.fixture
def many_sources(make_entry, committed, empty_index):
    from archive.models import Source

    with committed():
        for number in range(14):
            source = Source.objects.create(
                name=f"Gazette {number:02}", slug=f"gazette-{number:02}", kind="news_outlet"
            )
            for _ in range(number + 1):  # Gazette 13 has the most entries
                make_entry(title=f"Fisheries report {number}", source=source)


def listed_sources(response) -> list[str]:
    return [v.label for f in response.context["facets"] if f.name == "source" for v in f.values]


def test_a_long_facet_lists_its_first_values_and_shows_all_on_request(client, many_sources):
    response = client.get("/", {"q": "fisheries"})
    assert listed_sources(response) == [f"Gazette {n:02}" for n in range(13, 3, -1)]
    html = response.content.decode()
    assert 'href="/?q=fisheries&amp;more=source">Show all 14' in html
    response = client.get("/", {"q": "fisheries", "more": "source"})
    assert len(listed_sources(response)) == 14
    everything = response.content.decode()
    assert 'href="/?q=fisheries">Show fewer' in everything
    # Choosing a value keeps the list open, and the search box keeps it too.
    assert 'href="/?q=fisheries&amp;source=gazette-00&amp;more=source"' in everything
    assert '<input type="hidden" name="more" value="source">' in everything


def test_a_selected_value_beyond_the_first_ones_stays_listed(client, many_sources):
    response = client.get("/", {"q": "fisheries", "source": "gazette-00"})
    assert listed_sources(response)[-1] == "Gazette 00"  # selected, so listed after the top 10
    assert "Show all 14" in response.content.decode()


def test_the_api_and_unknown_more_values_are_unaffected(client, many_sources):
    api = client.get("/api/search/", {"q": "fisheries"}).json()
    assert len(api["facets"]["source"]) == 14
    page = client.get("/", {"q": "fisheries", "more": ["nonsense", "source"]})
    assert page.status_code == 200 and page.context["expanded"] == ("source",)


def test_no_template_syntax_leaks_into_pages(client, indexed_seed):
    entry = next(iter(indexed_seed.values()))
    for url in ("/", "/?q=Japan", entry.get_absolute_url()):
        html = client.get(url, follow=True).content.decode()
        assert "{#" not in html and "{%" not in html and "{{" not in html, url


def test_a_long_timeline_labels_only_its_ends_and_decades(
    client, make_entry, committed, empty_index
):
    import datetime

    with committed():
        for year in range(1985, 2011):
            make_entry(
                title=f"Harbour report {year}",
                date=datetime.date(year, 1, 1),
                date_precision="year",
            )
    bars = client.get("/", {"q": "harbour"}).context["timeline"]
    assert len(bars) == 26
    assert [bar.year for bar in bars if bar.labelled] == ["1985", "1990", "2000", "2010"]


def test_timeline_labels_do_not_crowd_each_other():
    from archive.web.presentation import _labelled_years

    years = [str(year) for year in range(1975, 2026)]  # 51 bars in a narrow column
    assert [years[i] for i in sorted(_labelled_years(years))] == [
        "1980", "1990", "2000", "2010", "2020"
    ]  # fmt: skip
    assert _labelled_years(["2019", "2020", "2021"]) == {0, 1, 2}


def test_facet_links_encoded_at_once_are_the_links_one_by_one(db):
    """A facet's hundreds of links are written with their shared parameters encoded once;
    each must be the link the one-by-one way writes."""
    from archive.web.presentation import SearchState

    states = [
        SearchState(()),
        SearchState((("q", "Japan & Russia"), ("page", "3"))),
        SearchState(
            (
                ("q", "северные"),
                ("year", "2020"),
                ("topic", "kuril"),
                ("more", "source"),
                ("sort", "newest"),
                ("topic", "energy"),
                ("concept", "x"),
                ("from", "1990"),
                ("page", "2"),
            )
        ),
    ]
    values = ["kuril", "energy", "北方領土", "a&b=c", "2020", " "]
    for state in states:
        for name in ("topic", "source", "year", "language", "type"):
            expected = [state.toggled(name, value).url() for value in values]
            assert state.toggled_urls(name, values) == expected


@pytest.mark.parametrize(
    ("typed", "read_as"),
    [
        ("21.11.2021", "2021-11-21"),
        ("2021/11/22", "2021-11-22"),
        ("2021年11月", "2021-11"),
        ("Nov 2021", "2021-11"),
        ("22 ноября 2021", "2021-11-22"),
    ],
)
def test_dates_are_read_as_people_write_them(client, indexed_seed, typed, read_as):
    response = client.get("/", {"from": typed})
    assert response.status_code == 200
    assert response.context["page"].request.date_from == read_as


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"from": "2021-02-30"}, "from", "not a real date"),
        ({"from": "yesterday-ish"}, "from", "is not a date we can read"),
        ({"from": "2022", "to": "2021"}, "to", "before its start"),
    ],
)
def test_a_date_that_cannot_be_used_is_explained_beside_its_field_and_results_stay(
    client, indexed_seed, params, field, message
):
    response = client.get("/", {"q": "Japan", **params})
    page = response.content.decode()
    assert response.status_code == 200
    usable = {name: value for name, value in params.items() if name != field}
    without = client.get("/", {"q": "Japan", **usable}).context["page"]
    assert response.context["page"].entry_ids == without.entry_ids  # the results stay
    assert f'<span class="field-problem" id="{field}-problem">' in page
    assert message in page
    assert f'aria-describedby="{field}-problem"' in page
    assert "The search could not be run" not in page
