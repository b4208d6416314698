"""An entry's life in one place: created, changed, given a status, deleted.

The admin, imports, capture, publishing and commands write entries through these
functions. Each writes in one transaction and records, explicitly and once per entry, what
follows from the change: the entry's version (after the commit, if it is published; see
``versions.py``) and its change in the search index's log (in the same transaction, so a
node's index never misses a committed change). A deleted entry that was ever public leaves
a tombstone. Writes made through the ORM directly (the shell, a test, a data migration)
are caught by ``archive/signals.py``, which records the same through ``record_changes``.
"""

from collections.abc import Callable, Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.db import transaction

from archive.entities.background import after_save as entities_after_save
from archive.models import Entry, EntryIdentifier, EntryTombstone, Status
from archive.search import queue_entries
from archive.services.versions import record_version_after_commit

_service_writing: ContextVar[bool] = ContextVar("entry_service_writing", default=False)


def record_changes(entry_ids: Iterable[int]):
    """What every change to entries is followed by: a version of each (after the
    commit, for those published) and the search index's change log (in the change's
    transaction)."""
    entry_ids = [entry_id for entry_id in entry_ids if entry_id is not None]
    for entry_id in entry_ids:
        record_version_after_commit(entry_id)
    queue_entries(entry_ids)


def recorded_by_a_service() -> bool:
    """Whether the entry being written is a service's, which records its own change (the
    ORM's signals then leave it alone)."""
    return _service_writing.get()


@contextmanager
def _writing():
    token = _service_writing.set(True)
    try:
        yield
    finally:
        _service_writing.reset(token)


def save_entry(
    entry: Entry,
    *,
    topics=None,
    identifiers: Iterable[tuple[str, str]] | None = None,
    related: Callable[[Entry], object] | None = None,
    update_fields: Iterable[str] | None = None,
) -> Entry:
    """Create or change an entry (``update_fields``: only those columns), with its
    ``topics`` and ``identifiers`` ((scheme, value) pairs, replacing the old ones) when
    given, and whatever ``related`` writes beside it (the admin's inline forms, a captured
    file's link), recorded as one change."""
    with transaction.atomic(), _writing():
        entry.save(update_fields=update_fields)
        if topics is not None:
            entry.topics.set(topics)
        if identifiers is not None:
            entry.identifiers.all().delete()
            EntryIdentifier.objects.bulk_create(
                EntryIdentifier(entry=entry, scheme=scheme, value=value)
                for scheme, value in identifiers
            )
        if related is not None:
            related(entry)
        record_changes([entry.pk])
        entities_after_save([entry.pk])
    return entry


def create_entry(*, related: Callable[[Entry], object] | None = None, **fields) -> Entry:
    """A new entry with these field values (a draft unless ``status`` says otherwise)."""
    return save_entry(Entry(**fields), related=related)


def create_entries(entries: list[Entry], batch_size: int = 500) -> list[Entry]:
    """Many new entries at once (a judged collection, a backup's thousands)."""
    with transaction.atomic(), _writing():
        created = Entry.objects.bulk_create(entries, batch_size=batch_size)
        record_changes(entry.pk for entry in created)
    return created


def set_status(entries: Iterable[Entry], status: str) -> int:
    """Give entries a status; returns how many changed. Each is saved (its publication
    time set or kept) and recorded."""
    changed = []
    with transaction.atomic(), _writing():
        for entry in entries:
            if entry.status == status:
                continue
            entry.status = status
            entry.save(update_fields=["status", "published_at", "updated_at"])
            changed.append(entry.pk)
        record_changes(changed)
    return len(changed)


@dataclass
class Publication:
    """What publishing several entries did: how many went public, and each entry that
    could not with what blocks it (``Entry.publication_problems``)."""

    published: int = 0
    blocked: list[tuple[Entry, list[str]]] = field(default_factory=list)


def publish_entries(entries: Iterable[Entry]) -> Publication:
    """Publish the entries the archive's requirements allow; the others stay drafts and
    are named with what they lack."""
    ready, blocked = [], []
    for entry in entries:
        problems = [] if entry.status == Status.PUBLISHED else entry.publication_problems()
        if problems:
            blocked.append((entry, problems))
        else:
            ready.append(entry)
    return Publication(published=set_status(ready, Status.PUBLISHED), blocked=blocked)


def unpublish_entries(entries: Iterable[Entry]) -> int:
    return set_status(entries, Status.DRAFT)


def leave_tombstone(entry: Entry):
    """What remains of a deleted entry that was ever public: its title and when."""
    if entry.status != Status.PUBLISHED and entry.published_at is None:
        return  # a draft never published leaves nothing public behind
    EntryTombstone.objects.update_or_create(
        entry_id=entry.pk, defaults={"title": entry.display_title[:500]}
    )


def delete_entries(entries: Iterable[Entry]) -> int:
    """Delete entries; each leaves the index, and a tombstone if it was ever public."""
    deleted = []
    with transaction.atomic(), _writing():
        for entry in entries:
            entry_id = entry.pk
            entry.delete()
            entry.pk = entry_id  # deleting clears it; the tombstone and the log need it
            leave_tombstone(entry)
            deleted.append(entry_id)
        queue_entries(deleted)
    return len(deleted)
