"""Text and metadata from an original, each value saying where it came from.

Pages: trafilatura finds the main text and the metadata (title, date, authors, site
name, canonical address, description); the report then names the place in the page that
carries each value (``page_sources.py``). PDFs: pypdf's text and document information.
Plain text: its first line is the title. The language is detected from the text with
py3langid (and compared with what a page declares).
"""

import datetime
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

import py3langid
import trafilatura
from charset_normalizer import from_bytes
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from pypdf import PdfReader
from pypdf.errors import FileNotDecryptedError, LimitReachedError, PyPdfError

from archive.capture.datelines import dateline
from archive.capture.detection import HTML, IMAGES, PDF, TEXT, WACZ, WARC, CaptureRefused
from archive.capture.page_sources import PageSources
from archive.capture.said import Said, as_data, said
from archive.capture.scans import Scan, image_scan, pdf_scan
from archive.capture.webarchives import archived_page

logger = logging.getLogger("archive.capture")

MIN_WORDS = 3  # less than this is no text to make an entry of
_CJK = re.compile(r"[\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")


@dataclass(frozen=True)
class DocumentInformation:
    """What a PDF's document information says that capture uses."""

    title: str = ""
    author: str = ""
    subject: str = ""
    created: datetime.date | None = None


class NeedsOcr(Exception):  # noqa: N818 (a case, not an error: the scan goes to OCR)
    """The file's text (or part of it) is in page images: OCR must read ``scan.to_read``."""

    def __init__(self, scan: Scan, information: DocumentInformation | None = None):
        self.scan = scan
        self.information = information  # a PDF's, for the extraction once OCR has read it
        super().__init__(f"{len(scan.to_read)} of {scan.pages} pages need OCR")


@dataclass(frozen=True)
class Found:
    value: object  # str; for a date (ISO text, precision); for authors a list
    source: Said | str  # where it came from, as the report says it


@dataclass
class Extraction:
    kind: str  # "html", "pdf", "text" or "ocr" (a scan's pages, some or all read by OCR)
    text: str
    title: Found | None = None
    date: Found | None = None
    authors: Found | None = None
    site_name: Found | None = None
    language: Found | None = None
    url: Found | None = None
    summary: Found | None = None
    document_type: Found | None = None  # the archive's type, when the page's markup names one
    notes: list[Said] = field(default_factory=list)
    date_inferred: bool = False  # from the file's own timestamps, not from the document
    archived: tuple[str, str] | None = None  # a web archive's page: (address, WARC-Date)

    FIELDS = (
        "title",
        "date",
        "authors",
        "site_name",
        "language",
        "url",
        "summary",
        "document_type",
    )

    def report(self) -> dict:
        """As kept with the original and shown beside the entry's form."""
        return {
            "kind": self.kind,
            "fields": {
                name: {"value": found.value, "source": as_data(found.source)}
                for name in self.FIELDS
                if (found := getattr(self, name)) is not None
            },
            "words": len(self.text.split()),
            "notes": [as_data(note) for note in self.notes],
        }


def extract(path: Path, content_type: str) -> Extraction:
    """What can be read from an original; NeedsOcr when its text is in page images (an
    image, a scanned PDF, a PDF with some scanned pages); CaptureRefused when there is no
    text to make an entry of or the file cannot be read."""
    if content_type == HTML:
        extraction = _from_page(path.read_bytes())
    elif content_type == PDF:
        extraction = _from_pdf(path)
    elif content_type == TEXT:
        extraction = _from_text(path.read_bytes())
    elif content_type in (WARC, WACZ):
        extraction = _from_web_archive(path, content_type == WACZ)
    elif content_type in IMAGES:
        raise NeedsOcr(image_scan(path))
    else:
        raise CaptureRefused(_("its text cannot be read"))
    return _checked(extraction)


def _checked(extraction: Extraction) -> Extraction:
    if len(extraction.text.split()) < MIN_WORDS and len(_CJK.findall(extraction.text)) < 10:
        raise CaptureRefused(_("no text was found in it"))
    extraction.language = _language(extraction.text, extraction.language, extraction.notes)
    return extraction


def from_pages(page_texts: list[str], information: DocumentInformation | None = None) -> Extraction:
    """What can be read from a scan's pages once OCR has read them (their texts in page
    order, those with a text layer as it has them, and a PDF's document information): the
    text, and the title, date and language it gives (a scanner's creation date is not the
    document's). CaptureRefused if no page had any text."""
    text = "\n\n".join(_pdf_paragraphs(page) for page in page_texts if page.strip())
    if not text.strip():
        raise CaptureRefused(_("OCR found no text on any page"))
    extraction = Extraction(kind="ocr", text=text)
    _with_information(extraction, information or DocumentInformation())
    return _checked(extraction)


