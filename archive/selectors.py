"""Reads: which entries a visitor may see, and lookups the admin and import share."""

from django.db.models import Q, QuerySet

from archive.models import Entry, Status, text_fingerprint


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
    """Entries with the same original URL or the same text (ignoring case and spacing)."""
    condition = Q()
    if original_url:
        condition |= Q(original_url=original_url)
    fingerprint = text_fingerprint(body)
    if fingerprint:
        condition |= Q(body_fingerprint=fingerprint)
    if not condition:
        return Entry.objects.none()
    duplicates = Entry.objects.filter(condition)
    if exclude_pk is not None:
        duplicates = duplicates.exclude(pk=exclude_pk)
    return duplicates.order_by("pk")
