"""Reading an entry: metadata that links to searches, where the entry stands in the search
it was reached from, and the searched words marked in its text."""

import datetime
import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from archive.models import Source, Status, Topic

pytestmark = pytest.mark.django_db


def html_of(client, url, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def links_in(html: str, css_class: str) -> list[str]:
    """The hrefs inside the element with ``css_class`` (a small page fragment)."""
    start = html.index(f'class="{css_class}"')
    fragment = html[start : html.index("</nav>", start)]
    return [unescape(href) for href in re.findall(r'href="([^"]*)"', fragment)]


def shown_results(client, url: str) -> list[str]:
    """Titles of the results of a search page reached by ``url``."""
    response = client.get(url)
    assert response.status_code == 200
    return [hit.entry.title for hit in response.context["hits"]]


@pytest.fixture
def described_entry(empty_index, make_entry, committed):
    economy = Topic.objects.create(name="Economy and trade", slug="economy")
    energy = Topic.objects.create(name="Energy", slug="energy", parent=economy)
    gazette = Source.objects.create(name="Sakhalin Gazette", slug="sakhalin-gazette")
    with committed():
        entry = make_entry(
            title="LNG deliveries from Sakhalin resume",
            body="Deliveries of liquefied natural gas resumed.",
            source=gazette,
            authors="Anna Petrova\nKenji Sato",
            date=datetime.date(2021, 3, 5),
            date_precision="day",
            language="ru",
            document_type="news",
        )
        entry.topics.add(energy)
        make_entry(title="Unrelated note", body="Nothing about gas.", language="en")
    return entry


# Metadata that leads somewhere --------------------------------------------------------


def test_each_piece_of_metadata_links_to_its_filtered_search(client, described_entry):
    page = html_of(client, described_entry.get_absolute_url())
    metadata = page[page.index('<dl class="metadata">') : page.index("</dl>")]
    hrefs = {unescape(href) for href in re.findall(r'href="([^"]*)"', metadata)}
    expected = {
        "/?topic=economy",
        "/?topic=energy",
        "/?source=sakhalin-gazette",
        "/?q=author%3A%22Anna+Petrova%22",
        "/?q=author%3A%22Kenji+Sato%22",
        "/?year=2021",
        "/?language=ru",
        "/?type=news",
    }
    assert expected <= hrefs
    for href in expected:
        # Each leads to a search with exactly that filter, which finds this entry only.
        assert shown_results(client, href) == [described_entry.title], href


def test_a_filter_link_is_the_facets_own_url(client, described_entry):
    search = client.get("/", {"q": "gas"})
    facet_urls = {value.toggle_url for facet in search.context["facets"] for value in facet.values}
    page = html_of(client, described_entry.get_absolute_url())
    for href in ("/?topic=energy", "/?source=sakhalin-gazette", "/?year=2021", "/?type=news"):
        assert f'href="{href}"' in page
        assert href.replace("/?", "/?q=gas&") in facet_urls


def test_a_version_page_links_what_the_entry_still_has(client, described_entry, committed):
    version = described_entry.versions.get()
    with committed():
        described_entry.topics.clear()
    page = html_of(client, version.get_absolute_url())
    assert "Economy and trade › Energy" in page  # as the version froze it, unlinked
    assert 'href="/?topic=energy"' not in page
    assert 'href="/?source=sakhalin-gazette"' in page


# The search context --------------------------------------------------------------------


@pytest.fixture
def three_results(empty_index, make_entry, committed):
    with committed():
        return [
            make_entry(
                title=f"Fisheries talks, round {number}",
                body=f"Round {number} of the fisheries talks on salmon quotas.",
                date=datetime.date(2020 + number, 1, 1),
                date_precision="year",
            )
            for number in (1, 2, 3)
        ]


def result_links(client, **params) -> list[str]:
    page = html_of(client, "/", **params)
    return [unescape(href) for href in re.findall(r'<h3[^>]*><a href="([^"]+)"', page)]


def test_result_links_carry_the_search_and_the_position(client, three_results):
    links = result_links(client, q="salmon", sort="oldest")
    assert links == [
        f"{entry.get_absolute_url()}?q=salmon&sort=oldest&hit={number}"
        for number, entry in enumerate(three_results, start=1)
    ]
    page = html_of(client, "/", q="salmon", sort="oldest")
    assert 'id="hit-1"' in page and 'id="hit-3"' in page


def test_the_first_middle_and_last_results_know_their_neighbours(client, three_results):
    first, middle, last = result_links(client, q="salmon", sort="oldest")
    page = html_of(client, first)
    assert "1 of 3 for “salmon”" in page
    assert 'rel="prev"' not in page
    steps = links_in(page, "search-context")
    assert steps[0] == "/?q=salmon&sort=oldest#hit-1"  # back to the results, scrolled
    assert steps[-1] == middle  # next
    page = html_of(client, middle)
    assert "2 of 3 for “salmon”" in page
    assert links_in(page, "search-context")[1:] == [first, last]
    page = html_of(client, last)
    assert "3 of 3 for “salmon”" in page
    assert 'rel="next"' not in page
    assert links_in(page, "search-context")[1:] == [middle]


def test_back_leads_to_the_results_page_the_entry_is_on(client, empty_index, make_entry, committed):
    with committed():
        entries = [
            make_entry(
                title=f"Visa note {n}",
                body="visa",
                date=datetime.date(2000 + n, 1, 1),
                date_precision="year",
            )
            for n in range(23)
        ]
    link = f"{entries[1].get_absolute_url()}?q=visa&sort=newest&hit=22"
    page = html_of(client, link)
    assert "22 of 23 for “visa”" in page
    assert links_in(page, "search-context")[0] == "/?q=visa&sort=newest&page=2#hit-22"


def test_a_stale_context_is_dropped_quietly(client, three_results, make_entry, committed):
    first = result_links(client, q="salmon", sort="oldest")[0]
    with committed():
        make_entry(
            title="Fisheries talks, round 0",
            body="salmon",
            date=datetime.date(2000, 1, 1),
            date_precision="year",
        )
    page = html_of(client, first)  # another entry now stands first
    assert " of 4 for" not in page and " of 3 for" not in page
    assert "Back to results for “salmon”" in page  # still a way back to the search


@pytest.mark.parametrize(
    "params",
    [
        "hit=abc",
        "hit=-1",
        "hit=0",
        "hit=99999999999",
        "hit=１",
        "hit=2&sort=sideways",
        "hit=1&year=" + "9" * 300,
        "hit=1&from=2020-13",
        "hit=1&q=" + "x" * 20_000,
        "hit=1&topic=%3Cimg%20src=x%20onerror=alert(1)%3E",
    ],
)
def test_a_hostile_context_is_ignored(client, three_results, params):
    response = client.get(f"{three_results[0].get_absolute_url()}?{params}")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<script>alert" not in page and "<img src=x" not in page
    assert not re.search(r"\d+ of \d+ (for|results)", page)


def test_a_context_naming_markup_shows_it_as_text(client, three_results):
    # A search for these "words" does find the entry (it reads script, alert, 1).
    url = f"{three_results[0].get_absolute_url()}?q=%22%3Cscript%3Ealert(1)%3C/script%3E&hit=1"
    page = html_of(client, url)
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_canonical_url_and_permalink_ignore_the_context(client, three_results):
    entry = three_results[1]
    plain = html_of(client, entry.get_absolute_url())
    reached = html_of(client, f"{entry.get_absolute_url()}?q=salmon&sort=oldest&hit=2")
    canonical = f'<link rel="canonical" href="http://testserver{entry.get_absolute_url()}">'
    assert canonical in plain and canonical in reached
    permalink = re.search(r"<dt>Permalink</dt><dd><a href=\"([^\"]+)\"", plain).group(1)
    assert f'<dt>Permalink</dt><dd><a href="{permalink}"' in reached
    assert "?" not in permalink


def test_context_neighbours_are_only_published_entries(client, three_results, committed):
    with committed():
        three_results[1].status = Status.DRAFT
        three_results[1].save()
    first, second = result_links(client, q="salmon", sort="oldest")
    page = html_of(client, first)
    assert "1 of 2 for “salmon”" in page
    assert links_in(page, "search-context")[-1] == second
    assert three_results[1].get_absolute_url() not in page


# The searched words marked in the text ---------------------------------------------------


@pytest.fixture
def marked_entry(empty_index, make_entry, committed):
    with committed():
        return make_entry(
            title="Exchanges and the peace treaty",
            summary="A note on youth exchange.",
            body=(
                "The exchange of students resumed.\n\n"
                "A peace treaty was discussed; peace alone was not enough.\n\n"
                "<script>alert('x')</script> The treaty <b>text</b> is not public.\n\n"
                "北方領土の問題について協議した。"
            ),
        )


def marks(page: str) -> list[str]:
    return re.findall(r'<mark id="match-\d+">(.*?)</mark>', page)


def test_a_search_for_a_word_marks_its_other_forms(client, marked_entry):
    page = html_of(client, marked_entry.get_absolute_url(), q="exchanges")
    assert marks(page) == ["exchange", "exchange"]  # the summary's and the text's
    assert "Your words appear 2 times in the text." in page


def test_a_phrase_is_marked_only_where_it_stands_whole(client, marked_entry):
    page = html_of(client, marked_entry.get_absolute_url(), q='"peace treaty"')
    assert marks(page) == ["peace treaty"]


def test_japanese_words_are_marked_by_their_character_pairs(client, marked_entry):
    page = html_of(client, marked_entry.get_absolute_url(), q="北方領土")
    assert marks(page) == ["北方領土"]


def test_excluded_words_are_not_marked(client, marked_entry):
    page = html_of(client, marked_entry.get_absolute_url(), q="treaty NOT exchange")
    assert marks(page) == ["treaty", "treaty"]


def test_marking_never_lets_the_documents_markup_through(client, marked_entry):
    page = html_of(client, marked_entry.get_absolute_url(), q="treaty text script")
    assert "<script>alert" not in page and "<b>text</b>" not in page
    assert '&lt;<mark id="match-' in page or "&lt;script&gt;" in page
    assert '<mark id="match-4">text</mark>' in page or "text</mark>" in page


def test_a_query_cannot_inject_markup_into_the_page(client, marked_entry):
    page = html_of(client, marked_entry.get_absolute_url(), q='"><img src=x onerror=alert(1)>')
    assert "<img src=x" not in page


def test_highlighting_can_be_turned_off_and_on(client, marked_entry):
    url = marked_entry.get_absolute_url()
    page = html_of(client, url, q="exchanges")
    switch = unescape(re.search(r'class="highlight-switch" href="([^"]+)"', page).group(1))
    assert parse_qs(urlsplit(switch).query) == {"q": ["exchanges"], "hl": ["0"]}
    page = html_of(client, url + switch)
    assert marks(page) == []
    assert "Highlight the searched words" in page
    switch = unescape(re.search(r'class="highlight-switch" href="([^"]+)"', page).group(1))
    assert marks(html_of(client, url + switch)) == ["exchange", "exchange"]


def test_words_found_only_in_the_title_are_explained(client, marked_entry):
    page = html_of(client, marked_entry.get_absolute_url(), q="exchanges peace")
    assert marks(page)
    page = html_of(client, marked_entry.get_absolute_url(), q="Exchanges")
    assert "Your words appear" in page
    nothing = html_of(client, marked_entry.get_absolute_url(), q="zzyzx")
    assert "Your words are not in the text" in nothing


def test_without_a_search_nothing_is_marked(client, marked_entry):
    page = html_of(client, reverse("archive:entry", args=[marked_entry.pk, marked_entry.slug]))
    assert marks(page) == [] and "match-bar" not in page