# Pages -----------------------------------------------------------------------------------


def _from_page(raw: bytes) -> Extraction:
    try:
        document = trafilatura.bare_extraction(
            raw, with_metadata=True, include_comments=False, include_tables=True
        )
    except Exception as error:  # lxml and trafilatura raise many kinds on broken pages
        logger.info("Page extraction failed: %s", error)
        document = None
    if document is None or not (document.text or "").strip():
        raise CaptureRefused(_("no main text was found in the page"))
    sources = PageSources.of(raw)
    title = (document.title or "").strip()
    text = _without_leading_title(document.text, title)
    extraction = Extraction(kind="html", text=text)
    if title:
        extraction.title = Found(title, sources.title(title))
    if document.date:
        extraction.date = Found((document.date, "day"), sources.date(document.date))
    else:
        extraction.date = _written_date(text)
    if document.author:
        names = [name.strip() for name in re.split(r";|\band\b", document.author) if name.strip()]
        extraction.authors = Found(names, sources.author(names[0]))
    typed = sources.document_type()
    if typed is not None:
        extraction.document_type = Found(*typed)
    if document.sitename:
        extraction.site_name = Found(
            document.sitename.strip(), sources.site_name(document.sitename)
        )
    if document.url:
        extraction.url = Found(document.url, sources.url(document.url))
    if document.description:
        extraction.summary = Found(
            document.description.strip(), sources.description(document.description)
        )
    if sources.declared_language:
        extraction.language = Found(
            sources.declared_language,
            said(gettext_noop("the page's lang attribute or Content-Language")),
        )
    return extraction


def _from_web_archive(path: Path, is_wacz: bool) -> Extraction:
    """A captured page (a WARC or WACZ file, checked as ``webarchives`` says): its main
    page's text and metadata, and the capture's address and time."""
    page = archived_page(path, is_wacz)
    extraction = _from_page(page.html)
    extraction.archived = (page.url, page.captured_at)
    if extraction.url is None:
        extraction.url = Found(page.url, said(gettext_noop("the address it was captured from")))
    extraction.notes.append(
        said(
            gettext_noop("Captured from %(url)s at %(time)s: %(count)s responses in the WARC."),
            url=page.url,
            time=page.captured_at,
            count=page.responses,
        )
    )
    return extraction


def _without_leading_title(text: str, title: str) -> str:
    """trafilatura's text often starts with the headline, which is the entry's title."""
    lines = text.strip().split("\n")
    if title and lines and lines[0].strip() == title:
        lines = lines[1:]
    return "\n\n".join(line.strip() for line in lines if line.strip())


# PDFs ------------------------------------------------------------------------------------


def _from_pdf(path: Path) -> Extraction:
    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise CaptureRefused(_("the PDF is encrypted (protected by a password)"))
        pages = [_page_text(page) for page in reader.pages]
        info = reader.metadata
    except CaptureRefused:
        raise
    except FileNotDecryptedError:
        raise CaptureRefused(_("the PDF is encrypted (protected by a password)")) from None
    except LimitReachedError:
        raise CaptureRefused(
            _("the PDF expands far beyond its size when read (a decompression bomb?)")
        ) from None
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as error:
        logger.info("PDF could not be read: %s", error)
        raise CaptureRefused(_("the PDF is damaged or incomplete and cannot be read")) from None
    information = _information(info)
    # NFKC: PDF fonts often map CJK characters to their compatibility forms (⽇ for 日).
    scan = pdf_scan(pages)
    if scan.needs_ocr:
        raise NeedsOcr(scan, information)
    text = "\n\n".join(_pdf_paragraphs(page) for page in scan.page_texts if page.strip())
    extraction = Extraction(kind="pdf", text=text)
    _with_information(extraction, information)
    if extraction.date is None and information.created is not None:
        # Nothing better: the file's creation date, marked as inferred.
        extraction.date = Found((information.created.isoformat(), "day"), _info("CreationDate"))
        extraction.date_inferred = True
        extraction.notes.append(
            said(gettext_noop("A PDF's creation date is often not the document's date: check it."))
        )
    return extraction


