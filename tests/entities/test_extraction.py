"""People, places and organizations read from entries in English, Russian and Japanese,
one entity per person across scripts, and the judged set's targets (#33)."""

from pathlib import Path

import pytest
from django.conf import settings

from archive.entities.extraction import extract, names_in
from archive.entities.models import Entity, EntryEntity
from archive.entities.resolution import form_for
from archive.evaluation import entities as evaluation

pytestmark = pytest.mark.django_db


def kinds_found(text, language):
    found = {}
    for mention, known in names_in(text, language):
        form = form_for(mention.kind, mention.normal, known)
        found[mention.normal] = form.entity.final().kind
    return found


def test_english_names_are_read():
    found = kinds_found(
        "Foreign Minister Sergey Lavrov met Fumio Kishida in Tokyo. The Ministry of Foreign "
        "Affairs of Japan said so.",
        "en",
    )
    assert found["Sergey Lavrov"] == "person"
    assert found["Fumio Kishida"] == "person"
    assert found["Tokyo"] == "place"
    assert found["Ministry of Foreign Affairs of Japan"] == "organization"


def test_russian_names_are_read_in_their_nominative():
    found = kinds_found("Встреча с Лавровым прошла во Владивостоке. «Газпромом» доволен.", "ru")
    assert found["Лавров"] == "person"
    assert found["Владивосток"] == "place"
    assert found["Газпром"] == "organization"


def test_japanese_names_are_read_without_their_titles():
    found = kinds_found("ラブロフ外相は東京で岸田文雄首相と会談した。外務省が発表した。", "ja")
    assert found["ラブロフ"] == "person"
    assert found["岸田文雄"] == "person"
    assert found["東京"] == "place"
    assert found["外務省"] == "organization"


def test_one_person_across_scripts_and_case_forms_and_not_two_people():
    forms = [
        ("person", "Sergey Lavrov"),
        ("person", "Сергей Лавров"),
        ("person", "С. Лавров"),
        ("person", "Лавров"),
        ("person", "セルゲイ・ラブロフ"),
        ("person", "ラブロフ"),
    ]
    entities = {form_for(kind, text).entity.final().pk for kind, text in forms}
    assert len(entities) == 1
    # A Lavrov with another given name is another person.
    other = form_for("person", "Alexander Lavrov").entity
    assert other.pk not in entities
    # Japanese names: in kanji, in Latin and in Cyrillic letters.
    kishida = {
        form_for("person", text).entity.pk for text in ("Fumio Kishida", "岸田文雄", "Фумио Кисида")
    }
    assert len(kishida) == 1


def test_an_entry_is_read_and_its_links_written(make_entry):
    entry = make_entry(
        title="Лавров в Токио",
        body="Сергей Лавров провёл переговоры в Токио.",
        language="ru",
    )
    assert extract(entry) is True
    assert extract(entry) is False  # idempotent: the same text is not read again
    names = {link.entity.name for link in EntryEntity.objects.filter(entry=entry)}
    assert {"Сергей Лавров", "Токио"} <= names


def test_bad_input_is_harmless(make_entry):
    numbers = make_entry(title="12345", body="1 2 3 4 5 6 7 8 9 0 " * 50)
    extract(numbers)
    assert not EntryEntity.objects.filter(entry=numbers).exists()
    huge = make_entry(title="Huge", body=("Sergey Lavrov visited Tokyo. " * 40_000))
    extract(huge)  # read from its start; no error
    assert EntryEntity.objects.filter(entry=huge, entity__name="Sergey Lavrov").exists()
    assert Entity.objects.filter(name="Sergey Lavrov").count() == 1


def test_the_judged_set_meets_its_targets():
    documents = evaluation.load(Path(settings.BASE_DIR) / "tests" / "data" / "entities")
    assert len(documents) >= 60
    assert {d["language"] for d in documents} == {"en", "ru", "ja"}
    evaluation.with_seed_gazetteer()
    scores = evaluation.evaluate(documents)
    for language in ("en", "ru", "ja"):
        for kind, target in (("person", 0.85), ("place", 0.85), ("organization", 0.75)):
            assert scores.f1(language, kind)[2] >= target, (language, kind)
    assert scores.merged_people() == []
    assert scores.forms_together() >= 0.9
