"""What a file is, read from its content (puremagic's signatures; a page or a plain text
by its characters), never from its name; a name that says otherwise is refused."""

import os
import zlib

import puremagic
from django.utils.translation import gettext as _

HTML, PDF, TEXT = "text/html", "application/pdf", "text/plain"
WARC = "application/warc"  # a web page as captured (ISO 28500), gzipped or not
WACZ = "application/wacz"  # a WARC packaged with its index and pages (Webrecorder's WACZ)
IMAGES = ("image/png", "image/jpeg", "image/tiff")
KEPT = (HTML, PDF, TEXT, WARC, WACZ, *IMAGES)  # what an entry may hold as an original
NAMES = {  # what a file's extension claims
    ".html": HTML,
    ".htm": HTML,
    ".xhtml": HTML,
    ".pdf": PDF,
    ".txt": TEXT,
    ".text": TEXT,
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
    ".warc": WARC,
    ".wacz": WACZ,
}
LABELS = {HTML: "HTML", PDF: "PDF", TEXT: "text", "image/png": "PNG", "image/jpeg": "JPEG"}
LABELS["image/tiff"] = "TIFF"
LABELS[WARC] = "WARC"
LABELS[WACZ] = "WACZ"
WACZ_FOLDERS = (b"archive/", b"indexes/", b"pages/", b"datapackage")


class CaptureRefused(ValueError):
    """A file that cannot be captured; the message says why (the caller names the file)."""


def content_type_of(head: bytes, name: str) -> str:
    """The type of a file from its first bytes; CaptureRefused if it is not one kept, or
    if its name claims another type."""
    detected = _detect(head)
    if detected not in KEPT:
        raise CaptureRefused(
            _("its content is not a web page, a PDF, a plain text or an image (%(type)s)")
            % {"type": detected or _("unrecognised")}
        )
    lowered = name.lower()
    claimed = WARC if lowered.endswith(".warc.gz") else NAMES.get(os.path.splitext(lowered)[1])
    if claimed and claimed != detected:
        raise CaptureRefused(
            _("its name says %(claimed)s but its content is %(detected)s")
            % {"claimed": LABELS[claimed], "detected": LABELS[detected]}
        )
    return detected


def _detect(head: bytes) -> str | None:
    if _is_warc(head):
        return WARC
    if _is_wacz(head):
        return WACZ
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    try:
        detected = puremagic.from_string(stripped, mime=True)
    except puremagic.PureError:
        detected = None
    if detected in (PDF, *IMAGES):
        return detected
    if _is_text(head):
        start = _characters(head[:4096]).lower()
        if "<html" in start or "<!doctype html" in start or "<head" in start:
            return HTML
        return TEXT
    return detected or None


def _characters(head: bytes) -> str:
    for bom, encoding in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if head.startswith(bom):
            return head[len(bom) :].decode(encoding, errors="ignore")
    return head.decode("latin-1")  # enough to find ASCII tags in any ASCII-based encoding


def _is_text(head: bytes) -> bool:
    """Characters, not binary: no NUL bytes (unless UTF-16, which a BOM announces)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    return b"\x00" not in head


def _is_warc(head: bytes) -> bool:
    """A WARC file's first record starts "WARC/1.x", in the clear or in a gzip member."""
    if head.startswith(b"\x1f\x8b"):
        try:
            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, 16)
        except zlib.error:
            return False
    return head.startswith((b"WARC/1.0", b"WARC/1.1"))


def _is_wacz(head: bytes) -> bool:
    """A ZIP whose first member is one of a WACZ's folders or its datapackage (the whole
    package is checked when it is read)."""
    if not head.startswith(b"PK\x03\x04") or len(head) < 30:
        return False
    length = int.from_bytes(head[26:28], "little")
    return head[30 : 30 + length].startswith(WACZ_FOLDERS)
