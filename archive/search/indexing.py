"""Keeping the index in agreement with the database.

Every change to an entry queues a PendingIndexUpdate row in the same transaction (see
``archive/search/signals.py``); after the commit, ``apply_pending`` brings those
entries' documents up to date and only then deletes the rows; ``compare`` finds missing,
stale and extra documents (``rebuilding.py`` writes a fresh generation). A published
entry's document is in the public index, any other entry's in the drafts index (see
``storage.py``), never both.
"""

import calendar
import contextlib
import hashlib
import json
import logging
import time
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import translation
from whoosh.index import LockError

from archive.models import Entry, PendingIndexUpdate, Status
from archive.search import locks, storage
from archive.search.analysis import distinct_words
from archive.search.schema import UNDATED_YEAR
from archive.search.segment_format import SEGMENT_FILES

logger = logging.getLogger("archive.search")

BATCH_SIZE = 500


class IndexBusy(Exception):
    """Another process holds the index's write lock; the change stays queued."""


# Documents -------------------------------------------------------------------------------


def _with_what_documents_need(entries):
    return (
        entries.select_related("source")
        .prefetch_related("topics__parent__parent", "identifiers")
        .order_by("pk")
    )


def indexable_entries():
    """The entries of the public index."""
    return _with_what_documents_need(Entry.objects.filter(status=Status.PUBLISHED))


def draft_entries():
    """The entries of the drafts index: every entry not published."""
    return _with_what_documents_need(Entry.objects.exclude(status=Status.PUBLISHED))


def date_number(date) -> int:
    """A date as the integer YYYYMMDD, the form the index stores and compares."""
    return date.year * 10_000 + date.month * 100 + date.day


def period(date, precision: str):
    """First and last day of the period a date of some precision stands for."""
    if precision == "year":
        return date, date.replace(month=12, day=31)
    if precision == "month":
        return date, date.replace(day=calendar.monthrange(date.year, date.month)[1])
    return date, date


def document_for(entry: Entry) -> dict:
    """The search document of an entry (topic and source names in English,
    whatever language the interface that saved it was in)."""
    with translation.override(settings.LANGUAGE_CODE):
        return _document_for(entry)


def _document_for(entry: Entry) -> dict:
    topics = {ancestor for topic in entry.topics.all() for ancestor in topic.ancestry()}
    identifiers = [identifier.value for identifier in entry.identifiers.all()]
    source_name = entry.source.name if entry.source else ""
    document = {
        "entry_id": str(entry.pk),
        "title": entry.title,
        "summary": entry.summary,
        "body": entry.body,
        "source": source_name,
        "topic": " ; ".join(sorted(topic.name for topic in topics)),
        "author": " ; ".join(entry.author_list),
        "identifier": " ".join(identifiers + [value.replace("-", "") for value in identifiers]),
        "topic_facet": ",".join(sorted(topic.slug for topic in topics)),
        "source_facet": entry.source.slug if entry.source else "",
        "year_facet": str(entry.date.year) if entry.date else UNDATED_YEAR,
        "language_facet": entry.language,
        "type_facet": entry.document_type,
    }
    if entry.date:
        start, end = period(entry.date, entry.date_precision)
        document.update(
            date_start=date_number(start),
            date_end=date_number(end),
        )
    document["fingerprint"] = fingerprint(document)
    return document


def vocabulary_of(entry: Entry) -> list[str]:
    """The entry's distinct words, unstemmed: what "did you mean" may suggest.

    Not part of the fingerprint: a rebuild gives each word to the first document that
    has it only (see ``rebuild``), so this field depends on indexing order."""
    with translation.override(settings.LANGUAGE_CODE):
        source_name = entry.source.name if entry.source else ""
    text = " ".join([entry.title, entry.summary, entry.body, source_name, *entry.author_list])
    return distinct_words(text)


def fingerprint(document: dict) -> str:
    content = {key: value for key, value in document.items() if key != "fingerprint"}
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()[:32]


# Queue -----------------------------------------------------------------------------------


def queue_entries(entry_ids: Iterable[int]):
    """Queue entries for the index, in the caller's transaction; apply after commit."""
    ids = sorted({int(entry_id) for entry_id in entry_ids if entry_id is not None})
    if not ids:
        return
    PendingIndexUpdate.objects.bulk_create(PendingIndexUpdate(entry_id=i) for i in ids)
    transaction.on_commit(apply_pending_quietly)


def apply_pending_quietly():
    """After a commit: apply what is queued, leaving it queued if the index is busy or
    missing (the next writer, a search, or check_index --fix applies it later)."""
    try:
        apply_pending()
    except IndexBusy as error:
        logger.warning("Index update postponed, changes stay queued: %s", error)
    except storage.IndexUnavailable as error:
        logger.debug("No usable index yet, changes stay queued: %s", error)
    except Exception:
        # A full disk or a read-only folder: the change is committed and queued, so the
        # save succeeds; the queue is applied once the index can be written again.
        logger.exception("Index update failed, changes stay queued")


