"""Turning a SearchPage into what the page and the API show: every facet value, chip,
sort, page and year carries the URL of the search it leads to."""

import datetime
from dataclasses import dataclass, fields
from functools import lru_cache
from urllib.parse import urlencode

from django.urls import get_script_prefix, reverse
from django.utils.translation import get_language, gettext

from archive import search
from archive.dates import display_day
from archive.models import TOPIC_PATH_SEPARATOR

PARAMETER_ORDER = [
    "q",
    "concept",
    *(facet.name for facet in search.FACETS),
    "from",
    "to",
    "sort",
    "per_page",
    "expand",
    "more",
    "page",
]
PER_PAGE_CHOICES = (10, 20, 50, 100)  # what the page offers (the API may ask for any)
# How many values of a facet a page lists before "Show all" (selected ones always show).
FACET_VALUES_SHOWN = 10
_POSITION = {name: index for index, name in enumerate(PARAMETER_ORDER)}


def _position(pair: tuple[str, str]) -> int:
    return _POSITION.get(pair[0], len(_POSITION))


@lru_cache(maxsize=16)
def _search_path(script_prefix: str, language: str) -> str:
    return reverse("archive:search")


def search_path() -> str:
    """The search page's path in the current language (a page links to it hundreds of
    times: resolved once per language)."""
    return _search_path(get_script_prefix(), get_language())


@dataclass(frozen=True)
class SearchState:
    """A search as URL parameters, in a canonical order, from which other URLs derive."""

    params: tuple[tuple[str, str], ...]

    @classmethod
    def from_request(
        cls, request: search.SearchRequest, expanded: tuple[str, ...] = ()
    ) -> "SearchState":
        params = [("q", request.query)] if request.query else []
        if request.concept:
            params.append(("concept", request.concept))
        for facet in search.FACETS:
            params += [(facet.name, value) for value in request.selected(facet.name)]
        params += [
            (name, value)
            for name, value in (("from", request.date_from), ("to", request.date_to))
            if value
        ]
        if request.sort != "relevance":
            params.append(("sort", request.sort))
        if request.per_page != search.DEFAULT_PER_PAGE:
            params.append(("per_page", str(request.per_page)))
        if not request.expand:
            params.append(("expand", "0"))
        params += [("more", name) for name in expanded]
        if request.page > 1:
            params.append(("page", str(request.page)))
        return cls(tuple(params))

    def url(self, path: str | None = None) -> str:
        params = sorted(self.params, key=_position)
        query = urlencode(params)
        return f"{search_path() if path is None else path}{'?' + query if query else ''}"

    def without(self, *names: str, value: str | None = None) -> "SearchState":
        return SearchState(
            tuple(
                (name, current)
                for name, current in self.params
                if name not in names or (value is not None and current != value)
            )
        )

    def with_param(self, name: str, value: str) -> "SearchState":
        return SearchState((*self.params, (name, value)))

    def first_page(self) -> "SearchState":
        return self.without("page")

    def toggled_urls(self, name: str, values) -> list[str]:
        """``toggled(name, value).url()`` for each value, with what they share encoded
        once: a facet links to hundreds of values, and each full URL cost 30 µs."""
        state = self.first_page()
        ordered = sorted(state.params, key=_position)
        rank = _position((name, ""))
        before = urlencode([pair for pair in ordered if _position(pair) <= rank])
        after = urlencode([pair for pair in ordered if _position(pair) > rank])
        path, present = search_path(), set(state.params)
        urls = []
        for value in values:
            if (name, value) in present:
                urls.append(state.toggled(name, value).url())
            else:
                # With the value appended, the sort in url() puts it after every parameter
                # ranked up to its name's rank and before the others.
                added = urlencode([(name, value)])
                urls.append(f"{path}?{'&'.join(p for p in (before, added, after) if p)}")
        return urls

    def toggled(self, name: str, value: str) -> "SearchState":
        state = self.first_page()
        if (name, value) in state.params:
            return state.without(name, value=value)
        return state.with_param(name, value)

    def sorted_by(self, sort: str) -> "SearchState":
        state = self.first_page().without("sort")
        return state if sort == "relevance" else state.with_param("sort", sort)

    def on_page(self, page: int) -> "SearchState":
        state = self.without("page")
        return state if page == 1 else state.with_param("page", str(page))

    def only_year(self, year: str) -> "SearchState":
        return self.first_page().without("year", "from", "to").with_param("year", year)


