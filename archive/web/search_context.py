"""Where an entry page reached from a search stands in that search's results.

A result's link carries its search as the search page's own URL parameters, plus
``hit`` (its position, 1 for the first): ``/entries/7/slug/?q=sister+city&hit=3``.
The entry page runs that search again to find its neighbours. The context changes
nothing about the entry's own address: the page's canonical link and permalink ignore
it. A context that no longer holds (the results changed, so another entry stands at
that position) or that cannot be read is dropped without a word: the page shows the
entry alone.
"""

from dataclasses import dataclass

from django.http import QueryDict

from archive import search
from archive.models import Entry, Status
from archive.web.presentation import HIT, SearchState, hit_link_query
from archive.web.searching import InvalidParameters, search_request_from

HIGHLIGHT = "hl"  # "0": do not mark the searched words
CONTEXT_ONLY = (HIT, HIGHLIGHT)  # parameters that are not the search's own
MAX_POSITION = 10_000  # deeper than any reader pages; a larger number is ignored


@dataclass(frozen=True)
class Neighbour:
    title: str
    url: str  # its page, with the context moved to its position


@dataclass(frozen=True)
class SearchContext:
    position: int
    total: int
    query: str  # the words searched ("" for a search by filters alone)
    results_url: str  # the results page this entry is on, scrolled to it
    previous: Neighbour | None
    next: Neighbour | None


def search_of(params: QueryDict) -> search.SearchRequest | None:
    """The search a context names, or None when its parameters do not make one."""
    search_params = params.copy()
    for name in CONTEXT_ONLY:
        search_params.pop(name, None)
    try:
        return search_request_from(search_params).request
    except InvalidParameters:
        return None


def results_of(request: search.SearchRequest | None) -> str:
    """The results page of the search, for a way back when there is no context (no
    position, or a stale one); "" when there was no search."""
    return SearchState.from_request(request).url() if request and request.query else ""


def position_of(params: QueryDict) -> int | None:
    value = params.get(HIT, "")
    if not (value.isascii() and value.isdigit() and len(value) <= 6):
        return None
    position = int(value)
    return position if 1 <= position <= MAX_POSITION else None


def context_link(url: str, request: search.SearchRequest, position: int) -> str:
    """``url`` (an entry's page) carrying the search and the entry's position in it."""
    return f"{url}{hit_link_query(SearchState.from_request(request))}{position}"


def neighbourhood(position: int | None) -> tuple[int, ...]:
    """The positions a context reads: the entry's own and its neighbours'."""
    return (position - 1, position, position + 1) if position else ()


def search_context(
    entry: Entry, request: search.SearchRequest, position: int | None, found: search.EntryInSearch
) -> SearchContext | None:
    """The entry's place in the search (``found``: the engine's answer for the positions
    of ``neighbourhood(position)``), or None when it has none or no longer that one."""
    if not position or found.total is None:
        return None
    total, ids = found.total, found.ids_at
    if ids.get(position) != entry.pk:
        return None  # the results changed since the link was made
    neighbours = Entry.objects.filter(
        pk__in=[ids.get(position - 1), ids.get(position + 1)], status=Status.PUBLISHED
    ).only("id", "slug", "title", "title_is_devised")
    by_id = {neighbour.pk: neighbour for neighbour in neighbours}

    def neighbour(at: int) -> Neighbour | None:
        found_entry = by_id.get(ids.get(at))
        if found_entry is None:
            return None
        url = context_link(found_entry.get_absolute_url(), request, at)
        return Neighbour(found_entry.display_title, url)

    page = (position - 1) // request.per_page + 1
    state = SearchState.from_request(request).on_page(page)
    return SearchContext(
        position=position,
        total=total,
        query=request.query,
        results_url=f"{state.url()}#hit-{position}",
        previous=neighbour(position - 1),
        next=neighbour(position + 1),
    )
