"""A scan's reading by OCR, from the file to the entry's text.

Two ways, one result (an ``OcrReading`` done, its searchable PDF stored beside the
original, the report's pages):

- **Now**, before the draft is made (``read_file``): a scan with few pages to read in the
  admin's request (``ARCHIVE_OCR_INLINE_PAGES``), and every scan ``manage.py capture``
  reads. A failure is a refusal: nothing is stored, no draft is made.
- **Queued** (``queue_reading`` then ``perform``): a longer scan's draft is made at once, marked
  "text pending", and read off the request: by one thread of the saving process
  (``ARCHIVE_OCR_ON_CAPTURE=background``, the development server), in the request after
  its commit (``now``: tests), or by ``manage.py ocr --follow`` beside the web workers
  (``off``, production). Its progress is counted page by page; a failure names the page
  and the reason and leaves the draft and the original as they were. The text goes into
  the draft only if nobody changed the draft's text meanwhile; otherwise it is kept with
  the reading, for the editor's "Re-extract".
"""

import logging
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from archive.audit import origin
from archive.background import AfterCommitWork
from archive.capture import originals, scans
from archive.capture.detection import CaptureRefused
from archive.capture.drafts import entry_fields
from archive.capture.extraction import Extraction, NeedsOcr, extract, from_pages
from archive.capture.models import EntryOriginal, OcrReading
from archive.capture.ocr import engine
from archive.capture.said import said
from archive.models import Entry
from archive.services.entries import save_entry

logger = logging.getLogger("archive.capture")
SEARCHABLE_PDF_LIMIT = 1 << 40  # OCR's PDF is kept whatever its size: its scan was accepted


@dataclass
class ReadFile:
    """A file read by OCR: what it gives an entry, its searchable PDF (received, not yet
    stored) and the reading's record (not yet saved)."""

    extraction: Extraction
    searchable_pdf: originals.Received
    reading: OcrReading


def inline_pages() -> int:
    return settings.ARCHIVE_OCR_INLINE_PAGES


@contextmanager
def read_file(
    path: Path, content_type: str, needed: NeedsOcr, progress: Callable[[int], object] | None = None
) -> Iterator[ReadFile]:
    """OCR of a file's scanned pages, now: CaptureRefused if it fails or finds no text.
    The searchable PDF's temporary copy is removed when the block ends."""
    folder = Path(tempfile.mkdtemp(prefix="ocr-", dir=settings.FILE_UPLOAD_TEMP_DIR))
    try:
        reading = OcrReading(pages_to_read=len(needed.scan.to_read))
        try:
            extraction, searchable = _read(path, content_type, needed, reading, folder, progress)
        except engine.OcrFailed as failure:
            raise CaptureRefused(_("OCR failed: %(reason)s") % {"reason": failure}) from None
        extraction.notes.append(_report_note(reading))
        yield ReadFile(extraction, searchable, reading)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _read(path, content_type, needed: NeedsOcr, reading: OcrReading, folder: Path, progress):
    """OCR of the scanned pages of the file at ``path``, the result recorded in
    ``reading`` (not saved): what the pages give an entry, and the searchable PDF received
    (the caller discards it). OcrFailed, or CaptureRefused if no page had any text."""
    scan = needed.scan
    pdf = scans.as_pdf(path, content_type, folder / "in.pdf")
    result = engine.read(pdf, scan.to_read, folder, progress)
    _record_result(reading, scan, result)
    extraction = from_pages(_page_texts(scan, result), needed.information)
    with result.searchable_pdf.open("rb") as stream:
        searchable = originals.receive(stream, "searchable.pdf", limit=SEARCHABLE_PDF_LIMIT)
    return extraction, searchable


def _page_texts(scan: scans.Scan, result: engine.EngineResult) -> list[str]:
    """Every page's text in order: OCR's where it read the page, the text layer's where
    it had one."""
    return [
        result.pages[number].text if number in result.pages else text
        for number, text in enumerate(scan.page_texts, 1)
    ]