@dataclass(frozen=True)
class LinkedValue:
    value: str
    label: str
    count: int
    selected: bool
    toggle_url: str
    depth: int = 0  # in a tree (topics): how far under its broadest topic it is listed
    parent: str = ""

    @property
    def name(self) -> str:
        """What a tree lists it as: its own name, under its parent's (the label is its
        whole path, as a chip says it)."""
        return self.label.rsplit(TOPIC_PATH_SEPARATOR, 1)[-1] if self.depth else self.label


@dataclass(frozen=True)
class LinkedFacet:
    name: str
    label: str
    values: tuple[LinkedValue, ...]  # those the page lists
    hidden: int = 0  # values not listed until "Show all"
    more_url: str = ""  # the same search listing every value of this facet
    less_url: str = ""  # … listing the first few again

    @property
    def total_values(self) -> int:
        return len(self.values) + self.hidden

    @property
    def filterable(self) -> bool:
        """All its many values are listed: a box narrows them by name."""
        return not self.hidden and len(self.values) > FACET_VALUES_SHOWN


@dataclass(frozen=True)
class Chip:
    label: str
    remove_url: str


@dataclass(frozen=True)
class YearBar:
    year: str
    count: int
    percent: int
    url: str
    labelled: bool  # its year is written under it (with many bars, only some are)


@dataclass(frozen=True)
class UndatedCount:
    count: int
    url: str  # the same search, only its undated results


def _undated(page: search.SearchPage, state: "SearchState") -> UndatedCount | None:
    for facet in page.facets:
        for value in facet.values if facet.name == "year" else ():
            if value.value == search.UNDATED_YEAR and value.count:
                return UndatedCount(value.count, state.only_year(value.value).url())
    return None


YEARS_ALL_LABELLED = 12  # more bars than this: label each decade, and the ends if there is room


