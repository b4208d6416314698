"""Public pages: the archive list and entry pages, with drafts kept from visitors."""

from django.urls import reverse

from archive.models import Status
from tests.conftest import verified_login


def test_home_lists_published_entries_newest_first(client, indexed_seed):
    page = client.get("/").content.decode()
    assert "3 results" in page
    news = page.index("Russia and Japan extend Year")
    release = page.index("Japan Foreign Minister Toshimitsu Motegi")
    journal = page.index("[Russia–Japan relations: areas of bilateral cooperation]")
    assert news < release < journal


def test_entry_page_shows_metadata_and_text_but_not_the_raw_capture(client, seed):
    entry = seed["seed-003-f3c71f01dee03dc8"]
    page = client.get(entry.get_absolute_url()).content.decode()
    assert "ISSN" in page and "2618-7159" in page
    assert "Title devised by the archive" in page
    assert "undated" in page
    assert "ИФ РИНЦ" not in page


def test_bare_and_outdated_entry_urls_redirect_permanently(client, seed):
    entry = seed["seed-000-2a775db45f4373d4"]
    for url in (f"/entries/{entry.pk}/", f"/entries/{entry.pk}/old-slug/"):
        response = client.get(url)
        assert response.status_code == 301
        assert response["Location"] == entry.get_absolute_url()


def test_drafts_are_hidden_from_visitors_and_shown_to_staff(
    client, editor, make_entry, empty_index
):
    draft = make_entry(title="Unreleased memo", status=Status.DRAFT)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert "Unreleased memo" not in client.get("/").content.decode()
    verified_login(client, editor)
    page = client.get(draft.get_absolute_url()).content.decode()
    assert "Draft: only editors can see this entry." in page


def test_hostile_markup_in_an_entry_is_shown_as_text(client, make_entry):
    entry = make_entry(
        title='<img src=x onerror="alert(1)">',
        body="<script>alert('x')</script>",
        original_url="https://example.org/a",
    )
    page = client.get(entry.get_absolute_url()).content.decode()
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in page


def test_unknown_entries_are_not_found(client, db):
    assert client.get(reverse("archive:entry", args=[999, "x"])).status_code == 404
