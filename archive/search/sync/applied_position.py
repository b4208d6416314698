"""How far in the change log a generation's index has come, kept with the index's commits.

Whoosh commits an index by writing a new table of contents, ``_MAIN_<n>.toc``, after its
segments. Before that, the writer records the position it has applied in
``applied-position-<n>`` beside it; the position of an index is that of its newest table
of contents. A process killed between the two leaves a position file for a table of
contents that was never written: it is ignored (and overwritten by the next commit, which
gets the same number), so index and position cannot disagree after a crash.

A commit that records nothing (none of the archive's writers makes one) leaves the last
recorded position in force: a position may thus be lower than what the index holds, which
only means applying some changes again (applying a change is idempotent), never higher.
"""

import os
import re
from pathlib import Path

PREFIX = "applied-position-"
_TABLE_OF_CONTENTS = re.compile(r"^_MAIN_([0-9]+)\.toc$")  # the public index's


def read(folder: Path) -> int | None:
    """The position the generation's public index has applied; None when no commit of
    it recorded one (a generation written before the change log)."""
    for _ in range(10):
        try:
            return _read(folder)
        except FileNotFoundError:
            continue  # a writer removed the file we listed: it has committed a newer one
    return _read(folder)


def _read(folder: Path) -> int | None:
    newest_toc, recorded = -1, {}
    for name in os.listdir(folder):
        if name.startswith(PREFIX):
            suffix = name.removeprefix(PREFIX)
            if suffix.isdigit():
                recorded[int(suffix)] = name
        elif match := _TABLE_OF_CONTENTS.match(name):
            newest_toc = max(newest_toc, int(match.group(1)))
    usable = [number for number in recorded if number <= newest_toc]
    if not usable:
        return None
    try:
        return int((folder / recorded[max(usable)]).read_text())
    except ValueError:  # not a number: as if none were recorded
        return None


def record(folder: Path, toc_number: int, position: int):
    """Record ``position`` for the table of contents numbered ``toc_number``: called
    before that table of contents is written."""
    final = folder / f"{PREFIX}{toc_number}"
    temporary = folder / f".{PREFIX}{toc_number}.{os.getpid()}"
    temporary.write_text(str(position))
    os.replace(temporary, final)


def forget_before(folder: Path, toc_number: int):
    """Remove the positions of tables of contents older than ``toc_number`` (after it was
    committed: Whoosh removes their tables of contents too)."""
    for name in os.listdir(folder):
        suffix = name.removeprefix(PREFIX)
        if name.startswith(PREFIX) and suffix.isdigit() and int(suffix) < toc_number:
            (folder / name).unlink(missing_ok=True)
