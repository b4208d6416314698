"""Each extractor on pages, PDFs and texts in English, Russian and Japanese: the main text
without the page's furniture, the metadata, and where each value came from."""

from pathlib import Path

import pytest

from archive.capture.datelines import dateline
from archive.capture.detection import CaptureRefused, content_type_of
from archive.capture.drafts import entry_fields, family_first
from archive.capture.extraction import NeedsOcr, extract
from archive.capture.said import shown
from tests.capture.conftest import FIXTURES, OCR_PAGES


def extracted(name: str):
    path = Path(FIXTURES / name)
    return extract(path, content_type_of(path.read_bytes()[:65536], name))


def test_an_english_page_gives_its_article_and_says_where_each_value_came_from():
    found = extracted("exchange-en.html")
    report = {
        name: {**value, "source": shown(value["source"])}
        for name, value in found.report()["fields"].items()
    }
    assert report["title"] == {
        "value": "Sapporo and Yuzhno-Sakhalinsk renew their student exchange",
        "source": "the page's meta tag og:title",
    }
    assert report["date"] == {
        "value": ("2021-11-22", "day"),
        "source": "the page's meta tag article:published_time",
    }
    assert report["authors"]["value"] == ["Aiko Tanaka"]
    assert report["site_name"]["value"] == "Northern Ledger"
    assert report["url"] == {
        "value": "https://ledger.example.org/2021/11/22/student-exchange",
        "source": "the page's canonical link",
    }
    assert report["language"]["value"] == "en"
    assert "confirmed by the text" in report["language"]["source"]
    assert found.text.startswith("The sister cities of Sapporo and Yuzhno-Sakhalinsk agreed")
    for furniture in ("Select language", "Most read", "All rights reserved", "Privacy"):
        assert furniture not in found.text


def test_a_russian_page_in_windows_1251_reads_as_cyrillic():
    found = extracted("kuril-ru.html")
    assert found.title.value == "Россия и Япония обсудили безвизовые поездки на Курилы"
    assert found.language.value == "ru"
    assert found.authors.value == ["Ирина Смирнова"]
    assert "безвизовых поездок жителей Хоккайдо" in found.text
    assert "Выберите язык" not in found.text and "Читайте также" not in found.text


def test_a_japanese_page_in_an_undeclared_encoding_is_detected():
    found = extracted("fisheries-ja.html")
    assert found.title.value == "日ロ漁業協議の結果について"
    assert str(found.title.source) == "the page's <title>"
    assert found.language.value == "ja"
    assert "北方領土周辺水域" in found.text
    assert "お問い合わせ先" not in found.text


@pytest.mark.parametrize(
    ("name", "language", "phrase"),
    [
        ("exchange-en.pdf", "en", "resume the school exchange that the pandemic interrupted"),
        ("kuril-ru.pdf", "ru", "безвизовых поездок жителей Хоккайдо"),
        ("fisheries-ja.pdf", "ja", "北方領土周辺水域におけるサケ"),
    ],
)
def test_pdfs_give_their_text_and_document_information(name, language, phrase):
    found = extracted(name)
    assert found.kind == "pdf"
    assert found.language.value == language
    assert phrase in found.text  # lines joined, CJK compatibility forms normalised
    assert str(found.title.source) == "the PDF's document information (Title)"


@pytest.mark.parametrize(
    ("name", "date", "written"),
    [
        ("exchange-en.pdf", "2021-11-22", "22 November 2021"),
        ("fisheries-ja.pdf", "2021-12-10", "令和三年十二月十日"),  # an era's year, in kanji
    ],
)
def test_a_pdfs_date_is_the_one_its_text_gives_not_the_files(name, date, written):
    found = extracted(name)
    assert found.date.value == (date, "day")
    assert str(found.date.source) == f"a date in the text: “{written}”"
    assert not found.date_inferred
    assert not any("creation date" in note for note in found.notes)


