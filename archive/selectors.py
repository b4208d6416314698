"""Reads: which entries a visitor may see, and lookups the admin and import share."""

from django.db.models import Q, QuerySet

from archive.identifiers import address_forms
from archive.models import Entry, EntryTombstone, Status, text_fingerprint


def published_entries() -> QuerySet[Entry]:
    return (
        Entry.objects.filter(status=Status.PUBLISHED)
        .select_related("source")
        .prefetch_related("topics")
    )


def visible_entries(user) -> QuerySet[Entry]:
    """Published entries for everyone; staff also see drafts."""
    if user.is_authenticated and user.is_staff:
        return Entry.objects.select_related("source").prefetch_related("topics", "identifiers")
    return published_entries().prefetch_related("identifiers")


def possible_duplicates(*, original_url: str, body: str, exclude_pk=None) -> QuerySet[Entry]:
    """Entries with the same original URL (in either scheme, with or without its final
    slash) or the same text (ignoring case and spacing)."""
    condition = Q()
    if original_url:
        condition |= Q(original_url__in=address_forms(original_url))
    fingerprint = text_fingerprint(body)
    if fingerprint:
        condition |= Q(body_fingerprint=fingerprint)
    if not condition:
        return Entry.objects.none()
    duplicates = Entry.objects.filter(condition)
    if exclude_pk is not None:
        duplicates = duplicates.exclude(pk=exclude_pk)
    return duplicates.order_by("pk")


class EntryState:
    VISIBLE = "visible"
    WITHDRAWN = "withdrawn"  # was published, then unpublished or deleted: 410
    NOT_FOUND = "not_found"


def entry_for_visitor(user, entry_id: int):
    """The entry a visitor may read, and what to say when they may not.

    Returns (entry or None, state, tombstone or None)."""
    entry = visible_entries(user).filter(pk=entry_id).first()
    if entry is not None:
        return entry, EntryState.VISIBLE, None
    unpublished = Entry.objects.filter(pk=entry_id, published_at__isnull=False).first()
    if unpublished is not None:
        return unpublished, EntryState.WITHDRAWN, None
    tombstone = EntryTombstone.objects.filter(entry_id=entry_id).first()
    if tombstone is not None:
        return None, EntryState.WITHDRAWN, tombstone
    return None, EntryState.NOT_FOUND, None
