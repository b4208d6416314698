"""The index's locks: who holds them, since when, and clearing one whose holder is gone.

Both locks are ``flock`` locks on a file (the rebuild's ``rebuild.lock`` beside the
generations, and Whoosh's ``MAIN_WRITELOCK`` in each generation). The kernel releases
them when the holding process dies, and they are never passed to the rebuild's workers
(those are spawned, not forked). A lock can only outlive its holder if another process
inherited the descriptor (as the forked workers of older versions did): ``--fix``
clears such a lock by removing its file, so that the next writer locks a fresh one.
Whoever takes a lock writes a small record into the file (pid, command, time), which
``check_index`` and ``/healthz`` report.
"""

import contextlib
import fcntl
import json
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from archive.search.sync import storage

WRITE_LOCK_NAME = "MAIN_WRITELOCK"  # Whoosh's name: the index name "MAIN" + "_WRITELOCK"
REBUILD_LOCK_NAME = "rebuild.lock"


class RebuildInProgress(Exception):
    """Another rebuild is running."""


@dataclass(frozen=True)
class LockHolder:
    pid: int
    command: str
    since: float  # epoch seconds
    process_start: str  # the holder's start time in clock ticks, to tell a reused pid apart

    @property
    def alive(self) -> bool:
        if self.process_start:
            return process_start(self.pid) == self.process_start
        return _pid_exists(self.pid)

    def describe(self) -> str:
        held_at = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(self.since))
        return f"pid {self.pid} ({self.command}) since {held_at}"


@dataclass(frozen=True)
class LockState:
    name: str
    path: Path
    held: bool
    holder: LockHolder | None
    open_by: tuple[int, ...]  # processes that have the lock file open (Linux)

    @property
    def orphaned(self) -> bool:
        """Held, though the process that took it is gone: only inherited descriptors in
        other processes keep it."""
        return self.held and (self.holder is None or not self.holder.alive)

    @property
    def held_for(self) -> float | None:
        if not self.held or self.holder is None:
            return None
        return max(0.0, time.time() - self.holder.since)

    def describe(self) -> str:
        if not self.held:
            return f"The {self.name} is free."
        if not self.orphaned:
            return f"The {self.name} is held by {self.holder.describe()}."
        taker = f"taken by {self.holder.describe()}, " if self.holder else ""
        others = ", ".join(f"pid {pid} ({command_of(pid)})" for pid in self.open_by)
        return (
            f"The {self.name} is held though the process that took it is gone ({taker}"
            f"still open in {others or 'an unknown process'}); check_index --fix clears it."
        )


def process_start(pid: int) -> str:
    """A process's start time (clock ticks after boot), or "" when it does not exist."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    # The command name (field 2) may hold spaces and brackets: fields follow the last ")".
    return stat.rsplit(")", 1)[1].split()[19]


def _pid_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def command_of(pid: int) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return "unknown command"
    return " ".join(part.decode(errors="replace") for part in raw.split(b"\0") if part)[:200]


def _this_command() -> str:
    return command_of(os.getpid()) if Path("/proc/self").exists() else " ".join(sys.argv)


def record_holder(path: Path):
    """Called by the process that has just taken the lock on ``path``."""
    record = {
        "pid": os.getpid(),
        "command": _this_command(),
        "since": time.time(),
        "process_start": process_start(os.getpid()),
    }
    # A full or read-only disk: the lock still works, unrecorded.
    with contextlib.suppress(OSError), open(path, "r+") as handle:
        handle.truncate(0)
        handle.write(json.dumps(record))


def read_holder(path: Path) -> LockHolder | None:
    try:
        record = json.loads(path.read_text() or "null")
        return LockHolder(
            int(record["pid"]),
            str(record["command"]),
            float(record["since"]),
            str(record.get("process_start", "")),
        )
    except (OSError, ValueError, TypeError, KeyError):
        return None


def is_held(path: Path) -> bool:
    """Whether some process holds an exclusive lock on ``path`` (probed with a shared
    lock taken and dropped at once)."""
    try:
        descriptor = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(descriptor, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(descriptor)  # Closing drops the probe's own shared lock.
    return False


def processes_with_open(path: Path) -> tuple[int, ...]:
    """Pids of the processes that have ``path`` open (read from /proc; empty elsewhere)."""
    try:
        target = path.resolve()
        pids = [entry.name for entry in Path("/proc").iterdir() if entry.name.isdigit()]
    except OSError:
        return ()
    found = []
    for pid in pids:
        with contextlib.suppress(OSError):
            for descriptor in Path(f"/proc/{pid}/fd").iterdir():
                with contextlib.suppress(OSError):
                    if Path(os.readlink(descriptor)) == target:
                        found.append(int(pid))
                        break
    return tuple(sorted(found))


def state_of(name: str, path: Path) -> LockState:
    held = is_held(path)
    holder = read_holder(path) if held else None
    state = LockState(name, path, held, holder, ())
    if state.orphaned:  # Who keeps it: worth a look through /proc only then.
        state = LockState(name, path, held, holder, processes_with_open(path))
    return state


def clear_orphaned(state: LockState) -> bool:
    """Remove the file of a lock whose taker is gone, so that new writers lock a fresh
    file. Checked twice, a moment apart: a writer that has just taken the lock writes its
    record at once, and is then alive."""
    if not state.orphaned:
        return False
    time.sleep(0.5)
    again = state_of(state.name, state.path)
    if not again.orphaned or again.holder != state.holder:
        return False
    with contextlib.suppress(FileNotFoundError):
        state.path.unlink()
    return True


@contextlib.contextmanager
def exclusive(path: Path):
    """Hold an exclusive lock on ``path`` (created if needed), or raise RebuildInProgress."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as handle:  # Python's descriptors are not inherited by spawns.
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = read_holder(path)
            by = f" ({holder.describe()})" if holder else ""
            raise RebuildInProgress(f"another rebuild of the index is running{by}") from None
        record_holder(path)
        yield  # The lock goes with the file, or with the process if it dies.


def index_locks() -> tuple[LockState, ...]:
    """The rebuild lock and the current generation's write lock, as they are now."""
    states = [state_of("rebuild lock", storage.root() / REBUILD_LOCK_NAME)]
    generation = storage.current_generation()
    if generation is not None:
        states.append(state_of("index's write lock", generation / WRITE_LOCK_NAME))
    return tuple(states)
