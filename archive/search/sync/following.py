"""A node's follower: a thread in each server process that keeps the node's index at the
head of the change log (``change_log.py``).

It catches up when the process starts (a node that was down applies what it missed), then
whenever PostgreSQL notifies the channel the sequencer notifies, and every
``ARCHIVE_INDEX_POLL_SECONDS`` besides (the fallback when a notification is missed or the
listening connection breaks, and the only way on SQLite). Several processes of a node
share its index: the one that gets the write lock applies, and reads the log again after
each commit, so a change that arrives while it holds the lock is not left behind.

A node whose index the log can no longer bring up to date (trimmed past its position),
or that has no usable index (a new node), rebuilds from the database in this thread and
then follows the log from the position the rebuild started at. It also trims the log,
at most once an hour.
"""

import contextlib
import logging
import threading
import time

from django.conf import settings
from django.db import connection, connections

from archive.search.sync import change_log, indexing, rebuilding, storage
from archive.search.sync.locks import RebuildInProgress

logger = logging.getLogger("archive.search")

TRIM_EVERY_SECONDS = 3600
REBUILD_RETRY_SECONDS = 60


class Follower:
    def __init__(self, poll_seconds: float):
        self.poll_seconds = poll_seconds
        self.stopped = threading.Event()
        self.listener = None  # a PostgreSQL connection listening on the channel
        self.trimmed_at = float("-inf")
        self.rebuilt_at = float("-inf")  # when a rebuild was last started here
        self.failure: str | None = None  # the last failure logged
        self.thread: threading.Thread | None = None

    def start(self) -> threading.Thread:
        self.thread = threading.Thread(target=self.run, name="follow-change-log", daemon=True)
        self.thread.start()
        return self.thread

    def stop(self):
        self.stopped.set()

    def run(self):
        while not self.stopped.is_set():
            self.listen()  # before catching up: a change announced meanwhile is not missed
            self.catch_up_once()
            self.wait()
        self._close_listener()

    def listen(self):
        if connection.vendor != "postgresql":
            return
        try:
            self._listening()
        except Exception as error:  # the server away: polling until it is back
            logger.info("Not listening for index changes now (%s); polling.", error)
            self._close_listener()

    def catch_up_once(self):
        try:
            indexing.catch_up(timeout=0)
            self._trim_now_and_then()
            self.failure = None
        except indexing.IndexBusy:
            pass  # the process holding the lock applies what follows
        except (indexing.IndexTooFarBehind, storage.IndexUnavailable) as error:
            self._rebuild(error)
        except Exception as error:  # the database away, a full disk: tried at the next wake
            if str(error) != self.failure:  # logged once, not at every poll
                logger.exception("Following the change log failed; trying again")
            self.failure = str(error)
            connections.close_all()  # this thread's own: reopened at the next attempt

    def _rebuild(self, reason: Exception):
        """Rebuild this node's index, at most once every ``REBUILD_RETRY_SECONDS`` (a
        rebuild that fails, on a full disk say, is not started again at every poll)."""
        if time.monotonic() - self.rebuilt_at < REBUILD_RETRY_SECONDS:
            return
        self.rebuilt_at = time.monotonic()
        logger.warning("%s: rebuilding this node's index from the database.", reason)
        try:
            report = rebuilding.rebuild()
            logger.warning("This node's index was rebuilt: %d documents.", report.documents)
            self.rebuilt_at = float("-inf")
        except RebuildInProgress:
            self.rebuilt_at = float("-inf")  # another process of the node is rebuilding
        except rebuilding.RebuildFailed as error:
            logger.error("%s", error)

    def _trim_now_and_then(self):
        if time.monotonic() - self.trimmed_at >= TRIM_EVERY_SECONDS:
            change_log.trim()
            self.trimmed_at = time.monotonic()

    def wait(self):
        """Until a change is announced, the poll interval passes, or we are stopped."""
        if self.listener is None:
            self.stopped.wait(self.poll_seconds)
            return
        try:
            for _ in self.listener.notifies(timeout=self.poll_seconds, stop_after=1):
                pass
        except Exception as error:  # the server restarted: listen again next time
            logger.info("Not listening for index changes now (%s); polling.", error)
            self._close_listener()
            self.stopped.wait(self.poll_seconds)

    def _listening(self):
        if self.listener is None or self.listener.closed:
            self.listener = connection.get_new_connection(connection.get_connection_params())
            self.listener.autocommit = True
            self.listener.execute(f"LISTEN {change_log.CHANNEL}")
        return self.listener

    def _close_listener(self):
        if self.listener is not None:
            with contextlib.suppress(Exception):  # already broken
                self.listener.close()
            self.listener = None


_follower: Follower | None = None
_starting = threading.Lock()


def start() -> Follower | None:
    """Start this process's follower once (servers call it when they start); None when
    ``ARCHIVE_FOLLOW_CHANGES`` is off."""
    global _follower
    if not settings.ARCHIVE_FOLLOW_CHANGES:
        return None
    with _starting:
        if _follower is None:
            _follower = Follower(settings.ARCHIVE_INDEX_POLL_SECONDS)
            _follower.start()
    return _follower
