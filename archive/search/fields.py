"""What the index holds for each entry, declared once (as Wagtail declares a model's
search fields): the schema (``schema.py``), the weights and names a query reads, the
fields "did you mean" suggests from, the facets (``results/facets.py``) and the fields an
entry's document must give (the catalogue's ``document_values``) are derived from these.
A new facet is one line here and one value in the catalogue."""

import calendar
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class SearchField:
    """Text searched and ranked (BM25F), positions kept for phrases."""

    name: str
    boost: float  # its weight when a query names no field (ranking.py)
    aliases: tuple[str, ...]  # what a searcher may type before a colon to search it alone
    suggested: bool = False  # its words may be offered by "did you mean"


@dataclass(frozen=True)
class FacetField:
    """A filter and a facet: one term per value, kept as a column for counting."""

    name: str  # the facet's name in URLs and the API
    label: str
    multi_valued: bool = False  # an entry may carry several values (comma-separated)
    named_by_catalogue: bool = True  # its values' names come from the archive
    # Its values form a tree (the catalogue names each one's parent), and an entry
    # carries the ancestors of its values too, so a parent counts its children's entries.
    hierarchical: bool = False
    # At most this many values are listed (the most frequent, and the selected ones):
    # people, places and organizations run to thousands in a broad search.
    shown: int | None = None

    @property
    def index_field(self) -> str:
        return f"{self.name}_facet"


# Title, summary and authors were weighted on CISI (docs/relevance.md); source, topics
# and identifiers, which CISI lacks, are weighted as they always were.
SEARCH_FIELDS = (
    SearchField("title", 2.0, ("title",), suggested=True),
    SearchField("summary", 1.5, ("summary",), suggested=True),
    SearchField("body", 1.0, ("text", "body"), suggested=True),
    SearchField("source", 1.5, ("source",), suggested=True),
    SearchField("topic", 1.5, ("topic",)),
    SearchField("author", 2.0, ("author",), suggested=True),
    SearchField("identifier", 2.0, ("issn", "doi", "id", "identifier")),
)

FACET_FIELDS = (
    FacetField("topic", _("Topic"), multi_valued=True, hierarchical=True),
    FacetField("source", _("Source")),
    FacetField("year", _("Year"), named_by_catalogue=False),
    FacetField("language", _("Language")),
    FacetField("type", _("Document type")),
    FacetField("people", _("People"), multi_valued=True, shown=30),
    FacetField("places", _("Places"), multi_valued=True, shown=30),
    FacetField("organizations", _("Organizations"), multi_valued=True, shown=30),
)

# Derived: the weights of the fields a query
# searches when it names none (ranking.py), the names a searcher may type before a colon,
# and the fields whose words "did you mean" may suggest (the ``vocabulary`` field).
DEFAULT_FIELD_BOOSTS = {field.name: field.boost for field in SEARCH_FIELDS}
FIELD_ALIASES = {alias: field.name for field in SEARCH_FIELDS for alias in field.aliases}
VOCABULARY_FIELDS = tuple(field.name for field in SEARCH_FIELDS if field.suggested)

# The first and last day of an entry's dated period, as YYYYMMDD (absent if undated).
DATE_FIELDS = ("date_start", "date_end")


def date_number(date) -> int:
    """A date as the integer YYYYMMDD, the form the index stores and compares."""
    return date.year * 10_000 + date.month * 100 + date.day


def period(date, precision: str):
    """First and last day of the period a date of some precision stands for."""
    if precision == "year":
        return date, date.replace(month=12, day=31)
    if precision == "month":
        return date, date.replace(day=calendar.monthrange(date.year, date.month)[1])
    return date, date


# What an entry's document gives (``Catalogue.documents``): its id, every search field,
# every facet's value, and its dates when it has them.
DOCUMENT_FIELDS = (
    "entry_id",
    *(field.name for field in SEARCH_FIELDS),
    *(facet.index_field for facet in FACET_FIELDS),
)

# Fields a rebuild gives each term of to the first document of a segment that has it:
# only whether the index holds a term is read (as "did you mean"'s vocabulary is).
ONCE_PER_SEGMENT = frozenset({"name_forms"})