def _labelled_years(years: list[str]) -> set[int]:
    """Indexes of the bars whose year is written under them."""
    if len(years) <= YEARS_ALL_LABELLED:
        return set(range(len(years)))
    decades = {index for index, year in enumerate(years) if year.endswith("0")}
    ends = {0, len(years) - 1} - decades
    room = max(3, len(years) // 8)  # bars between labels, so that they do not touch
    return decades | {end for end in ends if all(abs(end - d) > room for d in decades)}


@dataclass(frozen=True)
class AlsoSearched:
    """A concept the query named, the other names it was searched under, and its page."""

    expansion: object  # search.expansion.Expansion (names in the interface's language)
    concept_url: str


@dataclass(frozen=True)
class PageLink:
    number: int
    url: str
    current: bool


def _linked_facet(facet, state: SearchState, expanded: tuple[str, ...], limit: int | None):
    def linked(values):
        urls = state.toggled_urls(facet.name, [value.value for value in values])
        return tuple(
            LinkedValue(
                value.value,
                value.label,
                value.count,
                value.selected,
                url,
                value.depth,
                value.parent,
            )
            for value, url in zip(values, urls, strict=True)
        )

    values = facet.values
    if limit is None or len(values) <= limit:
        return LinkedFacet(facet.name, facet.label, linked(values))
    if facet.name in expanded:
        less = state.first_page().without("more", value=facet.name)
        return LinkedFacet(facet.name, facet.label, linked(values), less_url=less.url())
    shown = values[:limit] + tuple(value for value in values[limit:] if value.selected)
    more = state.first_page().with_param("more", facet.name)
    return LinkedFacet(facet.name, facet.label, linked(shown), len(values) - len(shown), more.url())


HIT = "hit"  # a result link's parameter: the entry's position in the results


def hit_link_query(state: SearchState) -> str:
    """What a result's link appends to the entry's address, the position last:
    ``?q=…&hit=`` (search_context.py reads it back)."""
    kept = state.without("page", "more")
    return f"{kept.url(path='')}{'&' if kept.params else '?'}{HIT}="


@dataclass(frozen=True)
class ResultsView:
    """A search's answer as every format shows it: the page, the partial, the API (and
    the exports and feeds, which need only ``page``) render this and compute nothing."""

    page: search.SearchPage
    hits: tuple
    facets: tuple  # LinkedFacet: each value with the URL that adds or removes it
    expanded: tuple[str, ...]
    chips: tuple  # Chip: the filters in force, each with the URL that removes it
    clear_url: str
    timeline: tuple  # YearBar
    undated: "UndatedCount | None"  # beside the timeline: how many results have no date
    sorts: tuple  # (sort, label, url)
    shown_sort: str  # the sort the page says it is in
    per_page_choices: tuple[int, ...]  # results per page the page offers, its own among them
    pages: tuple  # PageLink
    previous_url: str | None
    next_url: str | None
    beyond_last_page: bool
    last_page_url: str
    suggestion_url: str | None
    search_url: str
    run_date: str
    export_query: str
    feed_url: str
    hit_link_query: str  # a result's link carries its search and position
    also_searched: tuple  # AlsoSearched
    only_my_words_url: str
    other_names_url: str

    def as_context(self) -> dict:
        """The view as a template's context: each of its names."""
        return {field.name: getattr(self, field.name) for field in fields(self)}


def _sorts(state: SearchState, browsing: bool) -> tuple:
    """(sort, label, url) of the orders offered. Without words to rank by, relevance
    lists the newest first, and says so: the option keeps its value, so that words typed
    next are ranked by relevance."""
    if browsing:
        offered = (
            ("relevance", gettext("Newest first")),
            ("oldest", gettext("Oldest first")),
            ("title", gettext("Title (A–Z)")),
        )
    else:
        offered = (
            ("relevance", gettext("Relevance")),
            ("newest", gettext("Newest first")),
            ("oldest", gettext("Oldest first")),
            ("title", gettext("Title (A–Z)")),
        )
    return tuple((sort, label, state.sorted_by(sort).url()) for sort, label in offered)


def present(
    page: search.SearchPage, expanded: tuple[str, ...] = (), limit: int | None = None
) -> ResultsView:
    """Template and API context for a search page. With ``limit``, a facet lists that many
    values (and any selected ones) unless it is one of ``expanded``."""
    state = SearchState.from_request(page.request, expanded)
    facets = tuple(_linked_facet(facet, state, expanded, limit) for facet in page.facets)
    chips = [
        Chip(
            gettext("%(facet)s: %(value)s")
            % {"facet": search.FACETS_BY_NAME[facet.name].label, "value": value.label},
            value.toggle_url,
        )
        for facet in facets
        for value in facet.values
        if value.selected
    ]
    request = page.request
    if page.concept is not None:
        name = page.concept.name(get_language())
        about = gettext("About: %(concept)s") % {"concept": name}
        chips.insert(0, Chip(about, state.first_page().without("concept").url()))
    if request.date_from:
        label = gettext("From %(date)s") % {"date": request.date_from}
        chips.append(Chip(label, state.first_page().without("from").url()))
    if request.date_to:
        label = gettext("To %(date)s") % {"date": request.date_to}
        chips.append(Chip(label, state.first_page().without("to").url()))
    highest = max((count for _, count in page.timeline), default=0)
    labelled = _labelled_years([year for year, _ in page.timeline])
    timeline = tuple(
        # Bar heights in tenths, so the style sheet sizes them (no inline styles).
        YearBar(
            year,
            count,
            max(1, round(10 * count / highest)) * 10,
            state.only_year(year).url(),
            index in labelled,
        )
        for index, (year, count) in enumerate(page.timeline)
    )
    numbers = sorted(
        {1, page.page_count, *range(request.page - 2, request.page + 3)}
        & set(range(1, page.page_count + 1))
    )
    return ResultsView(
        page=page,
        hits=page.hits,
        facets=facets,
        expanded=expanded,
        chips=tuple(chips),
        clear_url=SearchState((("q", request.query),) if request.query else ()).url(),
        timeline=timeline,
        undated=_undated(page, state) if timeline else None,
        sorts=_sorts(state, browsing=page.reading == "browse"),
        shown_sort="relevance"
        if page.reading == "browse" and request.sort == "newest"
        else request.sort,
        per_page_choices=tuple(sorted({*PER_PAGE_CHOICES, request.per_page})),
        pages=tuple(PageLink(n, state.on_page(n).url(), n == request.page) for n in numbers),
        previous_url=state.on_page(request.page - 1).url() if request.page > 1 else None,
        next_url=state.on_page(request.page + 1).url() if request.page < page.page_count else None,
        beyond_last_page=request.page > page.page_count,
        last_page_url=state.on_page(page.page_count).url(),
        suggestion_url=state.first_page().without("q").with_param("q", page.suggestion).url()
        if page.suggestion
        else None,
        search_url=state.url(),
        run_date=display_day(datetime.date.today()),
        export_query=state.without("page").url(path=""),
        feed_url=reverse("archive:feed") + state.without("page", "more", "sort").url(path=""),
        # A result's link carries its search and position (search_context.py): append it.
        hit_link_query=hit_link_query(state),
        also_searched=tuple(
            AlsoSearched(expansion, reverse("archive:concept", args=[expansion.concept_key]))
            for expansion in page.expansions
        ),
        only_my_words_url=state.first_page().with_param("expand", "0").url(),
        other_names_url=state.first_page().without("expand").url(),
    )
