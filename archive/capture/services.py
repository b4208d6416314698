"""From a file to a draft entry, to an entry's attached original, and re-extraction.

Every path stores the original first (outside the transaction), then records the file,
the entry and the link in one transaction; if that fails, content stored for it that no
row records is removed, so storage never keeps a half-captured file.
"""

import datetime
import hashlib
import os
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field

from django.core.cache import cache
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from archive.audit import origin
from archive.capture import originals
from archive.capture.detection import CaptureRefused
from archive.capture.drafts import entry_fields
from archive.capture.extraction import Extraction, NeedsOcr, extract, from_pages
from archive.capture.models import EntryOriginal, OcrReading
from archive.capture.ocr import readings
from archive.capture.said import as_data, said, shown
from archive.capture.scans import Scan
from archive.dates import PartialDate
from archive.models import Entry, Status
from archive.selectors import possible_duplicates
from archive.services.entries import create_entry, save_entry


class CaptureFailed(Exception):
    """A file that could not be captured: ``str()`` names the file and the reason."""

    def __init__(self, filename: str, reason: str):
        self.filename, self.reason = filename, reason
        super().__init__(f"{filename}: {reason}")


@dataclass
class Capture:
    """What capturing a file did (or, for a dry run, would do)."""

    filename: str
    entry: Entry | None = None  # the new draft, or the entry that already has this file
    created: bool = False
    extraction: Extraction | None = None
    already: Entry | None = None  # the file was already captured as this entry
    same_text: list = field(default_factory=list)  # entries with the same text or address
    scan: Scan | None = None  # pages read (or to be read) by OCR
    pending: bool = False  # its text is being read by OCR in the background
    resources: int = 0  # a page captured by address: the resources fetched with it
    left_out: list = field(default_factory=list)  # … and those that could not be (why)


@contextmanager
def received_file(stream, filename: str):
    """The upload received into a temporary copy (removed afterwards); a refusal names
    the file."""
    name = os.path.basename(filename)
    try:
        received = originals.receive(stream, name)
    except CaptureRefused as refusal:
        raise CaptureFailed(name, str(refusal)) from None
    try:
        yield received
    finally:
        received.discard()


def capture(
    stream, filename: str, *, dry_run: bool = False, read_now: bool | None = None, progress=None
) -> Capture:
    """A draft entry from a file: its original kept, its fields from the extraction.
    The same file twice makes one entry (the second time returns the first).

    A scan (an image, a PDF with scanned pages) is read by OCR: now, before the draft is
    made, when it has few pages to read (``ARCHIVE_OCR_INLINE_PAGES``) or ``read_now``
    says so (a failure is then a refusal, nothing kept); otherwise its draft is made at
    once, "text pending", and read in the background. ``progress(pages_read)`` follows
    a reading done now."""
    with received_file(stream, filename) as received, origin("capture"):
        name = received.name
        existing = (
            EntryOriginal.objects.filter(file__sha256=received.sha256)
            .select_related("entry")
            .order_by("pk")
            .first()
        )
        if existing is not None:
            return Capture(name, entry=existing.entry, already=existing.entry)
        try:
            extraction = extract(received.path, received.content_type)
        except NeedsOcr as needed:
            return _capture_scan(received, needed, dry_run, read_now, progress)
        except CaptureRefused as refusal:
            raise CaptureFailed(name, str(refusal)) from None
        return _capture_extracted(received, extraction, dry_run)


def _capture_extracted(
    received: originals.Received,
    extraction: Extraction,
    dry_run: bool,
    read: readings.ReadFile | None = None,
) -> Capture:
    name = received.name
    fields = entry_fields(extraction, name)
    same_text = list(
        possible_duplicates(original_url=fields["original_url"], body=fields["body"])[:5]
    )
    if dry_run:
        return Capture(name, extraction=extraction, same_text=same_text)
    searchable = read.searchable_pdf if read else None
    with originals.recording(received), _recording_if(searchable):
        original = originals.record(received)

        def link_original(entry):
            link = EntryOriginal.objects.create(
                entry=entry,
                file=original,
                filename=name,
                extraction=extraction.report(),
                **captured_page(extraction),
            )
            if read is not None:
                readings.keep_read_file(link, read)

        entry = create_entry(status=Status.DRAFT, related=link_original, **fields)
    return Capture(name, entry=entry, created=True, extraction=extraction, same_text=same_text)


def _recording_if(received: originals.Received | None):
    return originals.recording(received) if received is not None else nullcontext()


def _capture_scan(received, needed: NeedsOcr, dry_run: bool, read_now, progress) -> Capture:
    name, scan = received.name, needed.scan
    if read_now is None:
        read_now = len(scan.to_read) <= readings.inline_pages()
    if dry_run:
        return Capture(name, scan=scan)
    if read_now:
        try:
            with readings.read_file(received.path, received.content_type, needed, progress) as read:
                try:
                    return _capture_extracted(received, read.extraction, False, read)
                finally:
                    read.searchable_pdf.discard()
        except CaptureRefused as refusal:
            raise CaptureFailed(name, str(refusal)) from None
    extraction = readings.pending_extraction(scan, name)
    fields = entry_fields(extraction, name)
    with originals.recording(received):
        original = originals.record(received)

        def link_and_queue(entry):
            link = EntryOriginal.objects.create(
                entry=entry,
                file=original,
                filename=name,
                extraction=extraction.report(),
                **captured_page(extraction),
            )
            readings.queue_reading(link, fills_entry=True)

        entry = create_entry(status=Status.DRAFT, related=link_and_queue, **fields)
    return Capture(name, entry=entry, created=True, extraction=extraction, scan=scan, pending=True)


