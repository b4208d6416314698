"""Extraction after a save, off the request: an entry saved in the admin or captured is
read by one background thread of the process (the models take a second or more for a
long text, and a few seconds to load the first time), and its names reach the index
through the change log as any change does. Until then the entry's names are "pending"
(the admin says so). ``ARCHIVE_ENTITIES_ON_SAVE``: ``background`` (the default),
``now`` (in the saving request, after its commit: tests), ``off`` (``extract_entities``
alone). Bulk writes (imports, generated corpora) are left to ``extract_entities``."""

from archive.background import AfterCommitWork
from archive.entities.extraction import extract
from archive.models import Entry


def extract_now(entry_ids):
    for entry in Entry.objects.filter(pk__in=list(entry_ids)):
        extract(entry)


_work = AfterCommitWork("entity-extraction", extract_now, "ARCHIVE_ENTITIES_ON_SAVE")


def after_save(entry_ids):
    """Read these entries' names once the saving transaction has committed."""
    entry_ids = [entry_id for entry_id in entry_ids if entry_id is not None]
    if entry_ids:
        _work.after_commit(entry_ids)


def wait_until_done():
    """Block until the background thread has read every entry queued (tests, commands)."""
    _work.wait_until_done()
