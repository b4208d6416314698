"""Small edges a first user cut themselves on (#31, items 12 and 13), each as they saw it."""

import datetime

from django.urls import reverse

from archive.models import Entry, Status
from archive.selectors import possible_duplicates
from tests.web.admin.test_entries import entry_form


def test_browsing_without_a_query_says_it_lists_newest_first(client, indexed_seed):
    page = client.get("/").content.decode()
    assert '<option value="relevance" selected>Newest first</option>' in page
    assert ">Relevance</option>" not in page
    searched = client.get("/", {"q": "Motegi"}).content.decode()
    assert '<option value="relevance" selected>Relevance</option>' in searched


def test_a_page_without_results_does_not_say_how_results_are_shown(client, indexed_seed):
    page = client.get("/", {"q": "zzzqqqxxx"}).content.decode()
    assert "Showing entries with all of your words" not in page


def test_versions_are_dated_as_every_other_date(client, empty_index, make_entry, committed):
    with committed():
        entry = make_entry(title="Kuril ferry", status=Status.PUBLISHED)
    page = client.get(entry.get_absolute_url()).content.decode()
    version = entry.versions.first()
    day = version.created_at.date()
    assert f"{day.day} {day:%B} {day.year}" in page
    assert version.created_at.strftime("%m/%d/%Y") not in page


def test_the_favicon_is_found(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("favicon.svg")
    page = client.get("/").content.decode()
    assert 'rel="icon"' in page


def test_text_saved_in_the_admin_comes_back_without_carriage_returns(
    superuser_client, client, source
):
    data = entry_form(
        status="published", source=source.pk, body="First line.\r\nSecond line.", summary="A\r\nB"
    )
    superuser_client.post(reverse("admin:archive_entry_add"), data)
    entry = Entry.objects.get()
    assert entry.body == "First line.\nSecond line."
    api = client.get(f"/api/entries/{entry.pk}/").json()
    assert "\r" not in api["text"] and "\r" not in api["summary"]


def test_the_duplicate_warning_knows_one_address_in_either_scheme(make_entry):
    kept = make_entry(
        original_url="https://www.mofa.go.jp/press/x/", date=datetime.date(2021, 1, 1)
    )
    for typed in ("http://www.mofa.go.jp/press/x", "https://www.mofa.go.jp/press/x/"):
        assert list(possible_duplicates(original_url=typed, body="")) == [kept]


def test_results_per_page_are_kept_by_every_link_and_offered(client, indexed_seed):
    response = client.get("/", {"per_page": "1"})
    context = response.context
    assert context["page"].total == 3 and len(context["hits"]) == 1
    assert "per_page=1" in context["next_url"]
    assert all("per_page=1" in link.url for link in context["pages"])
    assert all(
        "per_page=1" in value.toggle_url for facet in context["facets"] for value in facet.values
    )
    second = client.get(context["next_url"])
    assert len(second.context["hits"]) == 1
    assert "There is no page" not in second.content.decode()
    page = response.content.decode()
    assert '<select id="per-page" name="per_page"' in page
    assert '<option value="1" selected>1</option>' in page
    assert '<option value="50">50</option>' in page


def test_results_can_be_sorted_by_title_on_the_page_and_in_the_api(client, indexed_seed):
    """#31, 8: the sort menu offers titles A–Z; the order holds in the API too."""
    page = client.get("/", {"q": "Japan"}).content.decode()
    assert '<option value="title">Title (A–Z)</option>' in page
    sorted_page = client.get("/", {"q": "Japan", "sort": "title"})
    shown = [hit.entry.display_title for hit in sorted_page.context["hits"]]
    assert len(shown) == 3
    assert shown == sorted(shown, key=lambda title: title.strip("[").casefold())
    assert '<option value="title" selected>Title (A–Z)</option>' in sorted_page.content.decode()
    api = client.get("/api/search/", {"q": "Japan", "sort": "title"}).json()
    assert [result["title"] for result in api["results"]] == [
        hit.entry.title for hit in sorted_page.context["hits"]
    ]
