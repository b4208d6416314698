"""Citations of archive entries: ready styles, reference-manager downloads, page metadata.

Everything is built from a CitationRecord, made from an entry's snapshot (its current
state, or a frozen version), so an entry page and a version page cite exactly what they show.
"""

import datetime
from urllib.parse import urljoin

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from archive.capture.models import EntryOriginal
from archive.capture.replays import replay_origin
from archive.citations.formats import FORMATS, bibtex, csl_json, ris
from archive.citations.meta import dublin_core, highwire, json_ld, json_ld_script
from archive.citations.record import CitationRecord, Person
from archive.citations.styles import Citation, all_citations
from archive.services.versions import snapshot

__all__ = [
    "FORMATS",
    "Citation",
    "CitationRecord",
    "Person",
    "all_citations",
    "archived_copies",
    "bibtex",
    "csl_json",
    "dublin_core",
    "highwire",
    "json_ld",
    "json_ld_script",
    "record_for_entry",
    "record_for_version",
    "ris",
]


_LOOK = object()  # record_for_entry's default: look the entry's archived copy up


def record_for_entry(entry, url: str, topic_paths=None, archived=_LOOK) -> CitationRecord:
    """``archived``: the entry's ``archived_copies`` entry, when they were read for many
    entries at once (None: it has none)."""
    content = snapshot(entry, text=False, topic_paths=topic_paths)
    if archived is _LOOK:
        archived = archived_copies([entry.pk]).get(entry.pk)
    return CitationRecord.from_snapshot(
        entry.pk,
        content,
        url=url,
        accessed=timezone.localdate(),
        archived=_absolute(archived, url),
    )


def record_for_version(version, url: str, archived=_LOOK) -> CitationRecord:
    if archived is _LOOK:
        archived = archived_copies([version.entry_id]).get(version.entry_id)
    return CitationRecord.from_snapshot(
        version.entry_id,
        version.snapshot,
        url=url,
        accessed=timezone.localdate(),
        version=version.number,
        archived=_absolute(archived, url),
    )


def archived_copies(entry_ids) -> dict[int, tuple[str, datetime.date]]:
    """For each entry with a captured page readers may open (and replay set up): the
    archived copy's permanent path and capture day (its first such capture). One query."""
    if not replay_origin():
        return {}
    links = (
        EntryOriginal.objects.filter(entry_id__in=entry_ids, public=True, captured_at__isnull=False)
        .exclude(captured_url="")
        .order_by("-pk")
        .values_list("entry_id", "file__sha256", "captured_at")
    )
    found = {}
    with translation.override(settings.LANGUAGE_CODE):
        for entry_id, sha256, captured_at in links:  # the first of each wins
            path = reverse("archive:archived-copy", args=[entry_id, sha256])
            found[entry_id] = (path, captured_at.astimezone(datetime.UTC).date())
    return found


def _absolute(archived, url: str):
    return (urljoin(url, archived[0]), archived[1]) if archived else None
