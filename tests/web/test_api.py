"""The JSON API: same parameters as the page; results, facets, paging; errors as JSON."""

import pytest


def test_search_returns_results_facets_paging_and_canonical_url(client, indexed_seed):
    data = client.get("/api/search/", {"q": "exchanges", "year": "2021"}).json()
    assert data["total"] == 1 and data["page"] == 1 and data["page_count"] == 1
    result = data["results"][0]
    assert (
        result["title"] == "Russia and Japan extend Year of interregional and sister city exchanges"
    )
    assert result["display_date"] == "22 November 2021" and result["date"] == "2021-11-22"
    assert "<mark>exchange</mark>" in result["snippet_html"]
    assert result["url"].startswith("http://testserver/entries/")
    years = {value["value"]: value for value in data["facets"]["year"]}
    assert years["2021"]["selected"] and years["2020"]["count"] == 1
    assert years["2020"]["url"] == "http://testserver/?q=exchanges&year=2021&year=2020"
    assert data["canonical_url"] == "http://testserver/?q=exchanges&year=2021"


def test_search_reports_suggestions_and_notes(client, indexed_seed):
    assert client.get("/api/search/", {"q": "Motgi"}).json()["suggestion"] == "Motegi"
    notes = client.get("/api/search/", {"q": '"Motegi'}).json()["notes"]
    assert notes == ["An unmatched quotation mark was ignored."]


def test_devised_and_undated_entries_are_described_as_such(client, indexed_seed):
    result = client.get("/api/search/", {"q": "palladium"}).json()["results"][0]
    assert result["title_is_devised"] is True
    assert result["display_title"].startswith("[")
    assert (result["date"], result["date_precision"]) == (None, "undated")


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"page": "0"}, "page"),
        ({"page": "abc"}, "page"),
        ({"sort": "random"}, "sort"),
        ({"topic": "no-such-topic"}, "topic"),
        ({"from": "2021-13"}, "from"),
        ({"per_page": "5000"}, "per_page"),
    ],
)
def test_bad_parameters_get_a_json_400(client, indexed_seed, params, field):
    response = client.get("/api/search/", params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert field in response.json()["fields"]


def test_entry_metadata(client, indexed_seed):
    entry = indexed_seed["seed-003-f3c71f01dee03dc8"]
    data = client.get(f"/api/entries/{entry.pk}/").json()
    assert data["identifiers"] == [{"scheme": "issn", "value": "2618-7159"}]
    assert data["source"]["name"] == "International Journal of Experimental Education"
    assert data["date_note"].startswith("The excerpt carries no date")
    assert "ИФ РИНЦ" not in data["text"] and "raw_capture" not in data


def test_drafts_and_unknown_entries_are_not_found(client, make_entry):
    draft = make_entry(status="draft")
    for url in (f"/api/entries/{draft.pk}/", "/api/entries/999999/"):
        response = client.get(url)
        assert response.status_code == 404 and "error" in response.json()


def test_only_get_is_allowed(client, indexed_seed):
    assert client.post("/api/search/").status_code == 405


def test_an_entrys_source_and_topics_have_one_shape_everywhere(client, indexed_seed):
    results = client.get("/api/search/", {"q": "Japan"}).json()["results"]
    shaped = next(result for result in results if result["source"] and result["topics"])
    entry = client.get(shaped["api_url"]).json()
    related = client.get(f"{shaped['api_url']}related/").json()["results"]
    assert shaped["source"] == entry["source"]
    assert set(shaped["source"]) == {"slug", "name", "kind", "country", "url"}
    assert shaped["topics"] == entry["topics"]
    assert all(set(topic) == {"slug", "name", "path"} for topic in entry["topics"])
    for item in related:
        assert item["source"] is None or set(item["source"]) == set(shaped["source"])
