"""Keeping the index in agreement with the database.

Every change to an entry appends to the change log in the same transaction (see
``archive/search/signals.py`` and ``change_log.py``); after the commit, ``catch_up``
applies the log from the position this node's index has reached, recording the new
position in the same index commit (``applied_position.py``). Every node applies every
change to its own index; nothing is deleted from the log by applying it. ``compare``
finds missing, stale and extra documents (``rebuilding.py`` writes a fresh generation). A
published entry's document is in the public index, any other entry's in the drafts index
(see ``storage.py``), never both.
"""

import contextlib
import hashlib
import json
import logging
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from whoosh.index import LockError

from archive.search.analysis import distinct_words
from archive.search.catalogue import catalogue
from archive.search.derived import DERIVATION, with_derived
from archive.search.fields import DATE_FIELDS, DOCUMENT_FIELDS, VOCABULARY_FIELDS
from archive.search.segments.format import SEGMENT_FILES
from archive.search.segments.merging import merge_small_tiers
from archive.search.sync import applied_position, change_log, locks, storage

logger = logging.getLogger("archive.search")

BATCH_SIZE = 500


class IndexBusy(Exception):
    """Another process holds the index's write lock; the change stays in the log for the
    next writer of this node."""


class IndexTooFarBehind(Exception):
    """The index needs changes the log no longer holds (trimmed): it must be rebuilt."""


# Documents -------------------------------------------------------------------------------


def fingerprinted(document: dict) -> dict:
    """An entry's document (from the catalogue) with its fingerprint. A document must give
    exactly the fields ``fields.py`` declares (and its dates, if it has them)."""
    given = document.keys()
    if given - _ALLOWED or len(given & _REQUIRED) != len(_REQUIRED):
        raise ValueError(
            f"an entry's document gives {sorted(given)}; the index declares "
            f"{sorted(_REQUIRED)} and the dates {sorted(DATE_FIELDS)}"
        )
    document["fingerprint"] = fingerprint(document)
    return document


_REQUIRED = frozenset(DOCUMENT_FIELDS)
_ALLOWED = _REQUIRED | frozenset(DATE_FIELDS)


def documents(*, published: bool, **which) -> Iterator[dict]:
    """The catalogue's documents of entries (see ``Catalogue.documents``), fingerprinted."""
    return map(fingerprinted, catalogue().documents(published=published, **which))


def vocabulary_of(document: dict) -> list[str]:
    """The document's distinct words, unstemmed: what "did you mean" may suggest.

    Not part of the fingerprint: a rebuild gives each word to the first document that
    has it only (see ``rebuild``), so this field depends on indexing order."""
    text = " ".join(document[field] for field in VOCABULARY_FIELDS)
    return distinct_words(text)


def fingerprint(document: dict) -> str:
    content = {key: value for key, value in document.items() if key != "fingerprint"}
    content["_derivation"] = DERIVATION
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()[:32]


# Following the change log ----------------------------------------------------------------


def queue_entries(entry_ids: Iterable[int]):
    """Log a change of these entries in the caller's transaction; apply after commit."""
    if change_log.record(entry_ids):
        transaction.on_commit(catch_up_quietly)


def catch_up_quietly():
    """After a commit: number the new changes and apply the log to this node's index,
    leaving them in the log if the index is busy or missing (the writer holding it, the
    node's follower, a search, or check_index --fix applies them later)."""
    try:
        change_log.sequence()
        catch_up(adopt=False)
    except IndexBusy as error:
        logger.info("Index update postponed, the change stays in the log: %s", error)
    except storage.IndexUnavailable as error:
        logger.debug("No usable index yet, changes stay in the log: %s", error)
    except IndexTooFarBehind as error:
        logger.warning("%s", error)
    except Exception:
        # A full disk or a read-only folder: the change is committed and logged, so the
        # save succeeds; the log is applied once the index can be written again.
        logger.exception("Index update failed, the change stays in the log")


