"""Publishing and unpublishing entries, one entry at a time so every save is seen."""

from collections.abc import Iterable

from django.db import transaction

from archive.models import Entry, Status


@transaction.atomic
def set_status(entries: Iterable[Entry], status: str) -> int:
    """Give entries a status; returns how many changed. Saves each so the index follows."""
    changed = 0
    for entry in entries:
        if entry.status == status:
            continue
        entry.status = status
        entry.save(update_fields=["status", "published_at", "updated_at"])
        changed += 1
    return changed


def publish_entries(entries: Iterable[Entry]) -> int:
    return set_status(entries, Status.PUBLISHED)


def unpublish_entries(entries: Iterable[Entry]) -> int:
    return set_status(entries, Status.DRAFT)
