"""Replay of captured web pages with ReplayWeb.page (Webrecorder's viewer, vendored from
the npm registry in ``static/vendor/replaywebpage-2.5.3``), on the replay origin.

Why ReplayWeb.page rather than pywb: it replays a WACZ in the reader's browser (a service
worker reads the records by range), so the server only serves static files and the WACZ,
runs no rewriting proxy and keeps no index; pywb would be a second server with its own
dependencies and pins.

Isolation: every ``/replay/`` address is served only on ``ARCHIVE_REPLAY_ORIGIN``, and
that origin serves nothing else (``ReplayOrigin``), so an archived page's scripts run on
an origin that has no cookie of the archive and no admin. The viewer page has a strict
Content-Security-Policy (the archive's own scripts only, no outside connections, not
framed elsewhere); the replayed pages get wabac.js's own policy, which keeps them off the
live web.

On the archive's origin, ``/entries/<id>/archived/<sha256>/`` is the capture's permanent
address (cited as the archived copy): it sends the reader to the replay (with a signed key
for an editor, when readers may not see it).
"""

import datetime
import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.http import (
    FileResponse,
    Http404,
    HttpResponse,
    HttpResponseNotFound,
    HttpResponseRedirect,
)
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_safe

from archive.capture.models import EntryOriginal
from archive.capture.originals import open_original
from archive.capture.replays import replay_address, replay_host, replay_origin, replayable
from archive.dates import display_day
from archive.selectors import EntryState, entry_for_visitor

ASSETS = Path(settings.BASE_DIR) / "static" / "vendor" / "replaywebpage-2.5.3"
VIEWER_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; media-src 'self' blob:; "
    "connect-src 'self' data: blob:; frame-src 'self'; worker-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
VIEWER_STYLE = Path(settings.BASE_DIR) / "static" / "css" / "replay-viewer.css"
FILE_POLICY = "sandbox; default-src 'none'"
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


class ReplayOrigin:
    """Replays only on the replay origin, and nothing else there."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        origin = replay_origin()
        if origin:
            on_replay_origin = request.get_host().lower() == replay_host()
            replay_path = request.path_info.startswith("/replay/")
            if on_replay_origin and not replay_path:
                return HttpResponseNotFound(
                    "This address serves archived copies only; the archive is at "
                    f"{settings.ARCHIVE_BASE_URL}/",
                    content_type="text/plain; charset=utf-8",
                )
            if replay_path and not on_replay_origin:
                return HttpResponseNotFound(
                    "Archived copies are replayed at " + origin + "/replay/",
                    content_type="text/plain; charset=utf-8",
                )
        elif request.path_info.startswith("/replay/"):
            return HttpResponseNotFound(
                "Replay is not set up here (ARCHIVE_REPLAY_ORIGIN).",
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


@dataclass(frozen=True)
class ArchivedCopy:
    """A captured page as the entry page shows it."""

    link: EntryOriginal
    captured: str  # "5 December 2026, 12:03 UTC", in the interface's language
    opens: bool  # the visitor may replay it (and download it)

    @property
    def kind(self) -> str:
        return "WACZ" if self.link.file.content_type == "application/wacz" else "WARC"


def archived_copies(entry, user) -> list[ArchivedCopy]:
    """The entry's captured pages: each with its time and hash (readers see them even when
    the copy is not open to them); open to readers when its original is downloadable."""
    links = (
        EntryOriginal.objects.select_related("file").filter(entry=entry).exclude(captured_url="")
    )
    return [
        ArchivedCopy(link, captured_time(link.captured_at), link.public or user.is_staff)
        for link in links
    ]


def captured_time(moment) -> str:
    if moment is None:
        return ""
    moment = moment.astimezone(datetime.UTC)
    day = display_day(moment.date())
    return f"{day}, {moment:%H:%M} UTC"


def archived_copy(request, entry_id: int, sha256: str):
    """The permanent address of an entry's archived copy: on to its replay."""
    entry, state, _tombstone = entry_for_visitor(request.user, entry_id)
    if state != EntryState.VISIBLE or not replay_origin():
        raise Http404("No such archived copy.")
    links = (
        EntryOriginal.objects.select_related("file")
        .filter(entry=entry, file__sha256=sha256)
        .exclude(captured_url="")
    )
    if not request.user.is_staff:
        links = links.filter(public=True)
    link = links.first()
    if link is None:
        raise Http404("No such archived copy.")
    keyed = request.user.is_staff and replayable(sha256) is None
    return HttpResponseRedirect(replay_address(link, keyed=keyed))


