"""The interface in English, Russian and Japanese: addresses, the first visit, the
remembered choice, hreflang, dates and plurals, and complete catalogues."""

import datetime
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

from archive.dates import DAY, MONTH, UNDATED, YEAR, PartialDate
from archive.web.languages import permalink

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = {code: ROOT / "locale" / code / "LC_MESSAGES" / "django.po" for code in ("ru", "ja")}


def test_english_pages_keep_their_addresses_and_the_others_are_prefixed(client, indexed_seed):
    english = client.get("/", {"q": "Motegi"})
    assert english.status_code == 200
    assert '<html lang="en">' in english.content.decode()
    russian = client.get("/ru/", {"q": "Motegi"}).content.decode()
    assert '<html lang="ru">' in russian
    assert "1 результат по запросу «Motegi»" in russian
    japanese = client.get("/ja/", {"q": "Motegi"}).content.decode()
    assert '<html lang="ja">' in japanese
    assert "「Motegi」の検索結果 1 件" in japanese


def test_a_first_visit_follows_the_browser_and_a_choice_is_remembered(client, indexed_seed):
    first = client.get("/", {"q": "Motegi"}, HTTP_ACCEPT_LANGUAGE="ru-RU,ru;q=0.9,en;q=0.5")
    assert first.status_code == 302
    assert first["Location"] == "/ru/?q=Motegi"
    assert "Accept-Language" in first["Vary"]
    # Choosing English with the switcher stays English, whatever the browser prefers.
    chosen = client.post("/i18n/setlang/", {"language": "en", "next": "/?q=Motegi"})
    assert chosen["Location"] == "/?q=Motegi"
    again = client.get("/", {"q": "Motegi"}, HTTP_ACCEPT_LANGUAGE="ru")
    assert again.status_code == 200
    # Choosing Japanese is remembered for unprefixed addresses too.
    chosen = client.post("/i18n/setlang/", {"language": "ja", "next": "/ja/?q=Motegi"})
    assert chosen["Location"] == "/ja/?q=Motegi"
    assert client.get("/")["Location"] == "/ja/"


def test_the_api_and_downloads_are_never_redirected(client, indexed_seed):
    entry = indexed_seed["seed-002-e459417e0b57698a"]
    for url in ["/api/search/?q=Motegi", f"/entries/{entry.pk}/cite.bib", "/healthz"]:
        assert client.get(url, HTTP_ACCEPT_LANGUAGE="ja").status_code == 200, url


def test_every_page_names_its_versions_in_the_other_languages(client, indexed_seed):
    path = permalink(indexed_seed["seed-002-e459417e0b57698a"])
    page = client.get(f"/ru{path}").content.decode()
    for code, prefix in (("en", ""), ("ru", "/ru"), ("ja", "/ja")):
        href = f"http://testserver{prefix}{path}"
        assert f'<link rel="alternate" hreflang="{code}" href="{href}">' in page
    assert '<link rel="alternate" hreflang="x-default"' in page
    assert f'<link rel="canonical" href="http://testserver/ru{path}">' in page
    # The permalink and the citations stay the language-neutral address.
    assert f'<a href="http://testserver{path}">http://testserver{path}</a>' in page
    switcher = re.search(r'<nav class="language-switcher".*?</nav>', page, re.S).group()
    assert 'lang="ja"' in switcher and "日本語" in switcher


@pytest.mark.parametrize(
    ("language", "day", "month", "year", "undated"),
    [
        ("en", "22 November 2021", "November 2021", "2021", "undated"),
        ("ru", "22 ноября 2021\u202fг.", "ноябрь 2021\u202fг.", "2021", "без даты"),
        ("ja", "2021年11月22日", "2021年11月", "2021年", "日付なし"),
    ],
)
def test_dates_are_written_as_each_language_writes_them(language, day, month, year, undated):
    date = datetime.date(2021, 11, 22)
    with translation.override(language):
        assert PartialDate(date, DAY).display() == day
        assert PartialDate(date.replace(day=1), MONTH).display() == month
        assert PartialDate(date.replace(month=1, day=1), YEAR).display() == year
        assert PartialDate(None, UNDATED).display() == undated


