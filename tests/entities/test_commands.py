"""`extract_entities` (resumable, idempotent, editors' decisions kept) and
`evaluate_entities` (the judged set's figures, in an archive of its own) (#33)."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from archive.entities.extraction import pending_entries
from archive.entities.models import EntityExtraction, EntryEntity

pytestmark = pytest.mark.django_db


def test_extract_entities_reads_each_entry_once_until_its_text_changes(make_entry):
    first = make_entry(title="Talks", body="Foreign Minister Sergey Lavrov met Fumio Kishida.")
    make_entry(title="Port", body="Ships returned to Vladivostok.")
    call_command("extract_entities", stdout=(out := StringIO()))
    assert "2 entries, 2 read" in out.getvalue()
    assert EntityExtraction.objects.count() == 2
    call_command("extract_entities", stdout=(again := StringIO()))
    assert "2 entries, 0 read" in again.getvalue()  # resumed: nothing left to read
    first.body = "Foreign Minister Sergey Lavrov met Toshimitsu Motegi."
    first.save()
    call_command("extract_entities", stdout=(changed := StringIO()))
    assert "2 entries, 1 read" in changed.getvalue()
    names = set(EntryEntity.objects.filter(entry=first).values_list("entity__name", flat=True))
    assert "Toshimitsu Motegi" in names and "Fumio Kishida" not in names


def test_evaluate_entities_prints_the_figures_of_a_set(tmp_path):
    judged = {
        "documents": [
            {
                "id": "en-1",
                "language": "en",
                "text": "Foreign Minister Sergey Lavrov met Fumio Kishida in Tokyo.",
                "mentions": [
                    {"text": "Sergey Lavrov", "kind": "person", "entity": "lavrov"},
                    {"text": "Fumio Kishida", "kind": "person", "entity": "kishida"},
                    {"text": "Tokyo", "kind": "place", "entity": "tokyo"},
                ],
            },
            {
                "id": "ru-1",
                "language": "ru",
                "text": "Сергей Лавров прилетел в Токио.",
                "mentions": [
                    {"text": "Сергей Лавров", "kind": "person", "entity": "lavrov"},
                    {"text": "Токио", "kind": "place", "entity": "tokyo"},
                ],
            },
        ]
    }
    (tmp_path / "entities.json").write_text(json.dumps(judged, ensure_ascii=False))
    call_command("evaluate_entities", str(tmp_path), stdout=(out := StringIO()))
    report = out.getvalue()
    assert "2 documents." in report
    assert "en        person            1.000   1.000  1.000" in report
    assert (
        "forms under their person's main entity: 100.0%; entities holding two people: 0" in report
    )


def test_evaluate_entities_refuses_an_unreadable_set(tmp_path):
    (tmp_path / "entities.json").write_text("{not json")
    with pytest.raises(CommandError, match="entities.json"):
        call_command("evaluate_entities", str(tmp_path), stdout=StringIO())


def test_the_follower_reads_what_was_saved_since_and_skips_the_rest(make_entry, monkeypatch):
    entry = make_entry(title="Talks", body="Foreign Minister Sergey Lavrov met Fumio Kishida.")
    call_command("extract_entities", stdout=StringIO())
    assert not pending_entries().exists()
    entry.status = "draft"  # saved, its text unchanged
    entry.save()
    other = make_entry(title="Port", body="Ships returned to Vladivostok.")
    assert set(pending_entries()) == {entry, other}

    def stop(seconds):
        raise KeyboardInterrupt

    monkeypatch.setattr("archive.management.commands.extract_entities.time.sleep", stop)
    call_command("extract_entities", "--follow", stdout=(out := StringIO()))
    assert "Read 1 entry." in out.getvalue()  # the other only; the first was current
    assert not pending_entries().exists()
    assert EntryEntity.objects.filter(entry=other, entity__name="Vladivostok").exists()
