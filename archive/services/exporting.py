"""A backup of the whole archive as an import manifest: `import_entries` restores it
exactly (ids, slugs, statuses, timestamps, versions, raw captures, deleted ids)."""

import json
import os
import shutil
import tempfile
from pathlib import Path

from auditlog.models import LogEntry

from archive.entities.backup import export_entities
from archive.models import Entry, EntryTombstone, Source, Topic
from archive.projection import entry_data
from archive.services.importing import TRANSLATED_LANGUAGES


def _entry_record(entry: Entry) -> dict:
    data = entry_data(entry, text=False)  # the text is written to a file of its own
    return {
        "id": data.external_id or f"entry-{data.id}",
        "archive_id": data.id,
        "external_id": data.external_id,
        "slug": data.slug,
        "title": data.title,
        "title_is_devised": data.title_is_devised,
        "summary": data.summary,
        "body_file": f"texts/{data.id}.txt",
        "raw_capture_file": f"raw/{data.id}.txt",
        "date": data.date.iso() or None,
        "date_note": data.date_note,
        "source": data.source.slug if data.source else None,
        "topics": sorted(topic.slug for topic in data.topics),
        "language": data.language,
        "document_type": data.document_type,
        "authors": list(data.authors),
        "original_url": data.original_url,
        "identifiers": [dict(identifier) for identifier in data.identifiers],
        "rights": data.rights,
        "status": entry.status,
        "created_at": entry.created_at.isoformat(),
        "updated_at": entry.updated_at.isoformat(),
        "published_at": entry.published_at.isoformat() if entry.published_at else None,
        "versions": [
            {
                "number": version.number,
                "created_at": version.created_at.isoformat(),
                "snapshot": version.snapshot,
            }
            for version in entry.versions.all()
        ],
    }


def _translations(item, field: str) -> dict[str, str]:
    """A name or description in the languages besides English it has been given in."""
    return {
        language: value
        for language in TRANSLATED_LANGUAGES
        if (value := getattr(item, f"{field}_{language}"))
    }


def _write_record_of_changes(path: Path):
    """The record of changes (django-auditlog's), one JSON object a line, oldest first:
    kept with the backup (a restore does not replay it: the restored archive's record
    starts with the import)."""
    records = LogEntry.objects.select_related("actor", "content_type").order_by("pk")
    actions = {0: "create", 1: "update", 2: "delete", 3: "access"}
    with open(path, "w", encoding="utf-8") as handle:
        for change in records.iterator(chunk_size=1000):
            row = {
                "at": change.timestamp.isoformat(),
                "action": actions.get(change.action, str(change.action)),
                "model": f"{change.content_type.app_label}.{change.content_type.model}",
                "id": change.object_pk,
                "object": change.object_repr,
                "changes": change.changes_dict,
                "by": change.actor.get_username() if change.actor else None,
                "address": change.remote_addr,
                "origin": (change.additional_data or {}).get("origin"),
                "refused": (change.additional_data or {}).get("refused"),
            }
            handle.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def export_archive(destination: Path) -> dict:
    """Write the archive to ``destination`` (a new folder); returns counts.

    The folder is written beside its final place and renamed into it at the end, so an
    interrupted export never leaves a half-written backup under the final name."""
    destination = Path(destination)
    if destination.exists():
        raise FileExistsError(f"{destination} already exists; choose a new folder.")
    destination.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".export-", dir=destination.parent))
    try:
        (work / "texts").mkdir()
        (work / "raw").mkdir()
        entries = (
            Entry.objects.select_related("source")
            .prefetch_related("topics", "identifiers", "versions")
            .order_by("pk")
        )
        records = []
        for entry in entries.iterator(chunk_size=500):
            (work / "texts" / f"{entry.pk}.txt").write_text(entry.body, encoding="utf-8")
            (work / "raw" / f"{entry.pk}.txt").write_text(entry.raw_capture, encoding="utf-8")
            records.append(_entry_record(entry))
        manifest = {
            "sources": [
                {
                    "id": s.slug,
                    "name": s.name_en,
                    "names": _translations(s, "name"),
                    "kind": s.kind,
                    "country": s.country,
                    "url": s.url,
                }
                for s in Source.objects.order_by("pk")
            ],
            "topics": [
                {
                    "id": t.slug,
                    "name": t.name_en,
                    "names": _translations(t, "name"),
                    "parent": t.parent.slug if t.parent else None,
                    "description": t.description_en or "",
                    "descriptions": _translations(t, "description"),
                }
                for t in Topic.objects.select_related("parent").order_by("pk")
            ],
            "entries": records,
            "tombstones": [
                {"id": str(t.entry_id), "title": t.title, "deleted_at": t.deleted_at.isoformat()}
                for t in EntryTombstone.objects.order_by("entry_id")
            ],
            # Editors' decisions on people, places and organizations (mentions are read
            # again from the texts: extract_entities).
            "entities": export_entities(),
        }
        _write_record_of_changes(work / "changes.jsonl")
        with open(work / "manifest.json", "w", encoding="utf-8") as handle:
            json.dump(manifest, handle, ensure_ascii=False, indent=1)
            handle.flush()
            os.fsync(handle.fileno())
        os.rename(work, destination)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return {
        "entries": len(records),
        "sources": len(manifest["sources"]),
        "topics": len(manifest["topics"]),
        "versions": sum(len(r["versions"]) for r in records),
        "tombstones": len(manifest["tombstones"]),
        "entities": len(manifest["entities"]),
    }
