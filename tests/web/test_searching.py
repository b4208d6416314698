"""Every door that searches is built by one builder and answers errors one way
(``archive/web/searching.py``): the same parameters are refused the same way by the page,
the API, the feed and the exports, each in its own format."""

import pytest

from archive import search
from archive.search import InvalidSearch, SearchRequest, engine
from archive.web.admin.search import engine_request
from archive.web.searching import InvalidParameters, search_request_from

DOORS = ["/", "/api/search/", "/feed/", "/cite.bib"]


@pytest.mark.parametrize(
    ("door", "params", "message"),
    [
        *[(door, {"q": "x" * (search.MAX_QUERY_LENGTH + 1)}, "at most 10000") for door in DOORS],
        # Machine clients are told of a bad date; the page shows it beside its field.
        ("/api/search/", {"from": "2021-02-30"}, "not a real date"),
        ("/cite.bib", {"from": "2021-02-30"}, "not a real date"),
        ("/api/search/", {"from": "2022", "to": "2021"}, "before its start"),
        ("/cite.bib", {"from": "2022", "to": "2021"}, "before its start"),
    ],
)
def test_every_door_refuses_the_same_parameters_with_a_400_that_says_why(
    client, indexed_seed, door, params, message
):
    response = client.get(door, params)
    assert response.status_code == 400
    if door == "/api/search/":
        fields = response.json()["fields"]
        assert any(message in error["message"] for errors in fields.values() for error in errors)
    else:
        assert message in response.content.decode()


@pytest.mark.parametrize("door", DOORS)
def test_every_door_answers_503_with_retry_after_when_the_search_runs_out_of_time(
    client, indexed_seed, settings, door
):
    settings.ARCHIVE_SEARCH_TIME_BUDGET = 1e-9
    response = client.get(door, {"q": "Motegi"})
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "took too long" in response.content.decode()


def test_the_request_itself_checks_its_dates_once_for_every_caller():
    with pytest.raises(InvalidSearch) as refused:
        SearchRequest(date_from="2022", date_to="2021")
    assert refused.value.field == "to"
    with pytest.raises(InvalidSearch) as refused:
        SearchRequest(date_from="2021-13")
    assert refused.value.field == "from"
    assert SearchRequest(date_from="2021-11", date_to="2021-11").date_bounds == (
        20211101,
        20211130,
    )


def test_a_lenient_build_drops_unknown_filter_values_and_says_so(indexed_seed, rf):
    built = search_request_from(rf.get("/", {"q": "Motegi", "topic": "no-such-topic"}).GET)
    assert built.request.filters == ()
    assert built.ignored == ("Topic “no-such-topic”",)
    with pytest.raises(InvalidParameters):
        search_request_from(rf.get("/", {"topic": "no-such-topic"}).GET, strict=True)


def test_the_admin_search_box_is_built_as_every_search_is(indexed_seed, rf):
    params = rf.get("/", {"language": "ru", "date__year": "2021", "date__month": "11"}).GET
    request = engine_request("Motegi", params)
    assert request.query == "Motegi"
    assert request.filters == (("language", ("ru",)),)
    assert (request.date_from, request.date_to) == ("2021-11", "2021-11")
    assert not request.snippets and not request.facets
    broken = rf.get("/", {"language": "no such language"}).GET
    assert engine_request("Motegi", broken).filters == ()  # the database still filters


def test_an_entry_page_reached_from_a_search_reads_the_search_once(
    client, indexed_seed, monkeypatch
):
    reads = []
    real_read = engine.read

    def counted(text, schema, reader=None, **kwargs):
        reads.append(text)
        return real_read(text, schema, reader, **kwargs)

    monkeypatch.setattr(engine, "read", counted)
    results = client.get("/", {"q": "Motegi"})
    link = results.context["hit_link_query"]
    entry = results.context["hits"][0].entry
    page = client.get(f"{entry.get_absolute_url()}{link}1")
    assert page.status_code == 200 and page.context["search_context"] is not None
    assert reads == ["Motegi"]
