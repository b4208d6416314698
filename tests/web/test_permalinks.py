"""Permalinks that survive edits: slugs, redirects, withdrawn entries, versions, anchors."""

import pytest
from django.urls import reverse

from archive.models import Entry, EntryVersion, Status
from tests.conftest import verified_login


@pytest.fixture
def published(make_entry, committed):
    with committed():
        entry = make_entry(
            title="Fisheries talks in Moscow",
            body="First paragraph about salmon.\n\nSecond paragraph about crab quotas.",
        )
    return entry


def edit(committed, entry, **changes):
    with committed():
        for name, value in changes.items():
            setattr(entry, name, value)
        entry.save()
    entry.refresh_from_db()
    return entry


def test_a_new_title_changes_the_slug_and_old_urls_redirect(client, published, committed):
    old_url = published.get_absolute_url()
    entry = edit(committed, published, title="Fisheries talks conclude in Moscow")
    assert entry.slug == "fisheries-talks-conclude-in-moscow"
    for url in (old_url, f"/entries/{entry.pk}/", f"/entries/{entry.pk}/anything/"):
        response = client.get(url)
        assert response.status_code == 301
        assert response["Location"] == entry.get_absolute_url()
    assert client.get(entry.get_absolute_url()).status_code == 200


def test_the_entry_page_names_its_canonical_url(client, published):
    page = client.get(published.get_absolute_url()).content.decode()
    assert f'<link rel="canonical" href="http://testserver{published.get_absolute_url()}">' in page


def test_a_deleted_entry_answers_410_with_a_page_that_says_so(client, published, committed):
    url = published.get_absolute_url()
    with committed():
        published.delete()
    response = client.get(url)
    assert response.status_code == 410
    assert "“Fisheries talks in Moscow” was removed from the archive" in response.content.decode()


def test_an_unpublished_entry_answers_410_but_staff_still_see_it(
    client, editor, published, committed
):
    edit(committed, published, status=Status.DRAFT)
    response = client.get(published.get_absolute_url())
    assert response.status_code == 410
    assert "withdrawn from publication" in response.content.decode()
    verified_login(client, editor)
    assert client.get(published.get_absolute_url()).status_code == 200


def test_a_never_published_draft_is_simply_not_found(client, make_entry):
    draft = make_entry(status=Status.DRAFT)
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_each_edit_of_a_published_entry_keeps_an_immutable_version(client, published, committed):
    edit(committed, published, body="First paragraph about salmon.\n\nSecond paragraph, revised.")
    edit(committed, published, title="Fisheries talks in Moscow end")
    versions = list(EntryVersion.objects.filter(entry=published).values_list("number", flat=True))
    assert versions == [1, 2, 3]
    first = client.get(reverse("archive:version", args=[published.pk, 1])).content.decode()
    assert "crab quotas" in first and "revised" not in first
    assert "You are reading <strong>version 1</strong>" in first
    assert "Read the current version (3)" in first
    second = client.get(reverse("archive:version", args=[published.pk, 2])).content.decode()
    assert "<del>about crab quotas.</del> <ins>revised.</ins>" in second
    third = client.get(reverse("archive:version", args=[published.pk, 3])).content.decode()
    assert "Metadata changed: Title." in third
    assert "<ins>end</ins>" in third


def test_a_recorded_version_cannot_be_changed(published):
    version = published.versions.get()
    version.snapshot = {**version.snapshot, "title": "Rewritten history"}
    with pytest.raises(ValueError, match="immutable"):
        version.save()
    assert published.versions.get().snapshot["title"] == "Fisheries talks in Moscow"


def test_saving_without_changes_records_no_new_version(published, committed):
    edit(committed, published)
    assert published.versions.count() == 1


def test_drafts_get_no_versions_until_published(make_entry, committed):
    with committed():
        draft = make_entry(status=Status.DRAFT)
    assert not draft.versions.exists()
    edit(committed, draft, status=Status.PUBLISHED)
    assert draft.versions.count() == 1


def test_the_entry_page_lists_versions_and_says_which_is_read(client, published, committed):
    edit(committed, published, summary="A summary.")
    page = client.get(published.get_absolute_url()).content.decode()
    assert '<strong aria-current="page">v2</strong>' in page
    assert f'href="/entries/{published.pk}/v/1/"' in page


def test_paragraphs_have_anchors_and_copy_controls(client, published):
    page = client.get(published.get_absolute_url()).content.decode()
    assert 'id="p1"' in page and 'id="p2"' in page
    assert 'href="#p2" aria-label="Link to paragraph 2"' in page
    assert 'aria-label="Copy link to paragraph 2"' in page


def test_unknown_versions_are_not_found(client, published):
    assert client.get(reverse("archive:version", args=[published.pk, 9])).status_code == 404


def test_the_search_page_offers_a_dated_citation_of_itself(client, indexed_seed):
    page = client.get("/", {"q": "exchanges", "year": "2021"}).content.decode()
    assert "Cite this search: RJ Archive, search for “exchanges” (Year: 2021)" in page
    assert '<link rel="canonical" href="http://testserver/?q=exchanges&amp;year=2021">' in page


def test_ids_of_deleted_entries_are_not_reused(published, committed, make_entry):
    deleted_id = published.pk
    with committed():
        published.delete()
    assert make_entry().pk > deleted_id
    assert not Entry.objects.filter(pk=deleted_id).exists()
