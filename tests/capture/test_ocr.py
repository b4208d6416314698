"""Scans become text: each language and layout read by OCR (OCRmyPDF and Tesseract, as
installed by `make test`), born-digital PDFs never given to it, mixed PDFs, background
readings and their failures, reading again, the searchable PDF, and every bad input."""

import io
import json
import struct
import zlib
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader, PdfWriter

from archive import search
from archive.capture import services
from archive.capture.models import EntryOriginal, OcrReading, OriginalFile
from archive.capture.ocr import engine, evaluation
from archive.capture.originals import open_original
from archive.models import Entry, Status
from tests.capture.conftest import (
    OCR_PAGES,
    encrypted_pdf,
    fixture_bytes,
    image_only_pdf,
    stored_files,
)

pytestmark = pytest.mark.django_db
CAPTURE_URL = reverse("admin:archive_entry_capture")
TEXTS = json.loads((OCR_PAGES.parent / "texts.json").read_text(encoding="utf-8"))


def capture_file(name: str, **kwargs):
    with (OCR_PAGES / name).open("rb") as stream:
        return services.capture(stream, name, **kwargs)


def capture_bytes(data: bytes, name: str, **kwargs):
    return services.capture(io.BytesIO(data), name, **kwargs)


def pdf_of(*parts: bytes) -> bytes:
    """One PDF of the pages of these PDFs, in order."""
    writer = PdfWriter()
    for part in parts:
        writer.append(PdfReader(io.BytesIO(part)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def image_bytes(size=(600, 800), kind="PNG", color=255) -> bytes:
    out = io.BytesIO()
    Image.new("L", size, color).save(out, kind)
    return out.getvalue()


# Each language and layout ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "language", "title", "word"),
    [
        ("en-h-clean.png", "en", "Fisheries talks in Moscow", "Nemuro"),
        ("ru-h-rotated-90.pdf", "ru", "Переговоры о рыболовстве", "Немуро"),
        ("ja-h-clean.png", "ja", "日露漁業交渉", "根室"),
        ("ja-v-clean.png", "ja", "日露漁業交渉", "根室"),
    ],
)
def test_a_scan_in_each_language_and_layout_becomes_a_searchable_entry(
    name, language, title, word, empty_index, committed, originals_dir
):
    with committed():
        result = capture_file(name)
    entry = result.entry
    assert result.created and not result.pending and entry.status == Status.DRAFT
    assert evaluation.character_error_rate(title, entry.title, language) <= 1 / 3
    assert not entry.title_is_devised
    assert entry.language == language
    assert evaluation.character_error_rate(TEXTS[language], entry.body, language) < 0.05
    reading = entry.originals.get().latest_reading
    assert reading.state == OcrReading.State.DONE and reading.pages_done == 1
    (page,) = reading.pages
    assert page["read"] == "ocr" and page["language"] == language and page["confidence"] > 80
    assert page["turned"] == name.startswith("ru-h-rotated")  # turned the right way up
    # The searchable PDF is kept beside the original, which is unchanged.
    assert PdfReader(io.BytesIO(_stored(reading.searchable_pdf))).pages[0].extract_text()
    assert _stored(entry.originals.get().file) == (OCR_PAGES / name).read_bytes()
    with committed():
        entry.status = Status.PUBLISHED
        entry.save()
    found = search.search(search.SearchRequest(query=word))
    assert [hit.entry.pk for hit in found.hits] == [entry.pk]


def _stored(original: OriginalFile) -> bytes:
    with open_original(original) as stored:
        return stored.read()


def test_a_multi_page_tiff_is_read_page_by_page():
    entry = capture_file("en-ru-two-pages.tif").entry
    reading = entry.originals.get().latest_reading
    assert [page["language"] for page in reading.pages] == ["en", "ru"]
    assert "Nemuro" in entry.body and "Немуро" in entry.body


def test_a_born_digital_pdf_is_never_given_to_ocr(monkeypatch):
    def no_ocr(*args, **kwargs):
        raise AssertionError("OCR ran on a PDF with text")

    monkeypatch.setattr(engine, "read", no_ocr)
    entry = capture_bytes(fixture_bytes("exchange-en.pdf"), "exchange-en.pdf").entry
    assert "Sapporo" in entry.body and not OcrReading.objects.exists()


def test_a_mixed_pdf_keeps_its_text_pages_and_reads_only_its_scans():
    born_digital = fixture_bytes("kuril-ru.pdf")
    scan = (OCR_PAGES / "en-h-skewed.pdf").read_bytes()
    entry = capture_bytes(pdf_of(born_digital, scan), "mixed.pdf").entry
    reading = entry.originals.get().latest_reading
    pages = len(PdfReader(io.BytesIO(born_digital)).pages)
    assert [page["read"] for page in reading.pages] == ["text layer"] * pages + ["ocr"]
    assert reading.pages_to_read == 1
    assert "безвизов" in entry.body and "Nemuro" in entry.body
    searchable = PdfReader(io.BytesIO(_stored(reading.searchable_pdf)))
    assert len(searchable.pages) == pages + 1
    assert "безвизов" in searchable.pages[0].extract_text()  # its text page as it was


def test_pages_below_the_confidence_threshold_are_listed(settings, editor_client):
    settings.ARCHIVE_OCR_CONFIDENCE_THRESHOLD = 99.9
    editor_client.post(CAPTURE_URL, {"file": _upload("en-ru-two-pages.tif")})
    entry = Entry.objects.get()
    reading = entry.originals.get().latest_reading
    assert reading.pages_to_proofread == [1, 2]
    page = editor_client.get(reverse("admin:archive_entry_change", args=[entry.pk]))
    text = page.content.decode()
    assert "Proofread pages 1, 2: OCR" in text and "confidence there is below 100." in text
    assert "Read by OCR: 2 pages" in text
    out = StringIO()
    call_command("ocr", entry.pk, "--again", stdout=out)
    assert "(proofread pages 1, 2)" in out.getvalue()


def _upload(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (OCR_PAGES / name).read_bytes())


# In the background -------------------------------------------------------------------------


@pytest.fixture
def in_the_background(settings):
    """Every scan is read off the request, by `manage.py ocr` (as in production)."""
    settings.ARCHIVE_OCR_INLINE_PAGES = 0
    settings.ARCHIVE_OCR_ON_CAPTURE = "off"


def test_a_long_scan_makes_its_draft_at_once_and_is_read_in_the_background(
    in_the_background, editor_client
):
    response = editor_client.post(CAPTURE_URL, {"file": _upload("ru-h-clean.png")}, follow=True)
    entry = Entry.objects.get()
    assert entry.title == "ru-h-clean" and entry.title_is_devised and entry.body == ""
    assert "Its text is being read by OCR (1 page)" in response.content.decode()
    assert "Text pending:" in response.content.decode()
    listing = editor_client.get(reverse("admin:archive_entry_changelist")).content.decode()
    assert "ru-h-clean" in listing and "(text pending)" in listing
    link = entry.originals.get()
    status_url = reverse("admin:archive_entry_ocr_status", args=[entry.pk, link.pk])
    assert 'hx-trigger="every 3s"' in editor_client.get(status_url).content.decode()
    out = StringIO()
    call_command("ocr", stdout=out)
    assert f"ru-h-clean.png (entry #{entry.pk}): 1 pages read" in out.getvalue()
    entry.refresh_from_db()
    assert entry.title == "Переговоры о рыболовстве" and not entry.title_is_devised
    assert entry.language == "ru" and "Немуро" in entry.body
    finished = editor_client.get(status_url).content.decode()
    assert "reload this page to see its text" in finished and "hx-trigger" not in finished
    listing = editor_client.get(reverse("admin:archive_entry_changelist")).content.decode()
    assert "(text pending)" not in listing


def test_a_failed_reading_names_the_page_and_leaves_the_draft_and_the_file(
    in_the_background, monkeypatch, originals_dir
):
    def failing(pdf, pages, folder, progress=None):
        raise engine.OcrFailed("Tesseract stopped: image too large", page=2)

    result = capture_file("en-ru-two-pages.tif")
    monkeypatch.setattr(engine, "read", failing)
    err = StringIO()
    call_command("ocr", stdout=StringIO(), stderr=err)
    reading = OcrReading.objects.get()
    assert reading.state == OcrReading.State.FAILED
    assert reading.failure == "page 2: Tesseract stopped: image too large"
    assert "page 2: Tesseract stopped" in err.getvalue()
    entry = Entry.objects.get()
    assert entry.pk == result.entry.pk and entry.body == "" and entry.title == "en-ru-two-pages"
    assert [path.name for path in stored_files(originals_dir)] == [
        entry.originals.get().file.sha256
    ]


def test_an_editors_text_is_never_overwritten_by_a_reading(in_the_background, committed):
    entry = capture_file("en-h-clean.png").entry
    entry.body = "Typed by an editor while OCR read the scan."
    entry.save()
    call_command("ocr", stdout=StringIO())
    entry.refresh_from_db()
    assert entry.body == "Typed by an editor while OCR read the scan."
    link = entry.originals.get()
    assert any("left as it is" in str(note) for note in link.extraction["notes"])
    found = services.reextract(link)  # what OCR read, offered without reading again
    assert "body" in {difference.field for difference in found.differences(entry)}


def test_reading_again_is_one_action_and_keeps_corrections(editor_client, committed):
    entry = capture_file("en-h-clean.png").entry
    link = entry.originals.get()
    again = reverse("admin:archive_entry_ocr_again", args=[entry.pk, link.pk])
    assert editor_client.get(again).status_code == 405
    with committed():
        response = editor_client.post(again, follow=True)
    assert "is being read by OCR again" in response.content.decode()
    assert link.readings.count() == 2 and link.latest_reading.state == OcrReading.State.DONE
    entry.refresh_from_db()
    assert "Nemuro" in entry.body  # untouched by the editor: the new reading's text
    entry.body = entry.body.replace("Nemuro", "Nemuro (Hokkaido)")
    entry.save()
    with committed():
        editor_client.post(again)
    entry.refresh_from_db()
    assert "Nemuro (Hokkaido)" in entry.body and link.readings.count() == 3


def test_an_attached_scan_is_read_without_touching_the_entrys_text(make_entry, committed):
    entry = make_entry(body="The entry's own text, kept.")
    with committed(), (OCR_PAGES / "ja-h-clean.png").open("rb") as stream:
        link = services.attach(entry, stream, "ja-h-clean.png")
    entry.refresh_from_db()
    assert entry.body == "The entry's own text, kept."
    assert link.latest_reading.state == OcrReading.State.DONE
    assert "根室" in link.latest_reading.text


def test_a_reading_past_its_time_is_stopped(in_the_background, monkeypatch, settings):
    settings.ARCHIVE_OCR_SECONDS_PER_PAGE = 1
    monkeypatch.setattr(engine, "STARTUP_SECONDS", 0.3)
    capture_file("en-h-clean.png")
    call_command("ocr", stdout=StringIO(), stderr=StringIO())
    reading = OcrReading.objects.get()
    assert reading.state == OcrReading.State.FAILED and "was stopped" in reading.failure


def test_a_reading_past_its_memory_is_stopped_not_the_worker(in_the_background, settings):
    settings.ARCHIVE_OCR_MEMORY_MB = 40
    capture_file("en-h-clean.png")
    call_command("ocr", stdout=StringIO(), stderr=StringIO())
    reading = OcrReading.objects.get()
    assert reading.state == OcrReading.State.FAILED and reading.failure
    assert Entry.objects.get().body == ""


def test_an_interrupted_reading_is_queued_again(in_the_background):
    capture_file("en-h-clean.png")
    OcrReading.objects.update(state=OcrReading.State.RUNNING, pages_done=1)
    out = StringIO()
    call_command("ocr", stdout=out)
    assert "1 interrupted readings queued again." in out.getvalue()
    assert OcrReading.objects.get().state == OcrReading.State.DONE


# The searchable PDF on the entry page -------------------------------------------------------


def test_the_searchable_pdf_is_offered_when_the_original_may_be_downloaded(client):
    entry = capture_file("en-h-clean.png").entry
    entry.status = Status.PUBLISHED
    entry.save()
    link = entry.originals.get()
    searchable = link.latest_reading.searchable_pdf
    url = reverse("archive:original", args=[entry.pk, searchable.sha256])
    assert client.get(url).status_code == 404  # the original is not downloadable yet
    assert "searchable PDF" not in client.get(entry.get_absolute_url()).content.decode()
    EntryOriginal.objects.filter(pk=link.pk).update(public=True)
    page = client.get(entry.get_absolute_url(), follow=True).content.decode()
    assert url in page and "searchable PDF (text read by OCR)" in page
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert 'filename="en-h-clean.ocr.pdf"' in response["Content-Disposition"]


# Bad input -----------------------------------------------------------------------------------


def _huge_png(width: int, height: int) -> bytes:
    """A PNG whose header claims these dimensions (its pixels are never there)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


def _pdf_claiming_pages(count: int) -> bytes:
    """A one-page PDF whose page tree says it has ``count`` pages."""
    data = image_only_pdf()
    return data.replace(b"/Count 1", b"/Count %d" % count)


def _many_blank_pages(count: int) -> bytes:
    writer = PdfWriter()
    for _ in range(count):
        writer.add_blank_page(width=100, height=100)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("make", "name", "reason"),
    [
        (lambda: b"", "empty.png", "the file is empty"),
        (lambda: _huge_png(30_000, 30_000), "huge.png", "more pixels than OCR reads"),
        (lambda: _many_blank_pages(12), "long.pdf", "the PDF has 12 pages, 12 of them scanned"),
        (lambda: _pdf_claiming_pages(10_000), "liar.pdf", "OCR found no text on any page"),
        (encrypted_pdf, "secret.pdf", "encrypted"),
        (lambda: image_bytes(), "blank.png", "OCR found no text on any page"),
        (lambda: b"<!doctype html><html><body>hi</body></html>", "page.png", "its name says PNG"),
        (lambda: image_bytes((8, 8)), "dot.png", "too small to hold text"),
        (lambda: fixture_bytes("exchange-en.pdf")[:3000], "cut.pdf", "damaged or incomplete"),
    ],
)
def test_bad_scans_are_refused_with_a_reason_and_leave_nothing(
    settings, originals_dir, make, name, reason
):
    settings.ARCHIVE_OCR_MAX_PAGES = 10
    with pytest.raises(services.CaptureFailed) as failure:
        capture_bytes(make(), name)
    assert reason in failure.value.reason
    assert Entry.objects.count() == 0 and OriginalFile.objects.count() == 0
    assert stored_files(originals_dir) == []


def test_a_huge_image_attached_is_kept_with_its_reason(make_entry):
    entry = make_entry()
    link = services.attach(entry, io.BytesIO(_huge_png(30_000, 30_000)), "huge.png")
    assert "more pixels than OCR reads" in link.extraction["notes"][0]
    assert not link.readings.exists()


def test_the_ocr_test_set_is_read_within_its_targets():
    """The clean pages of `evaluate_ocr`'s set, as the command reads them (one each)."""
    out = StringIO()
    call_command("evaluate_ocr", "--only=-clean", stdout=out)
    rows = {
        line.split("|")[1].strip(): float(line.split("|")[5].strip().rstrip("%")) / 100
        for line in out.getvalue().splitlines()
        if line.startswith("| pages/")
    }
    assert rows["pages/en-h-clean.png"] <= 0.02 and rows["pages/ru-h-clean.png"] <= 0.02
    assert rows["pages/ja-h-clean.png"] <= 0.05 and rows["pages/ja-v-clean.png"] <= 0.08