@contextmanager
def index_writer(timeout: float | None = None):
    """Writers on the current generation's public and drafts indexes, holding the public
    index's lock (the drafts index is only written under it); commits both on success,
    drafts first: a failure between the two commits leaves the updates queued, and
    applying them again is harmless.

    A rebuild may swap generations while we wait for the lock, so after taking it we
    check we still hold the current one.
    """
    timeout = settings.ARCHIVE_INDEX_LOCK_TIMEOUT if timeout is None else timeout
    deadline = time.monotonic() + timeout
    while True:
        generation, index = storage.open_current()
        try:
            writer = index.writer(timeout=max(deadline - time.monotonic(), 0.0), **SEGMENT_FILES)
        except LockError:
            raise IndexBusy(f"the index is locked by another writer ({generation})") from None
        if storage.current_generation() == generation:
            break
        writer.cancel()
    locks.record_holder(generation / locks.WRITE_LOCK_NAME)
    drafts_writer = None
    try:
        drafts_writer = storage.open_drafts(generation, create=True).writer(
            timeout=5.0, **SEGMENT_FILES
        )
        writers = Writers(writer, drafts_writer)
        yield writers
        if writers.drafts_changed:
            drafts_writer.commit()
        else:  # most saves touch no draft: no new table of contents for the drafts index
            drafts_writer.cancel()
        drafts_writer = None
        writer.commit()
    except BaseException:
        # Release the locks whatever failed (a full disk can fail the commit itself).
        for unfinished in (drafts_writer, writer):
            if unfinished is not None:
                with contextlib.suppress(Exception):
                    unfinished.cancel()
        raise


@dataclass
class Writers:
    public: object  # the public index's writer
    drafts: object  # the drafts index's writer
    drafts_changed: bool = False  # whether the drafts index needs its writer committed


def write_entries(writers: Writers, entry_ids: set[int]):
    """Set each entry's documents to its current state: in the public index if
    published, in the drafts index if not, in neither once deleted."""
    published = {entry.pk: entry for entry in indexable_entries().filter(pk__in=entry_ids)}
    drafts = {entry.pk: entry for entry in draft_entries().filter(pk__in=entry_ids)}
    for entry_id in entry_ids:
        if entry_id in published:
            entry = published[entry_id]
            vocabulary = " ".join(vocabulary_of(entry))
            writers.public.update_document(**document_for(entry), vocabulary=vocabulary)
        else:
            writers.public.delete_by_term("entry_id", str(entry_id))
        if entry_id in drafts:
            writers.drafts.update_document(**document_for(drafts[entry_id]))
            writers.drafts_changed = True
        else:
            if writers.drafts.delete_by_term("entry_id", str(entry_id)):
                writers.drafts_changed = True


def apply_pending(timeout: float | None = None) -> int:
    """Apply every queued update; returns how many entries were written."""
    written = 0
    while True:
        rows = list(PendingIndexUpdate.objects.values_list("id", "entry_id")[:BATCH_SIZE])
        if not rows:
            return written
        entry_ids = {entry_id for _, entry_id in rows}
        with index_writer(timeout) as writers:
            write_entries(writers, entry_ids)
        # Only rows read above are removed: an update queued meanwhile has a new row.
        PendingIndexUpdate.objects.filter(id__in=[row_id for row_id, _ in rows]).delete()
        written += len(entry_ids)


def pending_count() -> int:
    return PendingIndexUpdate.objects.count()


# Comparison ------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndexComparison:
    missing: tuple[int, ...]  # in the database, absent from the index it belongs in
    stale: tuple[int, ...]  # indexed with an out-of-date document
    extra: tuple[int, ...]  # in an index it does not belong in (deleted, or its status changed)
    pending: int  # queued updates not yet applied
    drafts_index_missing: bool = False  # a generation written before drafts were indexed

    @property
    def in_agreement(self) -> bool:
        return not (self.missing or self.stale or self.extra or self.drafts_index_missing)

    @property
    def differing(self) -> set[int]:
        return {*self.missing, *self.stale, *self.extra}


def _fingerprints_expected(entries) -> dict[int, str]:
    return {
        int(document["entry_id"]): document["fingerprint"]
        for document in map(document_for, entries.iterator(chunk_size=BATCH_SIZE))
    }


def _fingerprints_indexed(searcher) -> dict[int, str]:
    return {
        int(fields["entry_id"]): fields.get("fingerprint")
        for fields in searcher.all_stored_fields()
    }


def compare() -> IndexComparison:
    """Both indexes against the database. A generation without a drafts index (written
    before drafts were indexed) counts every draft as missing, so ``repair`` adds it."""
    missing, stale, extra = set(), set(), set()
    try:
        drafts_indexed, drafts_index_missing = (
            _fingerprints_indexed(storage.draft_searchers.get()),
            False,
        )
    except storage.IndexUnavailable:
        drafts_indexed, drafts_index_missing = {}, True
    public_indexed = _fingerprints_indexed(storage.searchers.get())
    for expected, indexed in (
        (_fingerprints_expected(indexable_entries()), public_indexed),
        (_fingerprints_expected(draft_entries()), drafts_indexed),
    ):
        missing |= set(expected) - set(indexed)
        stale |= {i for i in set(expected) & set(indexed) if expected[i] != indexed[i]}
        extra |= set(indexed) - set(expected)
    return IndexComparison(
        missing=tuple(sorted(missing)),
        stale=tuple(sorted(stale)),
        extra=tuple(sorted(extra)),
        pending=pending_count(),
        drafts_index_missing=drafts_index_missing,
    )


def repair(comparison: IndexComparison) -> int:
    """Queue and apply every differing entry; returns how many were written."""
    if comparison.drafts_index_missing:
        with index_writer():
            pass  # taking the writers makes the drafts index
    with transaction.atomic():
        PendingIndexUpdate.objects.bulk_create(
            PendingIndexUpdate(entry_id=entry_id) for entry_id in sorted(comparison.differing)
        )
    return apply_pending()
