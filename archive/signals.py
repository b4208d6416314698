"""An entry's life, as the ORM reports it: every change to an entry (saved, published,
unpublished, deleted; its topics and identifiers; queryset updates and bulk creation) is
frozen as a version after it commits, and logged in the search index's change log in the
same transaction, for every node's index to apply. A deleted entry leaves a tombstone. A
renamed source or topic logs the entries whose documents name it."""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from archive.models import (
    Entry,
    EntryIdentifier,
    EntryTombstone,
    Source,
    Status,
    Topic,
    entries_changed,
)
from archive.search import queue_entries
from archive.services.versions import record_version_after_commit


def entries_touched(entry_ids):
    """What every change to entries does: a version of each (after the commit, for those
    published) and the index's change log (in the change's transaction)."""
    entry_ids = list(entry_ids)
    for entry_id in entry_ids:
        record_version_after_commit(entry_id)
    queue_entries(entry_ids)


@receiver(post_save, sender=Entry)
def entry_saved(sender, instance, **kwargs):
    entries_touched([instance.pk])


@receiver(entries_changed, sender=Entry)
def entries_changed_in_bulk(sender, entry_ids, **kwargs):
    entries_touched(entry_ids)


@receiver(m2m_changed, sender=Entry.topics.through)
def entry_topics_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    if not reverse:
        entries_touched([instance.pk])
    elif action == "post_clear":
        # A topic cleared of its entries: pk_set is empty, the entries are gone already,
        # so re-check every indexed entry that might have named it.
        queue_entries(Entry.objects.values_list("pk", flat=True))
    else:
        queue_entries(pk_set or [])


@receiver(post_save, sender=EntryIdentifier)
@receiver(post_delete, sender=EntryIdentifier)
def identifier_changed(sender, instance, **kwargs):
    entries_touched([instance.entry_id])


@receiver(post_delete, sender=Entry)
def entry_deleted(sender, instance, **kwargs):
    queue_entries([instance.pk])
    if instance.status != Status.PUBLISHED and instance.published_at is None:
        return  # a draft never published leaves nothing public behind
    EntryTombstone.objects.update_or_create(
        entry_id=instance.pk, defaults={"title": instance.display_title[:500]}
    )


def _remember_indexed_values(instance, fields):
    if instance.pk is None:
        instance._indexed_before = None
        return
    instance._indexed_before = type(instance).objects.filter(pk=instance.pk).values(*fields).first()


def _indexed_values_changed(instance, fields) -> bool:
    before = getattr(instance, "_indexed_before", None)
    return before is not None and any(before[field] != getattr(instance, field) for field in fields)


SOURCE_INDEXED_FIELDS = ("name", "slug")
TOPIC_INDEXED_FIELDS = ("name", "slug", "parent_id")


@receiver(pre_save, sender=Source)
def source_before_save(sender, instance, **kwargs):
    _remember_indexed_values(instance, SOURCE_INDEXED_FIELDS)


@receiver(post_save, sender=Source)
def source_saved(sender, instance, created, **kwargs):
    if _indexed_values_changed(instance, SOURCE_INDEXED_FIELDS):
        queue_entries(instance.entries.values_list("pk", flat=True))


@receiver(pre_save, sender=Topic)
def topic_before_save(sender, instance, **kwargs):
    _remember_indexed_values(instance, TOPIC_INDEXED_FIELDS)


@receiver(post_save, sender=Topic)
def topic_saved(sender, instance, created, **kwargs):
    if _indexed_values_changed(instance, TOPIC_INDEXED_FIELDS):
        topics = descendants_and_self(instance)
        queue_entries(Entry.objects.filter(topics__in=topics).values_list("pk", flat=True))


@receiver(pre_delete, sender=Topic)
def topic_deleted(sender, instance, **kwargs):
    # Deleting a topic removes its links without m2m signals: log its entries now.
    queue_entries(instance.entries.values_list("pk", flat=True))


def descendants_and_self(topic: Topic) -> list[int]:
    found, frontier = {topic.pk}, [topic.pk]
    while frontier:
        frontier = [
            pk
            for pk in Topic.objects.filter(parent__in=frontier).values_list("pk", flat=True)
            if pk not in found
        ]
        found.update(frontier)
    return list(found)
