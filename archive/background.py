"""Work done after a save, off the request: one daemon thread per kind of work reads a
queue, each item once the saving transaction has committed. Extracting names and reading
scans by OCR use it; their settings say where the work runs:

- ``background``: a thread of the saving process (the development server);
- ``now``: in the saving request, after its commit (tests);
- ``off``: not here (a command does it: production runs it beside the web workers).

A failure is logged and the thread goes on with the next item; each item closes its
database connection when done.
"""

import logging
import queue
import threading
from collections.abc import Callable

from django.conf import settings
from django.db import close_old_connections, connection, transaction

logger = logging.getLogger("archive")


class AfterCommitWork:
    def __init__(self, name: str, perform: Callable[[object], object], setting: str):
        self.name, self.perform, self.setting = name, perform, setting
        self._waiting: queue.Queue = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def mode(self) -> str:
        return getattr(settings, self.setting, "background")

    def after_commit(self, item):
        """Do ``perform(item)`` once the current transaction has committed, where the
        setting says."""
        mode = self.mode()
        if mode == "off":
            return
        if mode == "now":
            transaction.on_commit(lambda: self.perform(item))
            return

        def queued():
            self._start()
            self._waiting.put(item)

        transaction.on_commit(queued)

    def wait_until_done(self):
        """Block until the thread has done every item queued (tests, commands)."""
        self._waiting.join()

    def _start(self):
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._work, name=self.name, daemon=True)
                self._thread.start()

    def _work(self):
        while True:
            item = self._waiting.get()
            try:
                close_old_connections()
                self.perform(item)
            except Exception:
                logger.exception("%s failed for %s", self.name, item)
            finally:
                connection.close()
                self._waiting.task_done()
