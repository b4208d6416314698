"""Capture by address: the page fetched with what it needs (``warcs``), written as a WARC,
packaged as a WACZ (``webarchives``) and captured as a file is (``services.capture``): the
WACZ is the entry's original, the draft's fields come from the page, duplicates are
flagged. A PDF at the address is captured as a PDF."""

import datetime
import io
import os
import tempfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from archive.capture.detection import CaptureRefused
from archive.capture.services import Capture, CaptureFailed, capture
from archive.capture.web.fetching import Limits, robots_allow
from archive.capture.web.guard import checked
from archive.capture.web.warcs import capture_page, page_title, write_warc
from archive.capture.webarchives import write_wacz
from archive.services.entries import save_entry


def capture_address(url: str, *, ignore_robots: bool = False, dry_run: bool = False) -> Capture:
    """A draft entry from a page on the web; CaptureFailed names the address and why."""
    url = url.strip()
    limits = Limits(settings.ARCHIVE_CAPTURE_MAX_BYTES, settings.ARCHIVE_CAPTURE_SECONDS)
    try:
        checked(url)
        if not ignore_robots and not robots_allow(url, limits):
            raise CaptureRefused(
                _("the site's robots.txt asks archives not to fetch it (an editor may override)")
            )
        captured = capture_page(url, limits)
    except CaptureRefused as refusal:
        raise CaptureFailed(url, str(refusal)) from None
    answer = captured.answer
    if "pdf" in answer.content_type or answer.body.startswith(b"%PDF"):
        name = os.path.basename(unquote(urlsplit(answer.url).path)) or "document.pdf"
        result = capture(io.BytesIO(answer.body), name, dry_run=dry_run)
        if result.created and not result.entry.original_url:
            result.entry.original_url = answer.url[:1000]
            save_entry(result.entry)
        return result
    host = urlsplit(answer.url).hostname or "page"
    moment = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d%H%M%S")
    with tempfile.TemporaryDirectory(dir=settings.FILE_UPLOAD_TEMP_DIR) as folder:
        warc = write_warc(captured, Path(folder) / "data.warc.gz")
        path = write_wacz(
            warc,
            Path(folder) / f"{host}-{moment}.wacz",
            url=answer.url,
            captured_at=answer.fetched_at,
            title=page_title(answer.body),
        )
        with path.open("rb") as stream:
            result = capture(stream, path.name, dry_run=dry_run)
    result.left_out = captured.left_out
    result.resources = len(captured.resources)
    return result
