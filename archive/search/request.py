"""A search request: what a page, the API, a feed, an export or a command asks of the
engine, validated once when it is made (sort, page, size, facets, dates, query length)."""

from dataclasses import dataclass

from django.utils.translation import gettext

from archive.dates import InvalidPartialDate, PartialDate
from archive.search.fields import FACET_FIELDS, date_number, period

SORTS = ("relevance", "newest", "oldest", "title")
DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100  # what a searcher may ask for
MAX_RESULTS_PER_REQUEST = 500  # what the application may ask for (citation exports)
# A query longer than this is refused; of a shorter one, the first MAX_QUERY_CHARACTERS
# are read (a pasted question of several sentences), with a note when cut.
MAX_QUERY_LENGTH = 10_000
MAX_QUERY_CHARACTERS = 2500


FACET_NAMES = frozenset(facet.name for facet in FACET_FIELDS)


class InvalidSearch(ValueError):
    """A search request that cannot be run as given (a bad page, sort, date, or facet):
    ``field`` names the parameter at fault, ``reason`` says what is wrong with it."""

    def __init__(self, message: str, field: str = "", reason: str = ""):
        super().__init__(message)
        self.field = field
        self.reason = reason or message


@dataclass(frozen=True)
class SearchRequest:
    query: str = ""
    filters: tuple[tuple[str, tuple[str, ...]], ...] = ()  # ((facet name, values), ...)
    date_from: str = ""  # YYYY, YYYY-MM or YYYY-MM-DD
    date_to: str = ""
    sort: str = "relevance"
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    snippets: bool = True  # highlighted snippets for the hits (not needed for exports)
    facets: bool = True  # facet counts and the timeline
    load_entries: bool = True  # hits with their entries (an export reads entry_ids alone)
    expand: bool = True  # also search the other names of thesaurus concepts named
    concept: str = ""  # only entries about this thesaurus concept (its key)

    def __post_init__(self):
        if self.sort not in SORTS:
            raise InvalidSearch(f"Sort must be one of: {', '.join(SORTS)}.")
        if not isinstance(self.page, int) or self.page < 1:
            raise InvalidSearch("The page must be a whole number from 1.")
        if not 1 <= self.per_page <= MAX_RESULTS_PER_REQUEST:
            raise InvalidSearch(
                f"Results per page must be between 1 and {MAX_RESULTS_PER_REQUEST}."
            )
        for name, _values in self.filters:
            if name not in FACET_NAMES:
                raise InvalidSearch(f"“{name}” is not a facet.")
        dates = []
        for label, value in (("from", self.date_from), ("to", self.date_to)):
            try:
                dates.append(PartialDate.parse(value))
            except InvalidPartialDate as error:
                raise InvalidSearch(
                    f"The “{label}” date: {error}.", field=label, reason=str(error)
                ) from None
        start, end = dates
        if self.date_from and self.date_to and start.value > end.value:
            reason = gettext("The end of the date range is before its start.")
            raise InvalidSearch(reason, field="to")

    @property
    def date_bounds(self) -> tuple[int | None, int | None]:
        """The first day of ``date_from``'s period and the last of ``date_to``'s, as the
        index writes days (``"2021"`` → 20210101 … ``"2021-11"`` → 20211130)."""
        start = end = None
        if self.date_from:
            partial = PartialDate.parse(self.date_from)
            start = date_number(period(partial.value, partial.precision)[0])
        if self.date_to:
            partial = PartialDate.parse(self.date_to)
            end = date_number(period(partial.value, partial.precision)[1])
        return start, end

    def selected(self, facet_name: str) -> tuple[str, ...]:
        return dict(self.filters).get(facet_name, ())
