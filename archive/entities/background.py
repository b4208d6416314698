"""Extraction after a save, off the request: an entry saved in the admin or captured is
read by one background thread of the process (the models take a second or more for a
long text, and a few seconds to load the first time), and its names reach the index
through the change log as any change does. Until then the entry's names are "pending"
(the admin says so). ``ARCHIVE_ENTITIES_ON_SAVE``: ``background`` (the default),
``now`` (in the saving request, after its commit: tests), ``off`` (``extract_entities``
alone). Bulk writes (imports, generated corpora) are left to ``extract_entities``."""

import logging
import queue
import threading

from django.conf import settings
from django.db import close_old_connections, connection, transaction

from archive.entities.extraction import extract
from archive.models import Entry

logger = logging.getLogger(__name__)

_waiting: queue.Queue = queue.Queue()
_worker: threading.Thread | None = None
_worker_lock = threading.Lock()


def extract_now(entry_ids):
    for entry in Entry.objects.filter(pk__in=list(entry_ids)):
        extract(entry)


def _work():
    while True:
        entry_ids = _waiting.get()
        try:
            close_old_connections()
            extract_now(entry_ids)
        except Exception:
            logger.exception("Extracting the names of entries %s failed", entry_ids)
        finally:
            connection.close()
            _waiting.task_done()


def _start_worker():
    global _worker
    with _worker_lock:
        if _worker is None or not _worker.is_alive():
            _worker = threading.Thread(target=_work, name="entity-extraction", daemon=True)
            _worker.start()


def after_save(entry_ids):
    """Read these entries' names once the saving transaction has committed."""
    mode = getattr(settings, "ARCHIVE_ENTITIES_ON_SAVE", "background")
    entry_ids = [entry_id for entry_id in entry_ids if entry_id is not None]
    if mode == "off" or not entry_ids:
        return
    if mode == "now":
        transaction.on_commit(lambda: extract_now(entry_ids))
        return

    def queued():
        _start_worker()
        _waiting.put(entry_ids)

    transaction.on_commit(queued)


def wait_until_done():
    """Block until the background thread has read every entry queued (tests, commands)."""
    _waiting.join()
