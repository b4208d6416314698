"""More like this: the entries closest to an entry, itself and drafts never among them."""

import pytest

from archive import search
from archive.models import Status


@pytest.fixture
def shelf(make_entry, committed, empty_index):
    with committed():
        entries = {
            "kurils": make_entry(
                title="Talks on the Kuril Islands",
                body="Fisheries near Iturup and Kunashir, visa-free visits to the Kuril Islands.",
            ),
            "iturup": make_entry(
                title="Iturup fisheries",
                body="Fishermen of Iturup and Kunashir: quotas near the Kuril Islands.",
            ),
            "kunashir": make_entry(
                title="Visits to Kunashir",
                body="Visa-free visits to Kunashir resumed for former residents.",
            ),
            "draft": make_entry(
                title="Draft on Iturup",
                body="Iturup Kunashir Kuril Islands fisheries visits.",
                status=Status.DRAFT,
            ),
        }
        for number in range(12):  # enough of the archive elsewhere for idf to tell
            make_entry(
                title=f"Energy report {number}", body=f"LNG exports and Sakhalin gas {number}."
            )
    return entries


def test_related_entries_share_distinctive_words(shelf):
    related = search.related_entries(shelf["kurils"])
    titles = [entry.title for entry in related]
    assert titles[:2] == ["Iturup fisheries", "Visits to Kunashir"]
    assert "Talks on the Kuril Islands" not in titles  # never itself
    assert "Draft on Iturup" not in titles  # never a draft
    assert len(related) <= 5


def test_related_entries_on_the_page_and_in_the_api(shelf, client):
    entry = shelf["kurils"]
    page = client.get(entry.get_absolute_url()).content.decode()
    assert "Related entries" in page and "Iturup fisheries" in page
    api = client.get(f"/api/entries/{entry.pk}/related/")
    assert api.status_code == 200
    assert [item["title"] for item in api.json()["results"]][:1] == ["Iturup fisheries"]
    assert client.get(f"/api/entries/{shelf['draft'].pk}/related/").status_code == 404
    assert client.get("/api/entries/999999/related/").status_code == 404
