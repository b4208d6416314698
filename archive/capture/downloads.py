"""Serving an original (or the searchable PDF OCR made of a scan): always as a download
(``Content-Disposition: attachment``), its type never sniffed, and under a sandboxing
Content-Security-Policy, so that a saved page's scripts can never run on the archive's
origin."""

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404

from archive.capture.models import EntryOriginal, OcrReading
from archive.capture.originals import open_original
from archive.selectors import EntryState, entry_for_visitor

SANDBOX = "sandbox; default-src 'none'; base-uri 'none'; form-action 'none'"


def _download(stored, filename: str, content_type: str) -> FileResponse:
    """A stored file as an attachment, never sniffed, under the sandboxing policy."""
    response = FileResponse(
        open_original(stored), as_attachment=True, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SANDBOX
    response["Cache-Control"] = "private, no-transform"
    return response


def original_response(link: EntryOriginal) -> FileResponse:
    return _download(link.file, link.filename, link.file.content_type)


def searchable_pdf_response(link: EntryOriginal, reading) -> FileResponse:
    """The searchable PDF OCR wrote for an original, named after it."""
    stem = link.filename.rsplit(".", 1)[0] if "." in link.filename else link.filename
    return _download(reading.searchable_pdf, f"{stem}.ocr.pdf", "application/pdf")


def original_view(request, entry_id: int, sha256: str):
    """An entry's original, when the editors have marked it downloadable (editors may
    download any original of an entry they can see)."""
    entry, state, _tombstone = entry_for_visitor(request.user, entry_id)
    if state != EntryState.VISIBLE:
        raise Http404("No such entry.")
    links = EntryOriginal.objects.select_related("file").filter(entry=entry)
    if not request.user.is_staff:
        links = links.filter(public=True)
    link = links.filter(file__sha256=sha256).first()
    try:
        if link is not None:
            return original_response(link)
        # The searchable PDF OCR made of a scan is offered as its original is.
        reading = get_object_or_404(
            OcrReading.objects.select_related("searchable_pdf", "original"),
            original__in=links,
            searchable_pdf__sha256=sha256,
        )
        return searchable_pdf_response(reading.original, reading)
    except FileNotFoundError:
        raise Http404("The stored file is missing.") from None


def downloadable_originals(entry, user) -> list[EntryOriginal]:
    """The originals an entry page offers: those marked downloadable (all, to editors),
    each with the searchable PDF OCR made of it, if any (``searchable``)."""
    links = EntryOriginal.objects.select_related("file").filter(entry=entry)
    links = list(links if user.is_staff else links.filter(public=True))
    made = {
        reading.original_id: reading.searchable_pdf
        for reading in OcrReading.objects.filter(original__in=links, searchable_pdf__isnull=False)
        .select_related("searchable_pdf")
        .order_by("queued_at", "pk")
    }  # the last reading of each wins
    for link in links:
        link.searchable = made.get(link.pk)
    return links