@contextmanager
def index_writer(timeout: float | None = None, folder: Path | None = None):
    """Writers on a generation's public and drafts indexes (the current generation's, or
    ``folder``'s), holding the public index's lock (the drafts index is only written under
    it), with the position its public index has applied. On success commits the drafts
    index, records the writers' position for the public index's new table of contents,
    and commits the public index: a failure between the commits leaves the position where
    it was, and applying those changes again is harmless. ``writers.discard`` cancels.

    A rebuild may swap generations while we wait for the lock, so after taking it we
    check we still hold the current one.
    """
    timeout = settings.ARCHIVE_INDEX_LOCK_TIMEOUT if timeout is None else timeout
    deadline = time.monotonic() + timeout
    while True:
        if folder is None:
            generation, index = storage.open_current()
        else:
            generation, index = folder, storage.open_generation(folder)
        try:
            writer = index.writer(timeout=max(deadline - time.monotonic(), 0.0), **SEGMENT_FILES)
        except LockError:
            raise IndexBusy(f"the index is locked by another writer ({generation})") from None
        if folder is not None or storage.current_generation() == generation:
            break
        writer.cancel()
    locks.record_holder(generation / locks.WRITE_LOCK_NAME)
    drafts_writer = None
    try:
        drafts_writer = storage.open_drafts(generation, create=True).writer(
            timeout=5.0, **SEGMENT_FILES
        )
        writers = Writers(writer, drafts_writer, position=applied_position.read(generation))
        recorded = writers.position
        yield writers
        if writers.drafts_changed and not writers.discard:
            drafts_writer.commit(mergetype=merge_small_tiers)
        else:  # most saves touch no draft: no new table of contents for the drafts index
            drafts_writer.cancel()
        drafts_writer = None
        if writers.discard:
            writer.cancel()
            return
        if writers.position is not None:
            applied_position.record(generation, writer.generation, writers.position)
        writer.commit(mergetype=merge_small_tiers)
        if writers.position is not None and writers.position != recorded:
            applied_position.forget_before(generation, writer.generation)
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
    position: int | None = None  # the change log position the index will have applied
    discard: bool = False  # cancel both writers instead of committing


def write_entries(writers: Writers, entry_ids: set[int]):
    """Set each entry's documents to its current state: in the public index if
    published, in the drafts index if not, in neither once deleted."""
    published = _by_entry(documents(published=True, entry_ids=entry_ids))
    drafts = _by_entry(documents(published=False, entry_ids=entry_ids))
    for entry_id in entry_ids:
        if entry_id in published:
            document = published[entry_id]
            vocabulary = " ".join(vocabulary_of(document))
            writers.public.update_document(**with_derived(document), vocabulary=vocabulary)
        else:
            writers.public.delete_by_term("entry_id", str(entry_id))
        if entry_id in drafts:
            writers.drafts.update_document(**with_derived(drafts[entry_id]))
            writers.drafts_changed = True
        else:
            if writers.drafts.delete_by_term("entry_id", str(entry_id)):
                writers.drafts_changed = True


def _by_entry(documents: Iterable[dict]) -> dict[int, dict]:
    return {int(document["entry_id"]): document for document in documents}


def catch_up(timeout: float | None = None, folder: Path | None = None, adopt: bool = True) -> int:
    """Apply the change log to this node's index (the current generation, or ``folder``)
    from the position it has reached, a batch per commit; returns how many entries were
    written. Changes committed but not yet numbered are numbered first. An index that
    has never recorded a position is compared with the database once (``adopt``; a
    search or a save, which must not wait for that, leaves it to the follower).

    Raises IndexBusy when another writer holds the index (it applies what follows: each
    writer reads the log again after its commit), IndexTooFarBehind when the log no
    longer holds changes the index lacks, IndexUnavailable when there is no index."""
    if change_log.has_unsequenced():
        change_log.sequence()
    written = 0
    while True:
        log = change_log.state()
        known = applied_position.read(_folder(folder))
        if known is not None and known >= log.head:
            return written  # nothing to do: no lock taken, nothing written
        if known is None:
            if not adopt or folder is not None:
                return written
            logger.warning("The index has no change log position: comparing it once.")
            return written + repair(compare())
        with index_writer(timeout, folder) as writers:
            if writers.position is None or writers.position >= log.head:
                writers.discard = True  # another writer got here first
                continue
            if writers.position < log.trimmed_through:
                raise IndexTooFarBehind(
                    f"the index is at change {writers.position}, but the change log has "
                    f"been trimmed through {log.trimmed_through}: it must be rebuilt"
                )
            changes = change_log.changes_after(writers.position, settings.ARCHIVE_INDEX_APPLY_BATCH)
            if not changes or changes[0][0] != writers.position + 1:
                raise IndexTooFarBehind(
                    f"the change log no longer holds change {writers.position + 1}, which "
                    "the index lacks: it must be rebuilt"
                )
            entry_ids = {entry_id for _, entry_id in changes}
            write_entries(writers, entry_ids)
            writers.position = changes[-1][0]
        logger.debug(
            "Applied changes %d-%d to the index (%d entries).",
            changes[0][0],
            changes[-1][0],
            len(entry_ids),
        )
        written += len(entry_ids)