def test_a_pdf_without_a_dated_text_gets_its_creation_date_marked_inferred(db):
    found = extracted("kuril-ru.pdf")
    assert str(found.date.source) == "the PDF's document information (CreationDate)"
    assert found.date_inferred
    assert any("creation date" in str(note) for note in found.notes)
    fields = entry_fields(found, "kuril-ru.pdf")
    assert fields["date_note"].startswith("Inferred from the PDF's document information")


@pytest.mark.parametrize(
    ("text", "day", "precision"),
    [
        ("Tokyo, 5 September 2018 — The ministers met.", "2018-09-05", "day"),
        ("Москва, 5 сентября 2018 г. Министры встретились.", "2018-09-05", "day"),
        ("2018年9月5日、東京で外相会談が行われた。", "2018-09-05", "day"),
        ("平成元年一月八日 官報", "1989-01-08", "day"),
        ("Report of November 2019 on the quotas", "2019-11-01", "month"),
    ],
)
def test_datelines_are_read_in_the_three_languages(text, day, precision):
    found = dateline(text)
    assert (found.day.isoformat(), found.precision) == (day, precision)


def test_a_year_alone_or_a_count_is_no_dateline():
    assert dateline("In 2015 the talks resumed; 42 tons were landed.") is None


def test_a_plain_text_gives_its_first_line_as_title():
    found = extracted("note-en.txt")
    assert found.title.value == "Notes on the fisheries consultations, autumn session"
    assert str(found.title.source) == "the text's first line"
    assert found.text.startswith("The delegations met for three days")
    assert found.language.value == "en"


def test_an_image_goes_to_ocr_and_a_broken_one_is_refused(tmp_path):
    scan = OCR_PAGES / "en-ru-two-pages.tif"
    with pytest.raises(NeedsOcr) as needed:
        extract(scan, content_type_of(scan.read_bytes()[:65536], scan.name))
    assert needed.value.scan.to_read == (1, 2)  # every page of a multi-page TIFF
    png = tmp_path / "scan.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    with pytest.raises(CaptureRefused, match="image is damaged or incomplete"):
        extract(png, content_type_of(png.read_bytes(), "scan.png"))


@pytest.mark.parametrize(
    ("head", "name", "reason"),
    [
        (b"%PDF-1.7\n", "notes.html", "its name says HTML but its content is PDF"),
        (b"<!doctype html><html>", "report.pdf", "its name says PDF but its content is HTML"),
        (b"PK\x03\x04\x14\x00\x06\x00", "archive.txt", "not a web page, a PDF"),
    ],
)
def test_a_type_is_read_from_the_content_not_the_name(head, name, reason):
    with pytest.raises(CaptureRefused, match=reason):
        content_type_of(head, name)


def test_a_file_without_a_telling_name_is_typed_by_its_content():
    assert content_type_of(b"%PDF-1.4\n", "download") == "application/pdf"
    assert content_type_of(b"\xef\xbb\xbf<!DOCTYPE html><html>", "page") == "text/html"
    assert content_type_of("Просто текст".encode("cp1251"), "note") == "text/plain"


def test_a_page_marked_up_as_a_news_article_is_typed_news(db):
    found = extracted("exchange-en.html")
    assert found.document_type.value == "news"
    assert str(found.document_type.source) == "the page's JSON-LD (@type NewsArticle)"
    fields = entry_fields(found, "exchange-en.html")
    assert fields["document_type"] == "news"


@pytest.mark.parametrize(
    ("found", "written"),
    [
        ("Aiko Tanaka", "Tanaka, Aiko"),
        ("Анна Ивановна Петрова", "Петрова, Анна Ивановна"),
        ("Tanaka, Aiko", "Tanaka, Aiko"),
        ("上月豊久", "上月豊久"),
        ("Ministry of Foreign Affairs of Japan", "Ministry of Foreign Affairs of Japan"),
    ],
)
def test_authors_are_written_family_name_first_as_the_form_asks(found, written):
    assert family_first(found) == written
