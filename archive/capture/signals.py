"""A file no entry links to any more (its last link removed, or its last entry deleted)
is removed after the commit; a file another entry uses is never touched."""

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from archive.capture.models import EntryOriginal
from archive.capture.originals import forget_unused


@receiver(post_delete, sender=EntryOriginal, dispatch_uid="capture-forget-unused-file")
def forget_file_when_unused(sender, instance, **kwargs):
    file_id = instance.file_id
    transaction.on_commit(lambda: forget_unused([file_id]))
