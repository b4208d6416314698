"""Citations of archive entries: ready styles, reference-manager downloads, page metadata.

Everything is built from a CitationRecord, made from an entry's snapshot (its current
state, or a frozen version), so an entry page and a version page cite exactly what they show.
"""

from django.utils import timezone

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


def record_for_entry(entry, url: str, topic_paths=None) -> CitationRecord:
    content = snapshot(entry, text=False, topic_paths=topic_paths)
    return CitationRecord.from_snapshot(entry.pk, content, url=url, accessed=timezone.localdate())


def record_for_version(version, url: str) -> CitationRecord:
    return CitationRecord.from_snapshot(
        version.entry_id,
        version.snapshot,
        url=url,
        accessed=timezone.localdate(),
        version=version.number,
    )
