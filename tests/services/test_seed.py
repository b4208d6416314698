"""The curated seed collection: faithful metadata, clean bodies, raw captures kept."""

import datetime
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.core.management import call_command

from archive.models import Entry

NEWS, PRESS_RELEASE, JOURNAL = (
    "seed-000-2a775db45f4373d4",
    "seed-002-e459417e0b57698a",
    "seed-003-f3c71f01dee03dc8",
)


def test_load_seed_loads_three_published_entries_and_is_idempotent(db):
    first, second = StringIO(), StringIO()
    call_command("load_seed", stdout=first)
    call_command("load_seed", stdout=second)
    assert "created 16" in first.getvalue()
    assert "created 0, updated 0, 16 unchanged" in second.getvalue()
    assert Entry.objects.filter(status="published").count() == 3


def test_the_seed_ships_its_raw_captures_inside_the_repository():
    raw = sorted(path.name for path in (Path(settings.ARCHIVE_SEED_DIR) / "raw").iterdir())
    assert raw == [
        "000_2a775db45f4373d4.txt",
        "002_e459417e0b57698a.txt",
        "003_f3c71f01dee03dc8.txt",
    ]


def test_news_item_body_has_no_page_chrome_or_teasers(seed):
    entry = seed[NEWS]
    assert entry.title == "Russia and Japan extend Year of interregional and sister city exchanges"
    assert not entry.title_is_devised
    assert (entry.date, entry.date_precision) == (datetime.date(2021, 11, 22), "day")
    assert entry.source.name == "Russkiy Mir Foundation"
    assert entry.body.startswith("It has decided to extend the Year")
    assert entry.body.endswith("in the summer of 2019 in Osaka.")
    for chrome in (
        "Select language",
        "Главная",
        "Photo credit",
        "BRICS",
        "Kazakhstan",
        "22.11.2021",
    ):
        assert chrome not in entry.body
    assert "Ministry of Defense of the Russian Federation" in entry.rights
    assert "CC BY 4.0" in entry.rights
    assert entry.raw_capture.startswith("Select language:")
    assert "Meet BRICS Art" in entry.raw_capture


def test_press_release_year_is_inferred_and_says_how(seed):
    entry = seed[PRESS_RELEASE]
    assert (entry.date, entry.date_precision) == (datetime.date(2020, 12, 21), "day")
    assert "without a year" in entry.date_note and "2020 is inferred" in entry.date_note
    assert entry.source.name == "Ministry of Foreign Affairs of Japan"
    assert entry.document_type == "press_release"
    assert entry.author_list == []
    assert entry.body.startswith("In the beginning, Minister Motegi")
    assert not entry.body.startswith("On December 21")


def test_journal_excerpt_has_a_devised_title_no_date_and_its_issn(seed):
    entry = seed[JOURNAL]
    assert entry.title_is_devised
    assert str(entry) == "[Russia–Japan relations: areas of bilateral cooperation]"
    assert (entry.date, entry.date_precision, entry.display_date) == (None, "undated", "undated")
    assert "2013 or later" in entry.date_note
    assert [str(identifier) for identifier in entry.identifiers.all()] == ["ISSN 2618-7159"]
    assert entry.source.name == "International Journal of Experimental Education"
    assert entry.body.startswith("The relations between Russia and Japan")
    for chrome in ("Scientific journal", "ИФ РИНЦ", "ISSN", "1 1\n"):
        assert chrome not in entry.body
    assert "ИФ РИНЦ = 0,839" in entry.raw_capture


def test_every_seed_entry_has_topics_language_and_type(seed):
    for entry in seed.values():
        assert entry.topics.exists()
        assert entry.language == "en"
        assert entry.summary