def _record_result(reading: OcrReading, scan: scans.Scan, result: engine.EngineResult):
    reading.pages = [
        {"page": number, "read": "text layer"}
        if number not in result.pages
        else {
            "page": number,
            "read": "ocr",
            "confidence": result.pages[number].confidence,
            "language": result.pages[number].language,
            "turned": result.pages[number].turned,
            "characters": len(result.pages[number].text),
        }
        for number in range(1, scan.pages + 1)
    ]
    reading.text = "\n\n".join(_page_texts(scan, result))
    reading.pages_done = len(result.pages)
    reading.engine = engine.version()
    reading.seconds = round(result.seconds, 1)
    reading.state = OcrReading.State.DONE
    reading.finished_at = timezone.now()


def _report_note(reading: OcrReading):
    return said(
        gettext_noop("%(read)s of %(pages)s pages read by OCR in %(seconds)s s."),
        read=reading.pages_done,
        pages=len(reading.pages),
        seconds=f"{reading.seconds or 0:.0f}",
    )


def keep_read_file(link: EntryOriginal, read: ReadFile) -> OcrReading:
    """Record a reading done before its draft (in the caller's transaction, after the
    searchable PDF was stored)."""
    read.reading.original = link
    read.reading.searchable_pdf = originals.record(read.searchable_pdf)
    read.reading.save()
    return read.reading


# Queued readings ---------------------------------------------------------------------------


def pending_extraction(scan: scans.Scan, filename: str) -> Extraction:
    """What a scan's draft holds until OCR has read it: the text of its pages with a text
    layer (often none) and a note that the rest is pending."""
    text = "\n\n".join(text for text in scan.page_texts if text.strip())
    extraction = Extraction(kind="ocr", text=text)
    extraction.notes.append(
        said(
            gettext_noop("Text pending: %(count)s of %(pages)s pages are being read by OCR."),
            count=len(scan.to_read),
            pages=scan.pages,
        )
    )
    return extraction


def queue_reading(link: EntryOriginal, *, fills_entry: bool, dispatch: bool = True) -> OcrReading:
    """A reading of this original, to be done after the caller's transaction commits
    (``dispatch``: as ``ARCHIVE_OCR_ON_CAPTURE`` says; otherwise by the caller).
    ``fills_entry``: put its text into the entry if the entry's text is unchanged by then."""
    reading = OcrReading.objects.create(
        original=link,
        fills_entry=fills_entry,
        body_when_queued=link.entry.body if fills_entry else "",
    )
    if dispatch:
        _after_commit(reading.pk)
    return reading


def read_again(link: EntryOriginal, dispatch: bool = True) -> OcrReading:
    """Queue another reading of an original (the editor's one action). Its text goes into
    the entry only if the entry's text is still what the last reading gave it (or none):
    an editor's corrections are never overwritten."""
    entry = link.entry
    last = link.readings.filter(state=OcrReading.State.DONE).first()
    untouched = not entry.body.strip() or (
        last is not None and entry.body == _body_given_by(last, link.filename)
    )
    return queue_reading(link, fills_entry=untouched, dispatch=dispatch)


def _body_given_by(reading: OcrReading, filename: str) -> str | None:
    try:
        return entry_fields(from_pages([reading.text]), filename)["body"]
    except CaptureRefused:
        return None


def perform(reading_id: int) -> OcrReading | None:
    """Do a queued reading (None if another worker took it, or it is gone)."""
    claimed = OcrReading.objects.filter(pk=reading_id, state=OcrReading.State.PENDING).update(
        state=OcrReading.State.RUNNING
    )
    if not claimed:
        return None
    reading = OcrReading.objects.select_related("original__entry", "original__file").get(
        pk=reading_id
    )
    try:
        with origin("ocr"):  # the record says the text came from OCR
            _perform(reading)
    except (CaptureRefused, engine.OcrFailed) as failure:
        _failed(reading, str(failure))
    except Exception as error:  # the reading fails; the worker, the draft and the file stay
        logger.exception("OCR reading %s failed", reading_id)
        _failed(reading, _("an unexpected error (%(error)s)") % {"error": type(error).__name__})
    return reading


