"""Where the index lives on disk: generations swapped atomically behind a symlink.

``ARCHIVE_INDEX_DIR/current`` points at one folder in ``generations/``. A rebuild
writes a new generation and swaps the link in one rename, so searches keep answering
from the old one until the new one is complete, and a failed rebuild changes nothing.

A generation holds two Whoosh indexes: the public one (Whoosh's default name), which
holds published entries only and is all that public search, facets, "did you mean" and
related entries ever read; and the editors' ``drafts`` index beside it, which only the
admin's search reads. Drafts thus never leak into public results, counts, suggestions
or ranking statistics, and a rebuild swaps both at once.
"""

import os
import shutil
import threading
import time
import uuid
from pathlib import Path

from django.conf import settings
from whoosh import index as whoosh_index

from archive.search.errors import IndexUnavailable  # noqa: F401 (raised by its readers)
from archive.search.query.limits import SearchTooSlow
from archive.search.schema import build_schema

CURRENT_LINK = "current"
GENERATIONS = "generations"
DRAFTS = "drafts"  # the name of the drafts index within a generation
UNFINISHED = ".unfinished-"  # a generation being written, not yet current
TEMPORARY_LINK = ".current-"  # the new link, before it is renamed over ``current``


def root() -> Path:
    return Path(settings.ARCHIVE_INDEX_DIR)


def current_generation() -> Path | None:
    link = root() / CURRENT_LINK
    try:
        target = os.readlink(link)
    except OSError:
        return None
    return (link.parent / target).resolve()


OPEN_ATTEMPTS = 10  # as Whoosh's own reader: a writer may remove the file we just listed


def open_generation(path: Path, indexname: str | None = None):
    for attempt in range(1, OPEN_ATTEMPTS + 1):
        try:
            return whoosh_index.open_dir(str(path), indexname=indexname, schema=build_schema())
        except FileNotFoundError as error:
            # Another process committed between our finding the newest table of contents
            # and opening it, and removed it: the next look finds the new one.
            if attempt == OPEN_ATTEMPTS or not path.is_dir():
                raise IndexUnavailable(
                    f"the search index at {path} cannot be read ({error})"
                ) from error
            time.sleep(0.01)
        except Exception as error:  # Whoosh raises many kinds on damaged files.
            raise IndexUnavailable(
                f"the search index at {path} cannot be read ({error})"
            ) from error


def open_drafts(path: Path, create: bool = False):
    """The drafts index of a generation. A generation written before drafts were indexed
    has none: ``create`` (only under the generation's write lock) makes it empty, else
    IndexUnavailable."""
    if not whoosh_index.exists_in(str(path), indexname=DRAFTS):
        if not create:
            raise IndexUnavailable(f"the search index at {path} has no drafts index yet")
        return whoosh_index.create_in(str(path), build_schema(), indexname=DRAFTS)
    return open_generation(path, DRAFTS)


def open_current():
    path = current_generation()
    if path is None or not path.is_dir():
        raise IndexUnavailable(f"there is no search index in {root()}")
    return path, open_generation(path)


def new_generation():
    """A new, empty index folder, marked unfinished by its name until ``make_current``."""
    name = f"{UNFINISHED}{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:8]}"
    folder = root() / GENERATIONS / name
    folder.mkdir(parents=True)
    whoosh_index.create_in(str(folder), build_schema(), indexname=DRAFTS)
    return folder, whoosh_index.create_in(str(folder), build_schema())


def is_unfinished(folder: Path) -> bool:
    return folder.name.startswith(UNFINISHED)


def make_current(folder: Path) -> Path:
    """Give a finished generation its final name and point ``current`` at it in one
    atomic rename, then drop old generations. Returns the generation's folder."""
    finished = folder.with_name(folder.name.removeprefix(UNFINISHED))
    os.rename(folder, finished)
    previous = current_generation()
    temporary = root() / f"{TEMPORARY_LINK}{uuid.uuid4().hex[:8]}"
    os.symlink(Path(GENERATIONS) / finished.name, temporary)
    os.replace(temporary, root() / CURRENT_LINK)
    remove_generations(keep={finished.resolve(), previous})
    return finished


def remove_generations(keep: set):
    """Delete generation folders other than ``keep`` (the previous one stays for
    searchers in other processes that may still be reading it)."""
    generations = root() / GENERATIONS
    if not generations.is_dir():
        return
    for folder in generations.iterdir():
        if folder.resolve() not in keep:
            remove_folder(folder)


def remove_unfinished() -> list[Path]:
    """Delete what a killed rebuild left (its unfinished generation, a link it had not
    yet renamed). Only under the rebuild lock: an unfinished folder may be in progress."""
    leftovers = [path for path in root().glob(f"{TEMPORARY_LINK}*") if path.is_symlink()]
    generations = root() / GENERATIONS
    if generations.is_dir():
        leftovers += [path for path in generations.iterdir() if is_unfinished(path)]
    for path in leftovers:
        if path.is_symlink():
            path.unlink(missing_ok=True)
        else:
            remove_folder(path)
    return leftovers


def remove_folder(folder: Path):
    shutil.rmtree(folder, ignore_errors=True)


class SearcherCache:
    """A Whoosh searcher per thread, reused across requests and refreshed when the index
    changes (a new commit or a new generation). Searchers are not shared between threads.
    ``drafts`` selects the generation's drafts index instead of the public one."""

    def __init__(self, drafts: bool = False):
        self._local = threading.local()
        self.drafts = drafts

    def get(self):
        local = self._local
        generation = current_generation()
        if generation is None:
            self.clear()
            raise IndexUnavailable(f"there is no search index in {root()}")
        searcher = getattr(local, "searcher", None)
        if searcher is not None and getattr(local, "generation", None) == generation:
            try:
                if searcher.up_to_date():
                    return searcher
            except Exception:  # A damaged table of contents: reopen, or report below.
                pass
        # A fresh searcher, not Searcher.refresh(): Whoosh 2.7 reuses the reader of a
        # segment whose deletions changed, and would keep showing deleted documents.
        self.clear()
        try:
            index = open_drafts(generation) if self.drafts else open_generation(generation)
            local.searcher = index.searcher()
        except IndexUnavailable:
            raise
        except Exception as error:  # A damaged segment shows up when it is opened.
            raise IndexUnavailable(f"the search index cannot be read ({error})") from error
        local.generation = generation
        return local.searcher

    def clear(self):
        searcher = getattr(self._local, "searcher", None)
        if searcher is not None:
            searcher.close()
        self._local.searcher = None
        self._local.generation = None


searchers = SearcherCache()
draft_searchers = SearcherCache(drafts=True)  # only ever read by the editors' search


def searching(cache: SearcherCache, work):
    """``work(searcher)`` on the cache's searcher; if it fails while the index has been
    committed since that searcher was opened, once more on a fresh one.

    Whoosh opens some of a segment's files (its columns: facet values, field lengths,
    stored fields) only when first read. Another process's commit may merge the segment
    away and delete its files between a search taking its searcher and reading them (a
    node's follower commits beside every search): the search then fails on a missing
    file, or on a column that reads as absent. A fresh searcher sees the merged segment.
    """
    searcher = cache.get()
    try:
        return work(searcher)
    except IndexUnavailable:
        raise
    except Exception as error:
        if not _committed_since(searcher) or _is_a_limit(error):
            raise
    cache.clear()
    return work(cache.get())


def _committed_since(searcher) -> bool:
    try:
        return not searcher.up_to_date()
    except Exception:  # the table of contents itself replaced: committed since
        return True


def _is_a_limit(error: Exception) -> bool:
    return isinstance(error, SearchTooSlow)
