"""From a file to a draft entry, to an entry's attached original, and re-extraction.

Every path stores the original first (outside the transaction), then records the file,
the entry and the link in one transaction; if that fails, content stored for it that no
row records is removed, so storage never keeps a half-captured file.
"""

import datetime
import hashlib
import os
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from archive import vocabularies
from archive.capture import originals
from archive.capture.detection import CaptureRefused
from archive.capture.extraction import Extraction, extract
from archive.capture.models import EntryOriginal
from archive.capture.said import as_data, said, shown
from archive.dates import PartialDate
from archive.models import DatePrecision, DocumentType, Entry, Source, Status
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


@contextmanager
def recorded(received):
    """Store the content, then run the block's transaction (it records the file through
    ``originals.record``); if it fails, content stored for it that no row records is
    removed."""
    stored_now = originals.store(received)
    try:
        with transaction.atomic():
            yield
    except BaseException:
        if stored_now:
            originals.unstore_if_unrecorded(received)
        raise


def capture(stream, filename: str, *, dry_run: bool = False) -> Capture:
    """A draft entry from a file: its original kept, its fields from the extraction.
    The same file twice makes one entry (the second time returns the first)."""
    with received_file(stream, filename) as received:
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
        except CaptureRefused as refusal:
            raise CaptureFailed(name, str(refusal)) from None
        fields = entry_fields(extraction, name)
        same_text = list(
            possible_duplicates(original_url=fields["original_url"], body=fields["body"])[:5]
        )
        if dry_run:
            return Capture(name, extraction=extraction, same_text=same_text)
        with recorded(received):
            original = originals.record(received)

            def link_original(entry):
                EntryOriginal.objects.create(
                    entry=entry, file=original, filename=name, extraction=extraction.report()
                )

            entry = create_entry(status=Status.DRAFT, related=link_original, **fields)
        return Capture(name, entry=entry, created=True, extraction=extraction, same_text=same_text)


def attach(entry: Entry, stream, filename: str) -> EntryOriginal:
    """Keep a file as one of an entry's originals (its text is not touched; the editor
    may re-extract it). The same file twice is one link."""
    with received_file(stream, filename) as received:
        return attach_received(entry, received)


def attach_received(entry: Entry, received: originals.Received) -> EntryOriginal:
    """``attach`` for a file already received (and so checked): the admin's form."""
    try:
        report = extract(received.path, received.content_type).report()
    except CaptureRefused as refusal:  # an image, a scan: kept without a report
        report = {"notes": [str(refusal)]}
    with recorded(received):
        link, _created = EntryOriginal.objects.get_or_create(
            entry=entry,
            file=originals.record(received),
            defaults={"filename": received.name, "extraction": report},
        )
    return link


def entry_fields(extraction: Extraction, filename: str) -> dict:
    """A draft entry's fields from what was extracted; what was not found stays empty
    for the editor (a title devised from the file's name if there is none)."""
    title = extraction.title.value if extraction.title else ""
    date, precision = None, "undated"
    if extraction.date:
        iso, precision = extraction.date.value
        try:
            date = PartialDate.parse(iso).value
        except ValueError:
            date, precision = None, "undated"
    language = extraction.language.value if extraction.language else "en"
    if language not in dict(vocabularies.language_choices()):
        language = "en"
    return {
        "title": title[:500] or os.path.splitext(filename)[0][:500],
        "title_is_devised": not title,
        "date": date,
        # Nothing found is not "undated" stated: the editor states it before publishing.
        "date_precision": precision if date else DatePrecision.NOT_STATED,
        "date_note": (
            _("Inferred from %(source)s: the document itself gives no date.")
            % {"source": extraction.date.source}
            if date and extraction.date_inferred
            else ""
        ),
        "authors": "\n".join(map(family_first, extraction.authors.value))
        if extraction.authors
        else "",
        "language": language,
        "original_url": (extraction.url.value if extraction.url else "")[:1000],
        "summary": extraction.summary.value if extraction.summary else "",
        "body": extraction.text,
        "source": matching_source(extraction),
        "document_type": (
            extraction.document_type.value if extraction.document_type else DocumentType.NOT_STATED
        ),
    }


_NAME_WORD = re.compile(r"^[A-ZÀ-ÖØ-ÞА-ЯЁ][\w'’.-]*$")


def family_first(name: str) -> str:
    """A person's name as the entry's authors are written, "Family, Given": a name of two
    or three capitalised words in Latin or Cyrillic letters is turned ("Aiko Tanaka" →
    "Tanaka, Aiko", "Анна Ивановна Петрова" → "Петрова, Анна Ивановна"); a name already
    with a comma, in Japanese (family name first), or an organisation is kept."""
    words = name.split()
    if "," in name or not 2 <= len(words) <= 3 or not all(map(_NAME_WORD.match, words)):
        return name
    return f"{words[-1]}, {' '.join(words[:-1])}"


def matching_source(extraction: Extraction) -> Source | None:
    """The archive's source with the page's site name, or whose address has its host."""
    if extraction.site_name:
        found = Source.objects.filter(name__iexact=extraction.site_name.value).first()
        if found:
            return found
    host = urlsplit(extraction.url.value).hostname if extraction.url else None
    if host:
        bare = host.removeprefix("www.")
        for source in Source.objects.exclude(url=""):
            if (urlsplit(source.url).hostname or "").removeprefix("www.") == bare:
                return source
    return None


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


def _reextraction_key(link: EntryOriginal) -> str:
    return f"reextraction:{link.file.sha256}:{hashlib.sha256(link.filename.encode()).hexdigest()}"


def reextract(link: EntryOriginal) -> Reextraction:
    """Extract the original again (nothing changes): kept for an hour, so that accepting
    what the editor saw does not extract it a second time."""
    kept = cache.get(_reextraction_key(link))
    if kept is not None:
        return kept
    with originals.open_original(link.file) as stored:
        received = originals.receive(stored, link.filename)
    try:
        extraction = extract(received.path, received.content_type)
    finally:
        received.discard()
    fields = entry_fields(extraction, link.filename)
    fields["source"] = fields["source"].pk if fields["source"] else None  # kept as data
    found = Reextraction(fields, extraction.report(), _sources(extraction))
    cache.set(_reextraction_key(link), found, REEXTRACTION_KEPT_SECONDS)
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
    sources["body"] = {"html": "trafilatura", "pdf": "pypdf", "text": the_file}.get(
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