@pytest.mark.parametrize(
    ("count", "words"),
    [(1, "1 результат"), (2, "2 результата"), (5, "5 результатов"), (21, "21 результат")],
)
def test_result_counts_take_the_russian_plural_forms(count, words):
    with translation.override("ru"):
        assert (
            translation.ngettext("%(counter)s result", "%(counter)s results", count)
            % {"counter": count}
            == words
        )


@pytest.mark.parametrize("code", sorted(CATALOGUES))
def test_catalogues_are_complete_without_fuzzy_entries_and_compiled(code):
    catalogue = polib.pofile(str(CATALOGUES[code]))
    assert catalogue.untranslated_entries() == []
    assert catalogue.fuzzy_entries() == []
    assert not catalogue.metadata_is_fuzzy
    for entry in catalogue.translated_entries():
        expected = set(re.findall(r"%\(\w+\)[sd]", entry.msgid))
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for text in translations:
            assert set(re.findall(r"%\(\w+\)[sd]", text)) == expected, entry.msgid
    compiled = polib.mofile(str(CATALOGUES[code].with_suffix(".mo")))
    assert {(e.msgid, e.msgstr, tuple(sorted(e.msgstr_plural.items()))) for e in compiled} == {
        (e.msgid, e.msgstr, tuple(sorted(e.msgstr_plural.items())))
        for e in catalogue.translated_entries()
    }, "the .mo file is older than the .po file: run `make messages`"


# Text that is the same in every language: format names, symbols and the brand.
UNTRANSLATED_ALLOWED = {"BibTeX", "RIS", "CSL-JSON", "v", "RJ", "Archive"}
_TAGS = [
    re.compile(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", re.S),
    re.compile(r"{%\s*blocktranslate.*?{%\s*endblocktranslate\s*%}", re.S),
    re.compile(r"<script.*?</script>", re.S),
    re.compile(r'<meta name="htmx-config"[^>]*>'),
    re.compile(r"{%.*?%}", re.S),
    re.compile(r"{{.*?}}", re.S),
]
_VISIBLE_ATTRIBUTES = re.compile(r'(?:aria-label|placeholder|title|alt)="([^"]*)"')


def visible_words(template: str) -> list[str]:
    """Words a visitor would see that are written in the template itself (not passed
    through the translation tags)."""
    for pattern in _TAGS:
        template = pattern.sub(" ", template)
    attributes = " ".join(_VISIBLE_ATTRIBUTES.findall(template))
    text = re.sub(r"<[^>]+>", " ", template) + " " + attributes
    return [
        word
        for word in re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)*", text)
        if word not in UNTRANSLATED_ALLOWED
    ]


@pytest.mark.parametrize(
    "path", sorted((ROOT / "templates").rglob("*.html")), ids=lambda path: path.name
)
def test_templates_have_no_text_outside_the_translation_tags(path):
    assert visible_words(path.read_text(encoding="utf-8")) == []


def test_the_untranslated_text_check_finds_text():
    assert visible_words("<p>Search the archive</p>") == ["Search", "the", "archive"]
    assert visible_words('<a aria-label="Copy">{% translate "Copy" %}</a>') == ["Copy"]
    assert visible_words('<p>{% translate "Copy" %} · ¶{{ n }}</p>') == []


def test_the_interface_languages_are_english_russian_and_japanese():
    assert [code for code, _ in settings.LANGUAGES] == ["en", "ru", "ja"]


def test_the_api_gives_labels_in_the_language_asked_and_values_in_none(client, indexed_seed):
    english = client.get("/api/search/", {"q": "Motegi"}).json()
    russian = client.get("/api/search/", {"q": "Motegi", "lang": "ru"}).json()
    assert [f["value"] for f in english["facets"]["type"]] == [
        f["value"] for f in russian["facets"]["type"]
    ]
    assert english["facets"]["type"][0]["label"] == "Press release"
    assert russian["facets"]["type"][0]["label"] == "Пресс-релиз"
    assert russian["results"][0]["display_date"] == "21 декабря 2020\u202fг."  # CLDR: no break
    assert russian["results"][0]["url"] == english["results"][0]["url"]  # the permalink
    assert client.get("/api/search/", {"q": "Motegi", "lang": "de"}).status_code == 400


