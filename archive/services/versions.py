"""Versions of published entries: a frozen snapshot each time citable content changes."""

import logging

from django.db import IntegrityError, transaction

from archive.models import Entry, EntryVersion, Status
from archive.projection import entry_data

logger = logging.getLogger("archive")


def snapshot(entry: Entry, text: bool = True, topic_paths=None) -> dict:
    """An entry's citable content as plain data (what a version freezes); without its
    ``text`` (the body) for a citation, which never quotes it. ``topic_paths``: its
    topics' paths when the caller has read them (for many entries at once)."""
    read_topics = topic_paths is None
    data = entry_data(entry, text=text, topics=read_topics, paths=read_topics)
    return data.citable(text=text, topic_paths=topic_paths)


def record_version(entry_id: int) -> EntryVersion | None:
    """Freeze the entry's current state as a new version if it is published and its
    content differs from the latest version; returns the new version, if any."""
    for _attempt in range(3):
        try:
            with transaction.atomic():
                entry = (
                    Entry.objects.select_related("source")
                    .prefetch_related("topics__parent__parent")
                    .filter(pk=entry_id, status=Status.PUBLISHED)
                    .first()
                )
                if entry is None:
                    return None
                content = snapshot(entry)
                latest = entry.versions.order_by("-number").first()
                if latest is not None and latest.snapshot == content:
                    return None
                number = latest.number + 1 if latest else 1
                return EntryVersion.objects.create(entry=entry, number=number, snapshot=content)
        except IntegrityError:  # Another process recorded this number first: look again.
            continue
    logger.error("Could not record a version of entry %s", entry_id)
    return None


def record_version_after_commit(entry_id: int):
    """Record a version once the current transaction (with its topics and identifiers)
    has committed."""
    if entry_id is not None:
        transaction.on_commit(lambda: record_version(entry_id))
