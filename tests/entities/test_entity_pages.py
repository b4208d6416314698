"""The People, Places and Organizations facets and the entity pages (#33)."""

import pytest

from archive.entities.extraction import extract
from archive.entities.models import EntityForm

pytestmark = pytest.mark.django_db


@pytest.fixture
def lavrov_entries(make_entry, empty_index, committed):
    with committed():
        russian = make_entry(
            title="Лавров в Токио", body="Сергей Лавров провёл переговоры в Токио.", language="ru"
        )
        japanese = make_entry(
            title="外相会談", body="セルゲイ・ラブロフ外相は東京で会談した。", language="ja"
        )
        extract(russian)
        extract(japanese)
    return russian, japanese


def test_a_russian_and_a_japanese_entry_count_as_two_under_one_person(client, lavrov_entries):
    data = client.get("/api/search/").json()
    people = {value["value"]: value for value in data["facets"]["people"]}
    lavrov = EntityForm.objects.get(text="Сергей Лавров").entity
    assert people[lavrov.key]["count"] == 2
    found = client.get("/api/search/", {"people": lavrov.key}).json()
    assert found["total"] == 2
    assert "places" in data["facets"] and "organizations" in data["facets"]


def test_the_facet_is_labelled_in_the_readers_language(client, lavrov_entries):
    lavrov = EntityForm.objects.get(text="Сергей Лавров").entity
    labels = {
        language: {
            value["value"]: value["label"]
            for value in client.get("/api/search/", {"lang": language}).json()["facets"]["people"]
        }[lavrov.key]
        for language in ("ru", "ja")
    }
    assert labels == {"ru": "Сергей Лавров", "ja": "セルゲイ・ラブロフ"}
    page = client.get("/ja/").content.decode()
    assert "セルゲイ・ラブロフ" in page


def test_the_entity_page_shows_forms_entries_and_companions(client, lavrov_entries):
    lavrov = EntityForm.objects.get(text="Сергей Лавров").entity
    response = client.get(f"/people/{lavrov.key}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Сергей Лавров" in page and "セルゲイ・ラブロフ" in page
    assert "Лавров в Токио" in page and "外相会談" in page
    assert "Named with it most often" in page
    assert client.get(f"/places/{lavrov.key}/").status_code == 301
    assert client.get("/people/no-such-person/").status_code == 404