def test_topic_and_source_names_show_in_the_visitors_language(client, indexed_seed):
    japanese = client.get("/ja/", {"q": "Motegi"}).content.decode()
    assert "外交・二国間関係 › 平和条約交渉" in japanese  # a topic with its parent
    assert "外務省" in japanese  # the source
    assert "topic=peace-treaty" in japanese  # facet values stay language-independent
    russian = client.get("/ru/", {"q": "exchanges"}).content.decode()
    assert "Фонд «Русский мир»" in russian
    # No Japanese name was given for the Russkiy Mir Foundation: English is shown.
    assert "Russkiy Mir Foundation" in client.get("/ja/", {"q": "exchanges"}).content.decode()


def test_names_in_other_languages_survive_an_export_and_import(indexed_seed, tmp_path):
    from archive.models import Source, Topic
    from archive.services.exporting import export_archive
    from archive.services.importing import import_manifest

    export_archive(tmp_path / "backup")
    Topic.objects.filter(slug="energy").update(name_ru="?")
    import_manifest(tmp_path / "backup")
    assert Topic.objects.get(slug="energy").name_ru == "Энергетика"
    assert Source.objects.get(slug="mofa-japan").name_ja == "外務省"


def test_a_name_in_an_unknown_language_is_refused(db, tmp_path):
    import json

    from archive.services.importing import ImportValidationError, import_manifest

    manifest = {"sources": [{"id": "x", "name": "X", "names": {"de": "Ix"}}], "entries": []}
    (tmp_path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(ImportValidationError, match="“de” is not one of: ru, ja"):
        import_manifest(tmp_path)


def test_the_admin_speaks_the_editors_language_at_its_one_address(editor_client, seed):
    from django.urls import reverse

    editor_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    page = editor_client.get(reverse("admin:archive_entry_changelist")).content.decode()
    assert '<html lang="ru"' in page
    assert "Опубликовать выбранные записи" in page  # the project's own action
    assert "Заглавие" in page  # its own column names
    editor_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ja"
    page = editor_client.get(reverse("admin:archive_concept_add")).content.decode()
    assert "概念のアドレスと SKOS の URI に使う固定の名前" in page  # a help text
    assert "RJ Archive 編集" in page


def test_the_duplicate_warning_is_in_the_editors_language(editor_client, seed):
    from django.urls import reverse

    from tests.web.admin.test_entries import entry_form

    existing = seed["seed-002-e459417e0b57698a"]
    editor_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    response = editor_client.post(
        reverse("admin:archive_entry_add"), entry_form(body=existing.body)
    )
    assert "Похоже на дубликат" in response.content.decode()


def test_commands_speak_the_terminals_language(indexed_seed, monkeypatch, tmp_path):
    from io import StringIO

    from django.core.management import CommandError, call_command

    monkeypatch.setenv("LANG", "ru_RU.UTF-8")
    call_command("check_index", stdout=(out := StringIO()))
    assert "Индекс соответствует базе данных." in out.getvalue()
    call_command("search", "Motegi", stdout=(out := StringIO()))
    assert out.getvalue().startswith("1 результат")
    monkeypatch.setenv("LC_ALL", "ja_JP.UTF-8")  # LC_ALL wins over LANG, as in gettext
    (tmp_path / "manifest.json").write_text('{"entries": [{"id": 5}]}', encoding="utf-8")
    with pytest.raises(CommandError, match="インポートを中止しました"):
        call_command("import_entries", str(tmp_path), stderr=StringIO())
    monkeypatch.setenv("LC_ALL", "de_DE.UTF-8")  # a language the archive does not speak
    call_command("check_index", stdout=(out := StringIO()))
    assert "The index agrees with the database." in out.getvalue()