@require_safe
@xframe_options_sameorigin
def viewer(request, sha256: str):
    key = request.GET.get("key", "")
    link = replayable(sha256, key)
    if link is None:
        return _not_here()
    suffix = "wacz" if link.file.content_type == "application/wacz" else "warc.gz"
    source = f"/replay/{sha256}/capture.{suffix}" + (f"?key={key}" if key else "")
    entry_address = settings.ARCHIVE_BASE_URL + reverse("archive:entry-bare", args=[link.entry_id])
    response = render(
        request,
        "replay/viewer.html",
        {
            "link": link,
            "source": source,
            "timestamp": link.captured_at.strftime("%Y%m%d%H%M%S") if link.captured_at else "",
            "captured": captured_time(link.captured_at),
            "entry_address": entry_address,
        },
    )
    response["Content-Security-Policy"] = VIEWER_POLICY
    response["Referrer-Policy"] = "no-referrer"
    return response


def _not_here():
    response = HttpResponseNotFound(
        "No archived copy here: it is not public, or the address's key has expired "
        "(open it again from the entry's page).",
        content_type="text/plain; charset=utf-8",
    )
    response["Content-Security-Policy"] = FILE_POLICY
    return response


@require_safe
def capture_file(request, sha256: str, suffix: str):
    """The WACZ (or WARC) the viewer reads, by byte range when asked."""
    link = replayable(sha256, request.GET.get("key", ""))
    if link is None:
        return _not_here()
    size = link.file.size
    content_type = link.file.content_type
    try:
        stream = open_original(link.file)
    except FileNotFoundError:
        return _not_here()
    wanted = _RANGE.match(request.headers.get("Range", "").strip())
    if wanted is None:
        response = FileResponse(stream, content_type=content_type)
        response["Content-Length"] = str(size)
    else:
        with stream:
            start, end = _span(wanted, size)
            if start is None:
                response = HttpResponse(status=416)
                response["Content-Range"] = f"bytes */{size}"
                return _file_headers(response)
            stream.seek(start)
            response = HttpResponse(stream.read(end - start + 1), status=206)
        response["Content-Type"] = content_type
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Accept-Ranges"] = "bytes"
    return _file_headers(response)


def _span(wanted, size: int) -> tuple[int | None, int]:
    first, last = wanted.group(1), wanted.group(2)
    if first == "" and last == "":
        return None, 0
    if first == "":  # the last N bytes
        start, end = max(size - int(last), 0), size - 1
    else:
        start = int(first)
        end = min(int(last), size - 1) if last else size - 1
    if start >= size or start > end:
        return None, 0
    return start, end


def _file_headers(response):
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_POLICY
    response["Cache-Control"] = "private, max-age=3600"
    return response


INDEX = (
    '<!doctype html><html><head><meta charset="utf-8"><script src="./ui.js"></script></head>'
    "<body><replay-app-main></replay-app-main></body></html>"
)


@require_safe
@xframe_options_sameorigin
def index(request):
    """The viewer's inner page, as its service worker answers it once it is running (the
    first load may reach the server before the worker controls the frame)."""
    response = HttpResponse(INDEX)
    response["Content-Security-Policy"] = VIEWER_POLICY.replace(
        "frame-ancestors 'none'", "frame-ancestors 'self'"
    )
    return response


@require_safe
def asset(request, name: str):
    """ReplayWeb.page's two files, unchanged; ``sw.js`` controls ``/replay/sw/``."""
    if name == "viewer.css":
        response = FileResponse(VIEWER_STYLE.open("rb"), content_type="text/css; charset=utf-8")
        response["Cache-Control"] = "public, max-age=3600"
        return response
    if name not in ("ui.js", "sw.js"):
        raise Http404("No such file.")
    response = FileResponse(
        (ASSETS / name).open("rb"), content_type="application/javascript; charset=utf-8"
    )
    response["Cache-Control"] = "public, max-age=86400"
    response["X-Content-Type-Options"] = "nosniff"
    return response