def _perform(reading: OcrReading):
    link = reading.original
    folder = Path(tempfile.mkdtemp(prefix="ocr-", dir=settings.FILE_UPLOAD_TEMP_DIR))
    try:
        with originals.open_original(link.file) as stored:
            received = originals.receive(stored, link.filename)
        try:
            needed = _needs_of(received)
            if needed is None:
                raise CaptureRefused(_("every page has a text layer: there is nothing to read"))
            reading.pages_to_read = len(needed.scan.to_read)
            OcrReading.objects.filter(pk=reading.pk).update(pages_to_read=reading.pages_to_read)

            def progress(done: int):
                OcrReading.objects.filter(pk=reading.pk).update(pages_done=done)

            extraction, searchable = _read(
                received.path, received.content_type, needed, reading, folder, progress
            )
        finally:
            received.discard()
        try:
            _finish(reading, extraction, searchable)
        finally:
            searchable.discard()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _needs_of(received: originals.Received) -> NeedsOcr | None:
    """Which pages of the stored original OCR must read (None: every page has text)."""
    try:
        extract(received.path, received.content_type)
    except NeedsOcr as needed:
        return needed
    return None


def _finish(reading: OcrReading, extraction: Extraction, searchable: originals.Received):
    """Store the searchable PDF, record the reading, keep the report with the original
    and fill the entry, at once."""
    link = reading.original
    with originals.recording(searchable):
        reading.searchable_pdf = originals.record(searchable)
        reading.save()
        entry = Entry.objects.select_for_update().get(pk=link.entry_id)
        filled = reading.fills_entry and entry.body == reading.body_when_queued
        if not filled and reading.fills_entry:
            extraction.notes.append(
                said(
                    gettext_noop(
                        "The entry's text was changed while OCR read the file, so it was "
                        "left as it is: “Re-extract” compares it with what OCR read."
                    )
                )
            )
        link.extraction = extraction.report()
        link.save(update_fields=["extraction"])
        if filled:
            fill_entry(entry, extraction, link.filename)


def fill_entry(entry: Entry, extraction: Extraction, filename: str):
    """Put what OCR read into a draft made while it read: its text and language, and the
    title and date it gives where the draft has none of its own yet."""
    fields = entry_fields(extraction, filename)
    entry.body = fields["body"]
    entry.language = fields["language"]
    if entry.title_is_devised and extraction.title:
        entry.title, entry.title_is_devised = fields["title"], False
    if entry.date is None and fields["date"] is not None:
        entry.date, entry.date_precision = fields["date"], fields["date_precision"]
    save_entry(entry)


def _failed(reading: OcrReading, reason: str):
    OcrReading.objects.filter(pk=reading.pk).update(
        state=OcrReading.State.FAILED, failure=reason[:2000], finished_at=timezone.now()
    )
    reading.refresh_from_db()
    logger.warning("OCR of %s failed: %s", reading.original.filename, reason)


def pending() -> list[int]:
    return list(
        OcrReading.objects.filter(state=OcrReading.State.PENDING)
        .order_by("queued_at", "pk")
        .values_list("pk", flat=True)
    )


def resume_interrupted() -> int:
    """Readings a worker left running when it stopped are queued again (at start)."""
    return OcrReading.objects.filter(state=OcrReading.State.RUNNING).update(
        state=OcrReading.State.PENDING, pages_done=0
    )


# Off the request (archive/background.py) -----------------------------------------------

_work = AfterCommitWork("ocr-reading", perform, "ARCHIVE_OCR_ON_CAPTURE")


def _after_commit(reading_id: int):
    _work.after_commit(reading_id)


def wait_until_done():
    """Block until the background thread has done every reading queued (tests)."""
    _work.wait_until_done()
