"""Worker processes that analyse documents into segments of a new index generation.

They are spawned (a fresh interpreter, not a fork), so they inherit none of the parent's
descriptors and none of its locks; they die with the parent (a parent-death signal on
Linux, and the end of their pipe everywhere); and a worker that fails says why and exits,
so the parent fails at once instead of waiting for it. This module loads no Django
models itself: a worker only needs Whoosh, the schema and the documents it is sent.
"""

import contextlib
import ctypes
import gc
import multiprocessing
import os
import queue
import signal
import threading
from multiprocessing.connection import wait

from whoosh import index as whoosh_index

from archive.processes import run_with_django
from archive.search.derived import with_derived
from archive.search.schema import build_schema
from archive.search.segments.batch_writer import SegmentBuilder

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
BATCHES_IN_FLIGHT = 2  # per worker: one being analysed, one waiting
CHUNK = 100  # documents per message: small enough to keep every worker busy
WORKER_MAIN = f"{__name__}:worker_main"
REBUILD_GC_THRESHOLDS = (100_000, 50, 100)  # gc.set_threshold's, in a worker (default 700, 10, 10)


class WorkerFailed(Exception):
    """A worker process failed or died; the message says how."""


def describe_error(error: BaseException) -> str:
    if isinstance(error, OSError) and error.strerror:
        where = f": {error.filename}" if error.filename else ""
        return f"{error.strerror}{where}"
    return f"{type(error).__name__}: {error}"


def _die_with_parent(parent_pid: int):
    """Be killed by the kernel when the parent dies, even mid-analysis."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent_pid:  # The parent died before the signal was set.
        os._exit(1)
    parent = multiprocessing.parent_process()
    if parent is not None:  # Everywhere else: a thread that waits for the parent to end.

        def exit_when_parent_ends():
            wait([parent.sentinel])
            os._exit(1)

        threading.Thread(target=exit_when_parent_ends, daemon=True).start()


def worker_main(connection, folder: str, limitmb: int, parent_pid: int):
    """A worker's life: open a segment builder on the new generation, add each batch of
    documents sent, and on "finish" write what it holds and send its segments back."""
    _die_with_parent(parent_pid)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # The parent decides what an interrupt ends.
    # A worker makes millions of small objects and frees nearly all of them by reference
    # counting, while its caches (pieces, names' forms) grow to hundreds of thousands:
    # the cycle collector's pass every 700 new objects, and its full passes over those
    # caches, were about a twentieth of its time. Rarer passes; cycles are still freed.
    gc.set_threshold(*REBUILD_GC_THRESHOLDS)
    messages = _read_ahead(connection)
    try:
        index = whoosh_index.open_dir(folder, schema=build_schema())
        # The parent holds the new generation's lock for all its workers.
        builder = SegmentBuilder(index, limitmb, vocabulary=True)
        while True:
            kind, documents = messages.get()
            if kind == "add":
                for document in documents:
                    builder.add(with_derived(document))
                connection.send(("added", len(documents)))
            elif kind == "finish":
                connection.send(("segments", builder.finish()))
                return
            else:  # The parent is gone.
                os._exit(1)
    except BaseException as error:
        with contextlib.suppress(OSError):
            connection.send(("failed", describe_error(error)))
        os._exit(1)


def _read_ahead(connection) -> queue.SimpleQueue:
    """Receive the parent's messages as they come, so that its sends never wait for the
    batch being analysed (a pipe holds only 64 KB)."""
    messages = queue.SimpleQueue()

    def receive():
        while True:
            try:
                message = connection.recv()
            except (EOFError, OSError):
                messages.put(("gone", None))
                return
            messages.put(message)
            if message[0] == "finish":
                return

    threading.Thread(target=receive, daemon=True).start()
    return messages


def _stopped(process) -> WorkerFailed:
    """A worker that ended without a word: killed, or crashed in the interpreter."""
    return WorkerFailed(f"an indexing process stopped unexpectedly (exit code {process.exitcode})")


class WorkerPool:
    """The parent's side: batches to the least busy worker, never more than a few in
    flight, and a failure or death of any worker raised as WorkerFailed at once."""

    def __init__(self, processes: int, folder, limitmb: int):
        context = multiprocessing.get_context("spawn")
        self.workers = []
        self.in_flight = {}
        self.done = set()  # connections of workers that sent their segment
        try:
            for _ in range(processes):
                parent_end, child_end = context.Pipe()
                process = context.Process(
                    target=run_with_django,
                    args=(WORKER_MAIN, child_end, str(folder), limitmb, os.getpid()),
                    name="rebuild-index-worker",
                    daemon=True,
                )
                process.start()
                child_end.close()  # Only the worker holds its end: EOF when either dies.
                self.workers.append((process, parent_end))
                self.in_flight[parent_end] = 0
        except BaseException:
            self.stop()
            raise

    def add(self, documents: list[dict]):
        """Send documents to the least busy workers, waiting while all are busy."""
        for start in range(0, len(documents), CHUNK):
            while min(self.in_flight.values()) >= BATCHES_IN_FLIGHT:
                self._receive()
            connection = min(self.in_flight, key=self.in_flight.get)
            self._send(connection, ("add", documents[start : start + CHUNK]))
            self.in_flight[connection] += 1

    def finish(self) -> list:
        """Wait for every batch, then collect each worker's segments."""
        while any(self.in_flight.values()):
            self._receive()
        for _, connection in self.workers:
            self._send(connection, ("finish", None))
        segments = []
        while len(self.done) < len(self.workers):
            segments.extend(self._receive())
        for process, _ in self.workers:
            process.join(timeout=10)
        return segments

    def _send(self, connection, message):
        try:
            connection.send(message)
        except OSError:  # The worker is gone: wait for its end, and say why it ended.
            process = next(process for process, conn in self.workers if conn is connection)
            process.join(timeout=5)
            self._receive()  # raises with the worker's own reason, when it gave one
            raise _stopped(process) from None

    def _receive(self) -> list:
        """Wait until some worker answers or ends; returns the segments received."""
        running = [(process, conn) for process, conn in self.workers if conn not in self.done]
        ready = set(wait([conn for _, conn in running] + [p.sentinel for p, _ in running]))
        received = []
        for process, connection in running:
            try:
                while connection.poll():
                    kind, value = connection.recv()
                    if kind == "failed":
                        raise WorkerFailed(value)
                    if kind == "added":
                        self.in_flight[connection] -= 1
                    else:
                        received.extend(value)
                        self.done.add(connection)
            except EOFError:
                pass  # Ended: told apart below.
            if process.sentinel in ready and connection not in self.done:
                process.join(timeout=1)
                raise _stopped(process)
        return received

    def stop(self):
        """End every worker now (after a failure or an interrupt)."""
        for process, connection in self.workers:
            with contextlib.suppress(Exception):
                connection.close()
            if process.is_alive():
                process.kill()
        for process, _ in self.workers:
            process.join(timeout=5)
