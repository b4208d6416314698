"""Keeping versions and tombstones: every change to a published entry is frozen as a
version after it commits, and a deleted entry leaves a tombstone."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from archive.models import Entry, EntryIdentifier, EntryTombstone, Status, entries_changed
from archive.services.versions import record_version_after_commit


@receiver(post_save, sender=Entry)
def entry_saved(sender, instance, **kwargs):
    record_version_after_commit(instance.pk)


@receiver(entries_changed, sender=Entry)
def entries_changed_in_bulk(sender, entry_ids, **kwargs):
    for entry_id in entry_ids:
        record_version_after_commit(entry_id)


@receiver(m2m_changed, sender=Entry.topics.through)
def entry_topics_changed(sender, instance, action, reverse, **kwargs):
    if action.startswith("post_") and not reverse:
        record_version_after_commit(instance.pk)


@receiver(post_save, sender=EntryIdentifier)
@receiver(post_delete, sender=EntryIdentifier)
def identifier_changed(sender, instance, **kwargs):
    record_version_after_commit(instance.entry_id)


@receiver(post_delete, sender=Entry)
def entry_deleted(sender, instance, **kwargs):
    if instance.status != Status.PUBLISHED and instance.published_at is None:
        return  # a draft never published leaves nothing public behind
    EntryTombstone.objects.update_or_create(
        entry_id=instance.pk, defaults={"title": instance.display_title[:500]}
    )
