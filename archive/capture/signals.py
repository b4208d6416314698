"""A file no entry links to any more (its last link removed, or its last entry deleted)
is removed after the commit, as is an OCR reading's searchable PDF with its reading; a
file another entry uses is never touched."""

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from archive.capture.models import EntryOriginal, OcrReading
from archive.capture.originals import forget_unused


@receiver(post_delete, sender=EntryOriginal, dispatch_uid="capture-forget-unused-file")
def forget_file_when_unused(sender, instance, **kwargs):
    file_id = instance.file_id
    transaction.on_commit(lambda: forget_unused([file_id]))


@receiver(post_delete, sender=OcrReading, dispatch_uid="capture-forget-unused-searchable-pdf")
def forget_searchable_pdf_when_unused(sender, instance, **kwargs):
    file_id = instance.searchable_pdf_id
    if file_id is not None:
        transaction.on_commit(lambda: forget_unused([file_id]))
