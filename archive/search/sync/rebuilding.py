"""Rebuilding the index from the database into a new generation, swapped in atomically.

A rebuild holds its own lock (one rebuild at a time). It reads the change log's head
before it reads any entry and records it as the new generation's position; changes saved
meanwhile keep being applied to the current generation, and are applied to the new one
from that position before it becomes current (and once more after, for the last few), so
none is lost. It never forks while holding a lock: parallel analysis runs in spawned
workers (``index_workers.py``) that die with it. Whatever stops it (a failure,
an interrupt, ``kill -9``), the current index keeps answering and stays writable, and
the unfinished generation is removed, at once or by the next rebuild.
"""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import Error as DatabaseFailure

from archive.search.catalogue import catalogue
from archive.search.derived import with_derived
from archive.search.segments import batch_writer
from archive.search.segments.batch_writer import SegmentBuilder
from archive.search.sync import applied_position, change_log, indexing, locks, storage
from archive.search.sync.index_workers import WorkerFailed, WorkerPool, describe_error

logger = logging.getLogger("archive.search")


class RebuildFailed(Exception):
    """A rebuild could not finish (full disk, read-only folder, a worker crashing, the
    database going away). The message is one line; the current index is unchanged."""


@dataclass(frozen=True)
class RebuildReport:
    documents: int  # published entries, in the public index
    seconds: float
    size_bytes: int
    generation: Path
    drafts: int = 0  # entries not published, in the drafts index

    @property
    def documents_per_second(self) -> float:
        return self.documents / self.seconds if self.seconds else 0.0


def rebuild_lock():
    return locks.exclusive(storage.root() / locks.REBUILD_LOCK_NAME)


class _Documents:
    """The published entries as index documents, in id order, in batches, without their
    "did you mean" vocabulary: the segment builders add it (each word once per segment,
    not once per document), in the worker processes rather than in this one."""

    def __init__(self, progress: Callable[[int, int], None] | None):
        self.total = catalogue().count(published=True)
        self.progress = progress
        self.done = 0  # entries handed on so far

    def batches(self):
        """Each batch of documents; progress is reported once the batch is handed on."""
        last_id = 0
        while documents := list(
            indexing.documents(published=True, after=last_id, limit=indexing.BATCH_SIZE)
        ):
            last_id = int(documents[-1]["entry_id"])
            yield documents
            self.done += len(documents)
            if self.progress:
                self.progress(self.done, self.total)


def _write_serially(index, documents: _Documents):
    documents = (document for batch in documents.batches() for document in batch)
    _write_in_this_process(index, documents, vocabulary=True)


def _write_in_this_process(index, documents, vocabulary: bool = False):
    """Documents written into segments by this process (``batch_writer``), then made
    the index's content."""
    with batch_writer.index_locked(index):
        builder = SegmentBuilder(index, settings.ARCHIVE_REBUILD_MEMORY_MB, vocabulary)
        for document in documents:
            builder.add(with_derived(document))
        batch_writer.replace_content(index, builder.finish())


def _write_in_parallel(index, folder: Path, documents: _Documents, processes: int):
    # The parent holds the new generation's lock and writes its table of contents; each
    # worker writes segments. (What Whoosh's MpWriter does, without its forked workers,
    # which inherited every lock and outlived a killed parent.)
    pool = None
    with batch_writer.index_locked(index):
        try:
            pool = WorkerPool(processes, folder, settings.ARCHIVE_REBUILD_MEMORY_MB)
            for batch in documents.batches():
                pool.add(batch)
            batch_writer.replace_content(index, pool.finish())
        except BaseException:
            if pool is not None:
                pool.stop()
            raise


def _write_drafts(folder: Path) -> int:
    """The drafts index of the new generation: few entries, written in this process."""
    written = 0

    def documents():
        nonlocal written
        for document in indexing.documents(published=False):
            yield document
            written += 1

    _write_in_this_process(storage.open_drafts(folder), documents())
    return written


def rebuild(
    progress: Callable[[int, int], None] | None = None, processes: int = 1
) -> RebuildReport:
    """Index every entry into a new generation (published ones in its public index, the
    others in its drafts index) and make it current.

    Raises RebuildInProgress when another rebuild runs, RebuildFailed (one line, the
    current index unchanged) when this one cannot finish."""
    started = time.monotonic()
    folder = None
    try:
        with rebuild_lock():
            storage.remove_unfinished()  # left by a rebuild that was killed
            start = change_log.sequence()  # every change up to here is in what we read
            folder, index = storage.new_generation()
            documents = _Documents(progress)
            if processes > 1:
                _write_in_parallel(index, folder, documents, processes)
            else:
                _write_serially(index, documents)
            drafts = _write_drafts(folder)
            applied_position.record(folder, index.latest_generation(), start)
            indexing.catch_up(folder=folder)  # the changes saved while we wrote
            folder = storage.make_current(folder)
    except BaseException as error:
        if folder is not None and storage.is_unfinished(folder):
            storage.remove_folder(folder)
        failure = _as_failure(error)
        if failure is None:
            raise
        raise failure from error
    storage.searchers.clear()
    storage.draft_searchers.clear()
    try:
        indexing.catch_up()  # the few saved between the catch-up above and the swap
    except (indexing.IndexBusy, storage.IndexUnavailable) as error:
        logger.warning("Changes saved during the rebuild stay in the log: %s", error)
    size = sum(path.stat().st_size for path in folder.iterdir() if path.is_file())
    return RebuildReport(documents.done, time.monotonic() - started, size, folder, drafts)


def remove_leftovers() -> list[Path]:
    """Remove what killed rebuilds left behind, unless a rebuild is running now."""
    try:
        with rebuild_lock():
            return storage.remove_unfinished()
    except locks.RebuildInProgress:
        return []


def _as_failure(error: BaseException) -> RebuildFailed | None:
    """The one-line reason for an expected way of failing; None for anything else."""
    if isinstance(error, WorkerFailed):
        return RebuildFailed(f"the rebuild failed: {error}")
    if isinstance(error, OSError):
        return RebuildFailed(f"the rebuild could not write the index: {describe_error(error)}")
    if isinstance(error, DatabaseFailure):
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        return RebuildFailed(f"the rebuild could not read the database: {reason}")
    return None
