"""Changes made through the ORM directly, recorded as the entry services record their
own (``services/entries.py``): an entry saved, deleted, updated or created in bulk, its
topics and identifiers changed, outside a service (the shell, a test, a data migration)
is followed by its version and its index change all the same. A renamed source or topic
logs the entries whose documents name it. Topics given or taken, however, are copied to
the topics' timelines (``TopicTimeline``)."""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from archive.models import Entry, EntryIdentifier, Source, Topic, TopicTimeline, entries_changed
from archive.search import queue_entries
from archive.services.entries import leave_tombstone, record_changes, recorded_by_a_service


def entries_touched(entry_ids):
    if not recorded_by_a_service():
        record_changes(entry_ids)


@receiver(post_save, sender=Entry)
def entry_saved(sender, instance, **kwargs):
    entries_touched([instance.pk])


@receiver(entries_changed, sender=Entry)
def entries_changed_in_bulk(sender, entry_ids, **kwargs):
    entries_touched(entry_ids)


@receiver(m2m_changed, sender=Entry.topics.through)
def entry_topics_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not action.startswith("post_") or recorded_by_a_service():
        return
    if not reverse:
        entries_touched([instance.pk])
    elif action == "post_clear":
        # A topic cleared of its entries: pk_set is empty, the entries are gone already,
        # so re-check every indexed entry that might have named it.
        queue_entries(Entry.objects.values_list("pk", flat=True))
    else:
        queue_entries(pk_set or [])


@receiver(m2m_changed, sender=Entry.topics.through)
def topic_timelines_follow(sender, instance, action, reverse, pk_set, **kwargs):
    """The topics' timelines after any change of entries' topics, by a service or not."""
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        TopicTimeline.refresh([instance.pk])
    elif action == "post_clear":  # a topic cleared of its entries
        TopicTimeline.objects.filter(topic_id=instance.pk).delete()
    else:
        TopicTimeline.refresh(pk_set or [])


@receiver(post_save, sender=EntryIdentifier)
@receiver(post_delete, sender=EntryIdentifier)
def identifier_changed(sender, instance, **kwargs):
    entries_touched([instance.entry_id])


@receiver(post_delete, sender=Entry)
def entry_deleted(sender, instance, **kwargs):
    if not recorded_by_a_service():
        queue_entries([instance.pk])
        leave_tombstone(instance)


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
