"""What a search answers: its hits, counts, facets, timeline and notes, as one value."""

from dataclasses import dataclass, field

from archive.search.query.reading import READINGS
from archive.search.request import SearchRequest
from archive.search.results.facets import FacetResult


@dataclass(frozen=True)
class SearchHit:
    entry: object  # archive.models.Entry, with source and topics loaded
    score: float
    snippet: str  # HTML: the document's text escaped, matched terms in <mark>


@dataclass(frozen=True)
class SearchPage:
    request: SearchRequest
    hits: tuple[SearchHit, ...] = ()
    total: int = 0
    facets: tuple[FacetResult, ...] = ()
    timeline: tuple[tuple[str, int], ...] = ()  # (year, count), oldest first
    suggestion: str | None = None
    notes: tuple[str, ...] = field(default=())
    searched_query: str = ""
    available: bool = True
    stopped: bool = False  # reached its time budget (unavailable, for now)
    reading: str = ""  # how the query was read: a key of query.READINGS
    expansions: tuple = ()  # expansion.Expansion: other names also searched
    names: tuple = ()  # names.NameAlternatives: words also matched in other scripts
    concept: object = None  # thesaurus.snapshot.ConceptNames of request.concept
    entry_ids: tuple[int, ...] = ()  # the page's entries, in order (hits or not)

    def __post_init__(self):
        # Notes may be written lazily (translated when shown): the page holds them as text.
        object.__setattr__(self, "notes", tuple(str(note) for note in self.notes))

    @property
    def reading_text(self) -> str:
        return str(READINGS.get(self.reading, ""))

    @property
    def retry_after(self) -> int:
        """Seconds a client should wait before asking again, when unavailable."""
        return 5 if self.stopped else 30

    @property
    def page_count(self) -> int:
        return max(1, -(-self.total // self.request.per_page))

    @property
    def first_position(self) -> int:
        return (self.request.page - 1) * self.request.per_page + 1
