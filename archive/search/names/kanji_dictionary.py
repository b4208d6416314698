"""pykakasi's kanji dictionary, held compactly.

pykakasi reads kanji with a dictionary of some 6,800 first characters, each a table of
the words it begins and their readings, and unpickles all of it the first time a kanji
is read: 105 MiB of Python objects in every process that romanizes a kanji name or a
Japanese title, kept for the process's life (Python does not give such memory back
after it is freed). Here a child process reads it once and hands back each first
character's table pickled on its own (9.4 MiB in all); a table is unpickled when a word
beginning with its character is read (30 µs, 1 ms for 大's), and the most recently read
are kept. pykakasi reads the same tables (a test compares all of them) through its own
code: only where they are held changes.
"""

import logging
import os
import pickle
import subprocess
import sys
import threading
from functools import lru_cache

import pykakasi
from pykakasi.kanji import Kanwa

logger = logging.getLogger(__name__)

TABLES_KEPT = 256  # first characters' tables kept unpickled (a text uses a few dozen)

# What the child process runs: pykakasi's own file, each first character's table
# pickled apart, written to its standard output.
_SPLIT_TABLES = """
import pickle, sys
from pykakasi.properties import Configurations
with open(Configurations.dictpath(Configurations.jisyo_kanwa), "rb") as source:
    tables = pickle.load(source)
pickle.dump({key: pickle.dumps(table, 5) for key, table in tables.items()}, sys.stdout.buffer, 5)
"""

_lock = threading.Lock()


class CompactTables:
    """The dictionary as pykakasi asks it (``get(first character's code)``), each
    table kept pickled until it is read."""

    def __init__(self, pickled: dict[int, bytes]):
        self._pickled = pickled
        self._table = lru_cache(maxsize=TABLES_KEPT)(self._unpickled)

    def _unpickled(self, key: int):
        return pickle.loads(self._pickled[key])

    def get(self, key: int, default=None):
        return self._table(key) if key in self._pickled else default

    def __len__(self):
        return len(self._pickled)


def split_tables() -> CompactTables:
    """The dictionary read by a child process, whose memory goes when it ends."""
    if not os.path.basename(sys.executable or "").startswith("python"):
        # Embedded in another program (uWSGI's sys.executable is uWSGI itself).
        raise OSError(f"no Python interpreter to run: {sys.executable!r}")
    done = subprocess.run(
        [sys.executable, "-c", _SPLIT_TABLES], capture_output=True, check=True, timeout=120
    )
    return CompactTables(pickle.loads(done.stdout))


def _install():
    """Give pykakasi the compact tables before anything in this process loads its own
    (pykakasi shares one dictionary between all its converters). Where the child cannot
    run, pykakasi loads its dictionary as it always does."""
    with _lock:
        if Kanwa._shared_state["_jisyo_table"] is not None:
            return
        try:
            tables = split_tables()
        except (OSError, subprocess.SubprocessError, pickle.UnpicklingError) as error:
            logger.warning("pykakasi's dictionary read whole (%s)", error)
            return
        Kanwa._shared_state["_jisyo_table"] = tables


def kakasi() -> pykakasi.kakasi:
    """A pykakasi converter reading kanji from the compact tables."""
    _install()
    return pykakasi.kakasi()
