"""Serving an original: always as a download (``Content-Disposition: attachment``), its
type never sniffed, and under a sandboxing Content-Security-Policy, so that a saved
page's scripts can never run on the archive's origin."""

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404

from archive.capture.models import EntryOriginal
from archive.capture.originals import open_original
from archive.selectors import EntryState, entry_for_visitor

SANDBOX = "sandbox; default-src 'none'; base-uri 'none'; form-action 'none'"


def original_response(link: EntryOriginal) -> FileResponse:
    response = FileResponse(
        open_original(link.file),
        as_attachment=True,
        filename=link.filename,
        content_type=link.file.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SANDBOX
    response["Cache-Control"] = "private, no-transform"
    return response


def original_view(request, entry_id: int, sha256: str):
    """An entry's original, when the editors have marked it downloadable (editors may
    download any original of an entry they can see)."""
    entry, state, _tombstone = entry_for_visitor(request.user, entry_id)
    if state != EntryState.VISIBLE:
        raise Http404("No such entry.")
    links = EntryOriginal.objects.select_related("file").filter(entry=entry, file__sha256=sha256)
    if not request.user.is_staff:
        links = links.filter(public=True)
    link = get_object_or_404(links)
    try:
        return original_response(link)
    except FileNotFoundError:
        raise Http404("The stored file is missing.") from None


def downloadable_originals(entry, user) -> list[EntryOriginal]:
    """The originals an entry page offers: those marked downloadable (all, to editors)."""
    links = EntryOriginal.objects.select_related("file").filter(entry=entry)
    return list(links if user.is_staff else links.filter(public=True))