def _information(info) -> DocumentInformation:
    if not info:
        return DocumentInformation()
    created = info.creation_date
    return DocumentInformation(
        title=(info.title or "").strip(),
        author=(info.author or "").strip(),
        subject=(info.subject or "").strip(),
        created=created.date() if created is not None else None,
    )


def _info(key: str) -> Said:
    return said(gettext_noop("the PDF's document information (%(key)s)"), key=key)


def _with_information(extraction: Extraction, information: DocumentInformation):
    """The title, authors, summary and date from the PDF's information and its text."""
    if information.title:
        extraction.title = Found(information.title, _info("Title"))
    else:
        first = extraction.text.strip().split("\n", 1)[0].strip()
        extraction.title = Found(first[:300], said(gettext_noop("the text's first line")))
    if information.author:
        names = [name.strip() for name in re.split(r";|,| and ", information.author) if name]
        extraction.authors = Found([name for name in names if name], _info("Author"))
    extraction.date = _written_date(extraction.text)
    if information.subject:
        extraction.summary = Found(information.subject, _info("Subject"))


def _written_date(text: str) -> Found | None:
    """The date the document's text gives near its top (a dateline), if any."""
    found = dateline(text)
    if found is None:
        return None
    return Found(
        (found.day.isoformat(), found.precision),
        said(gettext_noop("a date in the text: “%(text)s”"), text=found.text),
    )


def _page_text(page) -> str:
    """A page's text. Its content is decoded first, so that a stream inflating beyond
    pypdf's limits raises LimitReachedError (its text extraction only logs it)."""
    contents = page.get_contents()
    if contents is not None:
        contents.get_data()
    return page.extract_text() or ""


def _joined(lines: list[str]) -> str:
    """Lines of one paragraph as one: with a space, but none between two CJK characters
    (Japanese has no spaces between words)."""
    text = ""
    for line in lines:
        if text and not (_CJK.match(text[-1]) and _CJK.match(line[0])):
            text += " "
        text += line
    return text


def _pdf_paragraphs(page_text: str) -> str:
    """A page's lines joined into paragraphs: a line ending a sentence, or followed by a
    blank line, ends one; a word split by a hyphen at a line's end is joined."""
    paragraphs, current = [], []
    for line in page_text.split("\n"):
        line = line.strip()
        if not line:
            if current:
                paragraphs.append(_joined(current))
                current = []
            continue
        if current and current[-1].endswith("-") and line[:1].islower():
            current[-1] = current[-1][:-1] + line
        else:
            current.append(line)
        if line.endswith((".", "。", "!", "?", ":")) and len(line) < 60:
            paragraphs.append(_joined(current))
            current = []
    if current:
        paragraphs.append(_joined(current))
    return "\n\n".join(paragraphs)


# Plain text ------------------------------------------------------------------------------


def _from_text(raw: bytes) -> Extraction:
    best = from_bytes(raw).best()
    if best is None:
        raise CaptureRefused(_("its characters cannot be read in any known encoding"))
    text = str(best).replace("\r\n", "\n").strip()
    first, _newline, rest = text.partition("\n")
    extraction = Extraction(kind="text", text=rest.strip() or text)
    extraction.date = _written_date(text)
    first = first.strip()
    extraction.title = Found(first[:300], said(gettext_noop("the text's first line")))
    if best.encoding not in ("utf_8", "ascii"):
        extraction.notes.append(
            said(
                gettext_noop("Read as %(encoding)s (detected by charset-normalizer)."),
                encoding=best.encoding,
            )
        )
    return extraction


# Language --------------------------------------------------------------------------------


def _language(text: str, declared: Found | None, notes: list[Said]) -> Found:
    """The text's language, detected; a page's declared language is kept when the text
    agrees with it."""
    code, _score = py3langid.classify(text[:20_000])
    detected = said(gettext_noop("detected from the text (py3langid)"))
    if declared is None:
        return Found(code, detected)
    declared_code = str(declared.value).split("-")[0].lower()
    if declared_code == code:
        confirmed = gettext_noop("%(source)s, confirmed by the text")
        return Found(code, said(confirmed, source=declared.source))
    notes.append(
        said(
            gettext_noop(
                "The page declares the language “%(declared)s” but its text reads as “%(code)s”."
            ),
            declared=declared.value,
            code=code,
        )
    )
    return Found(code, detected)


def extract_page_text(raw: bytes) -> str:
    """A page's main text as a captured entry's text would be (for the evaluation)."""
    return _from_page(raw).text