def captured_page(extraction: Extraction) -> dict:
    """A web archive's page address and capture time, as its original keeps them."""
    if extraction.archived is None:
        return {}
    url, moment = extraction.archived
    try:
        when = parse_datetime(moment)
    except ValueError:
        when = None  # a date the file got wrong is left out, not guessed
    return {"captured_url": url[:2000], "captured_at": when}


def attach(entry: Entry, stream, filename: str) -> EntryOriginal:
    """Keep a file as one of an entry's originals (its text is not touched; the editor
    may re-extract it). The same file twice is one link. A scan is read by OCR in the
    background; its text then waits in the report for "Re-extract"."""
    with received_file(stream, filename) as received:
        return attach_received(entry, received)


def attach_received(entry: Entry, received: originals.Received) -> EntryOriginal:
    """``attach`` for a file already received (and so checked): the admin's form."""
    with origin("capture"):
        return _attach_received(entry, received)


def _attach_received(entry: Entry, received: originals.Received) -> EntryOriginal:
    scan, captured = None, {}
    try:
        extraction = extract(received.path, received.content_type)
        report, captured = extraction.report(), captured_page(extraction)
    except NeedsOcr as needed:
        scan = needed.scan
        report = readings.pending_extraction(scan, received.name).report()
    except CaptureRefused as refusal:  # a file whose text cannot be read: kept as it is
        report = {"notes": [str(refusal)]}
    with originals.recording(received):
        link, created = EntryOriginal.objects.get_or_create(
            entry=entry,
            file=originals.record(received),
            defaults={"filename": received.name, "extraction": report, **captured},
        )
        if created and scan is not None:
            readings.queue_reading(link, fills_entry=False)
    return link


# Re-extraction ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Difference:
    field: str  # the entry's field
    current: str
    extracted: str
    source: str  # where the extracted value came from


COMPARED = ("title", "date", "authors", "language", "original_url", "summary", "body")


@dataclass(frozen=True)
class Reextraction:
    """An original extracted again: the entry's fields as extracted, the extraction's
    report and where each value came from."""

    fields: dict
    report: dict
    sources: dict

    def differences(self, entry: Entry) -> list[Difference]:
        """The compared fields whose extracted value is not the entry's."""
        found = []
        for name in COMPARED:
            current, extracted = _shown(entry, name), _shown_value(self.fields, name)
            if current != extracted:
                source = shown(self.sources.get(name, ""))
                found.append(Difference(name, current, extracted, source))
        return found


REEXTRACTION_KEPT_SECONDS = 3600  # between the page that shows the differences and its form


def _reextraction_key(link: EntryOriginal, reading) -> str:
    """By file, name and OCR reading: a new reading is a new extraction."""
    name = hashlib.sha256(link.filename.encode()).hexdigest()
    return f"reextraction:{link.file.sha256}:{name}:{reading.pk if reading else ''}"


def reextract(link: EntryOriginal) -> Reextraction:
    """Extract the original again (nothing changes): kept for an hour, so that accepting
    what the editor saw does not extract it a second time."""
    reading = link.readings.filter(state=OcrReading.State.DONE).first()
    kept = cache.get(_reextraction_key(link, reading))
    if kept is not None:
        return kept
    if reading is not None:  # what OCR read, not read again
        extraction = from_pages([reading.text])
    else:
        with originals.open_original(link.file) as stored:
            received = originals.receive(stored, link.filename)
        try:
            extraction = extract(received.path, received.content_type)
        except NeedsOcr:
            raise CaptureRefused(
                _("its text is read by OCR, which has not read it yet: “Read again by OCR”")
            ) from None
        finally:
            received.discard()
    fields = entry_fields(extraction, link.filename)
    fields["source"] = fields["source"].pk if fields["source"] else None  # kept as data
    found = Reextraction(fields, extraction.report(), _sources(extraction))
    cache.set(_reextraction_key(link, reading), found, REEXTRACTION_KEPT_SECONDS)
    return found


def accept(link: EntryOriginal, found: Reextraction, accepted: set[str]) -> list[str]:
    """Set the accepted fields of the entry to the extracted values; returns them."""
    fields = found.fields
    entry = link.entry
    changed = []
    for name in COMPARED:
        if name not in accepted:
            continue
        if name == "date":
            entry.date, entry.date_precision = fields["date"], fields["date_precision"]
        else:
            setattr(entry, name, fields[name])
        changed.append(name)
    if changed:
        entry.full_clean(exclude=["slug"])

        def keep_report(entry):
            link.extraction = found.report
            link.save(update_fields=["extraction"])

        save_entry(entry, related=keep_report)
    return changed


def _sources(extraction: Extraction) -> dict[str, str]:
    found = {
        "title": extraction.title,
        "date": extraction.date,
        "authors": extraction.authors,
        "language": extraction.language,
        "original_url": extraction.url,
        "summary": extraction.summary,
    }
    sources = {name: as_data(value.source) for name, value in found.items() if value is not None}
    the_file = as_data(said(gettext_noop("the file")))
    sources["body"] = {"html": "trafilatura", "pdf": "pypdf", "text": the_file, "ocr": "OCR"}.get(
        extraction.kind, ""
    )
    return sources


def _shown(entry: Entry, name: str) -> str:
    if name == "date":
        return entry.partial_date.iso() if entry.date else ""
    return _comparable(getattr(entry, name))


def _comparable(value) -> str:
    """Text as compared: a browser's form sends CRLF line ends, the extraction LF."""
    return str(value or "").replace("\r\n", "\n").strip()


def _shown_value(fields: dict, name: str) -> str:
    if name == "date":
        date = fields["date"]
        if not isinstance(date, datetime.date):
            return ""
        return PartialDate(date, fields["date_precision"]).iso()
    return _comparable(fields[name])
