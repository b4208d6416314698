"""What the engine asks of the archive it indexes: the engine's one door to the database.

The engine reads no model. The archive gives it a ``Catalogue`` when the app starts
(``archive/catalogue.py``, registered in ``archive/apps.py``): the index documents of
entries, the entries a page of hits shows, the names of facet values, and the thesaurus.
"""

from collections.abc import Collection, Iterable, Iterator
from typing import Protocol


class Catalogue(Protocol):
    def count(self, *, published: bool) -> int:
        """How many entries belong in the public index (``published``) or the drafts one."""

    def documents(
        self,
        *,
        published: bool,
        entry_ids: Collection[int] | None = None,
        after: int = 0,
        limit: int | None = None,
    ) -> Iterator[dict]:
        """Index documents (fields of ``schema.py`` by name, without the fingerprint), in
        entry id order: of those ids, or of every entry after ``after``, at most ``limit``
        (read as they are used: a comparison reads every entry once)."""

    def entries(self, entry_ids: Iterable[int], *, published_only: bool = False) -> dict:
        """The entries a page shows for those ids (any with ``title``, ``summary`` and
        ``body``), by id; ids of entries that are gone are left out."""

    def texts(self, entry_ids: Iterable[int], characters: int) -> dict[int, str]:
        """Each entry's title, summary and text, at most ``characters`` of its text, by
        id (what feedback reads of the best entries of a question)."""

    def facet_labels(self, facet: str, values: Iterable[str]) -> dict[str, str]:
        """The names, in the interface's language, of those values of a facet that name
        something (a topic, a source, a language, a document type)."""

    def facet_parents(self, facet: str, values: Iterable[str]) -> dict[str, str]:
        """The parent of each of those values of a hierarchical facet that has one (a
        topic's broader topic), by value."""

    def is_known(self, facet: str, value: str) -> bool:
        """Whether a filter value names something (a language code may name a language
        the archive holds no entry in yet)."""

    def thesaurus(self):
        """The thesaurus as it is now (``archive.thesaurus.snapshot.Thesaurus``)."""

    def warm_up(self):
        """Read what a first search would otherwise wait for (names, the thesaurus)."""


class NoCatalogue(RuntimeError):
    """The engine was asked for the archive's data before the app gave it a catalogue."""


_catalogue: list[Catalogue] = []


def use(catalogue: Catalogue):
    """Give the engine the archive's catalogue (once, when the app starts)."""
    _catalogue[:] = [catalogue]


def catalogue() -> Catalogue:
    if not _catalogue:
        raise NoCatalogue("the search engine has no catalogue: is the archive app installed?")
    return _catalogue[0]