def _folder(folder: Path | None) -> Path:
    if folder is not None:
        return folder
    current = storage.current_generation()
    if current is None or not current.is_dir():
        raise storage.IndexUnavailable(f"there is no search index in {storage.root()}")
    return current


@dataclass(frozen=True)
class Lag:
    position: int | None  # the change this node's index has applied up to (None: unknown)
    head: int  # the change log's last position
    behind: int  # changes logged and not yet applied here (numbered or not)
    seconds: float  # how long the oldest of them has waited (0 when none)


def lag() -> Lag:
    """How far this node's index is behind the change log."""
    log = change_log.state()
    try:
        position = applied_position.read(_folder(None))
    except storage.IndexUnavailable:
        position = None
    behind = change_log.unsequenced_count() + max(log.head - (position or 0), 0)
    oldest = change_log.oldest_waiting_since(position or 0) if behind else None
    seconds = (timezone.now() - oldest).total_seconds() if oldest else 0.0
    return Lag(position, log.head, behind, max(seconds, 0.0))


def pending_count() -> int:
    """Changes logged and not yet applied to this node's index."""
    return lag().behind


# Comparison ------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndexComparison:
    missing: tuple[int, ...]  # in the database, absent from the index it belongs in
    stale: tuple[int, ...]  # indexed with an out-of-date document
    extra: tuple[int, ...]  # in an index it does not belong in (deleted, or its status changed)
    pending: int  # changes in the log not yet applied to this node's index
    drafts_index_missing: bool = False  # a generation written before drafts were indexed
    head: int = 0  # the change log's head before the comparison read anything

    @property
    def in_agreement(self) -> bool:
        return not (self.missing or self.stale or self.extra or self.drafts_index_missing)

    @property
    def differing(self) -> set[int]:
        return {*self.missing, *self.stale, *self.extra}


def _fingerprints_expected(published: bool) -> dict[int, str]:
    return {
        int(document["entry_id"]): document["fingerprint"]
        for document in documents(published=published)
    }


def _fingerprints_indexed(searcher) -> dict[int, str]:
    return {
        int(fields["entry_id"]): fields.get("fingerprint")
        for fields in searcher.all_stored_fields()
    }


def compare() -> IndexComparison:
    """Both indexes against the database. A generation without a drafts index (written
    before drafts were indexed) counts every draft as missing, so ``repair`` adds it."""
    head = change_log.head()  # every change up to here is in what we read below
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
        (_fingerprints_expected(published=True), public_indexed),
        (_fingerprints_expected(published=False), drafts_indexed),
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
        head=head,
    )


def repair(comparison: IndexComparison) -> int:
    """Write every differing entry to this node's index (taking the writers makes a
    missing drafts index), then apply the change log; returns how many entries the
    repair wrote. An index without a change log position gets the comparison's head:
    the comparison saw every change up to it, the log holds every one after."""
    differing = set(comparison.differing)
    with index_writer() as writers:
        write_entries(writers, differing)
        if writers.position is None:
            writers.position = comparison.head
            logger.warning("The index follows the change log from %d.", comparison.head)
    catch_up()
    return len(differing)
