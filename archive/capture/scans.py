"""What of a file OCR must read, checked against the limits before anything is read.

A PDF's pages are read with pypdf: a page with a usable text layer keeps its text (a
born-digital PDF is never given to OCR); the others are OCR's. An image (PNG, JPEG, TIFF
with any number of pages) is all OCR's: its header is read first (no pixel is decoded)
so that an image too large, or with too many pages, is refused at once; then it becomes
an image-only PDF with img2pdf (lossless), which OCRmyPDF reads as it reads a scan.
"""

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import img2pdf
from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from archive.capture.detection import IMAGES, PDF, CaptureRefused

# A page whose text layer has fewer letters or digits than this is a scan (a stamped page
# number, a scanner's label) and is read by OCR.
USABLE_PAGE_CHARACTERS = 20
_LETTERS_OR_DIGITS = re.compile(r"\w", re.UNICODE)
ASSUMED_DPI = (300, 300)  # an image that does not state its resolution (a scanner's usual)


@dataclass(frozen=True)
class Scan:
    """A file's pages: the text each one's text layer has ("" for none) and which of
    them (numbered from 1) OCR must read."""

    page_texts: tuple[str, ...]
    to_read: tuple[int, ...]

    @property
    def pages(self) -> int:
        return len(self.page_texts)

    @property
    def needs_ocr(self) -> bool:
        return bool(self.to_read)


def usable(text: str) -> bool:
    return len(_LETTERS_OR_DIGITS.findall(text)) >= USABLE_PAGE_CHARACTERS


def max_pages() -> int:
    return settings.ARCHIVE_OCR_MAX_PAGES


def max_pixels() -> int:
    return settings.ARCHIVE_OCR_MAX_MEGAPIXELS * 1_000_000


def pdf_scan(page_texts: list[str]) -> Scan:
    """A PDF's pages by their text layers (NFKC-normalised, as capture reads them)."""
    texts = tuple(unicodedata.normalize("NFKC", text) for text in page_texts)
    to_read = tuple(number for number, text in enumerate(texts, 1) if not usable(text))
    if to_read and len(texts) > max_pages():
        raise CaptureRefused(
            _(
                "the PDF has %(pages)d pages, %(scanned)d of them scanned: OCR reads at most "
                "%(limit)d pages a document (ARCHIVE_OCR_MAX_PAGES)"
            )
            % {"pages": len(texts), "scanned": len(to_read), "limit": max_pages()}
        )
    return Scan(texts, to_read)


def image_scan(path: Path) -> Scan:
    """An image's pages (frames), each checked against the limits from its header."""
    frames = image_frames(path)
    return Scan(("",) * frames, tuple(range(1, frames + 1)))


def image_frames(path: Path) -> int:
    """How many pages an image has; CaptureRefused if it cannot be read or is beyond
    the limits (pages, pixels a page)."""
    try:
        with Image.open(path) as image:
            frames = getattr(image, "n_frames", 1)
            if frames > max_pages():
                raise CaptureRefused(
                    _("the image has %(pages)d pages: OCR reads at most %(limit)d")
                    % {"pages": frames, "limit": max_pages()}
                )
            for frame in range(frames):
                image.seek(frame)
                width, height = image.size
                if width * height > max_pixels():
                    raise CaptureRefused(
                        _(
                            "the image is %(width)d × %(height)d pixels, more pixels than OCR "
                            "reads (%(limit)d million a page, ARCHIVE_OCR_MAX_MEGAPIXELS)"
                        )
                        % {"width": width, "height": height, "limit": max_pixels() // 10**6}
                    )
                if width < 16 or height < 16:
                    raise CaptureRefused(_("the image is too small to hold text"))
    except CaptureRefused:
        raise
    except Image.DecompressionBombError:  # Pillow's own limit, far above ours
        raise CaptureRefused(
            _("the image has more pixels than OCR reads (%(limit)d million a page)")
            % {"limit": max_pixels() // 10**6}
        ) from None
    except (UnidentifiedImageError, OSError, ValueError, EOFError):
        raise CaptureRefused(_("the image is damaged or incomplete and cannot be read")) from None
    return frames


def as_pdf(path: Path, content_type: str, destination: Path) -> Path:
    """The file as a PDF OCRmyPDF reads: a PDF as it is, an image converted (every page
    of a TIFF; 300 dpi assumed when the image does not say)."""
    if content_type == PDF:
        return path
    if content_type not in IMAGES:
        raise CaptureRefused(_("OCR reads PDFs and images only"))
    image_frames(path)
    try:
        with Image.open(path) as image:
            states_resolution = bool(image.info.get("dpi"))
        layout = (
            {}
            if states_resolution
            else {"layout_fun": img2pdf.get_fixed_dpi_layout_fun(ASSUMED_DPI)}
        )
        converted = img2pdf.convert(str(path), rotation=img2pdf.Rotation.ifvalid, **layout)
        destination.write_bytes(converted)
    except (img2pdf.ImageOpenError, img2pdf.PdfTooLargeError, ValueError, OSError) as error:
        raise CaptureRefused(
            _("the image cannot be made a page to read (%(reason)s)") % {"reason": error}
        ) from None
    return destination
