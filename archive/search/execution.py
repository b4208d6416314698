"""Running a search request against a searcher: filters, ranking, facets, snippets."""

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from whoosh import highlight, sorting
from whoosh import query as whoosh_query

from archive.dates import PartialDate
from archive.models import Entry
from archive.search import SearchHit, SearchPage, SearchRequest
from archive.search.facets import FACETS, FACETS_BY_NAME
from archive.search.highlighting import MarkFormatter
from archive.search.indexing import date_number, period
from archive.search.query import parse, significant_words, suggest

SNIPPET_CHARACTERS = 320


def _date_query(request: SearchRequest):
    """Entries whose dated period overlaps [from, to]; undated entries never match."""
    parts = []
    if request.date_from:
        start, _ = _bounds(request.date_from)
        parts.append(whoosh_query.NumericRange("date_end", start, None))
    if request.date_to:
        _, end = _bounds(request.date_to)
        parts.append(whoosh_query.NumericRange("date_start", None, end))
    return whoosh_query.And(parts) if parts else None


def _bounds(text: str) -> tuple[int, int]:
    """ "2021" → (20210101, 20211231); "2021-11" → the month; a day → that day."""
    partial = PartialDate.parse(text)
    start, end = period(partial.value, partial.precision)
    return date_number(start), date_number(end)


def _filter(request: SearchRequest, without: str | None = None):
    parts = [
        FACETS_BY_NAME[name].filter_query(values)
        for name, values in request.filters
        if values and name != without
    ]
    date_query = _date_query(request)
    if date_query is not None:
        parts.append(date_query)
    return whoosh_query.And(parts) if parts else None


def _sort(request: SearchRequest, browsing: bool) -> dict:
    # Browsing without a query has no relevance to rank by: newest first reads best.
    if request.sort == "newest" or (browsing and request.sort == "relevance"):
        return {"sortedby": "newest_key", "reverse": True}
    if request.sort == "oldest":
        return {"sortedby": "oldest_key"}
    return {}


def _facet_counts(searcher, query, request: SearchRequest):
    """Counts for every facet; a facet with selected values is counted with the other
    facets' filters only, so its other values stay visible with honest counts."""
    counts = {}
    unselected = [facet for facet in FACETS if not request.selected(facet.name)]
    if unselected:
        results = searcher.search(
            query,
            filter=_filter(request),
            groupedby={facet.name: facet.grouping() for facet in unselected},
            maptype=sorting.Count,
            limit=1,
        )
        counts.update({facet.name: results.groups(facet.name) for facet in unselected})
    for facet in FACETS:
        if request.selected(facet.name):
            results = searcher.search(
                query,
                filter=_filter(request, without=facet.name),
                groupedby={facet.name: facet.grouping()},
                maptype=sorting.Count,
                limit=1,
            )
            counts[facet.name] = results.groups(facet.name)
    return tuple(
        facet.result(
            {str(value): count for value, count in counts[facet.name].items()},
            request.selected(facet.name),
        )
        for facet in FACETS
    )


def _timeline(facets) -> tuple[tuple[str, int], ...]:
    years = next((facet for facet in facets if facet.name == "year"), None)
    if years is None:
        return ()
    dated = [
        (value.value, value.count)
        for value in years.values
        if value.value.isdigit() and value.count
    ]
    return tuple(sorted(dated))


def _snippet(hit, entry: Entry) -> str:
    for text in (entry.body, entry.summary):
        if text:
            fragment = hit.highlights("body", text=text, top=2)
            if fragment:
                return mark_safe(fragment)
    plain = entry.summary or entry.body
    return mark_safe(escape(Truncator(plain).chars(SNIPPET_CHARACTERS)))


def _run(searcher, query, request: SearchRequest, browsing: bool = False):
    limit = min(request.page * request.per_page, max(searcher.doc_count(), 1))
    return searcher.search(
        query, filter=_filter(request), limit=limit, terms=True, **_sort(request, browsing)
    )


def execute(request: SearchRequest, searcher) -> SearchPage:
    parsed = parse(request.query, searcher.schema)
    notes = list(parsed.notes)
    query = parsed.query
    results = _run(searcher, query, request, browsing=parsed.browse_all)
    # Suggest when the query as typed finds nothing, even if looser matching does.
    suggestion = (
        suggest(parsed.text, searcher) if not len(results) and not parsed.browse_all else None
    )
    if (
        not len(results)
        and not parsed.browse_all
        and not parsed.uses_syntax
        and len(significant_words(parsed.text)) > 1
    ):
        # A pasted question rarely has every word in one document: rank by how many
        # words (and how well) each entry matches instead.
        query = parse(request.query, searcher.schema, match_any=True).query
        results = _run(searcher, query, request)
        if len(results):
            notes.append("No entry contains all of your words; showing entries with some.")
    total = len(results)

    start = (request.page - 1) * request.per_page
    page_hits = list(results)[start : start + request.per_page]
    entries = (
        Entry.objects.select_related("source")
        .prefetch_related("topics")
        .in_bulk([int(hit["entry_id"]) for hit in page_hits])
    )
    results.fragmenter = highlight.ContextFragmenter(maxchars=SNIPPET_CHARACTERS, surround=90)
    results.formatter = MarkFormatter()
    hits = tuple(
        SearchHit(entry, hit.score or 0.0, _snippet(hit, entry) if request.snippets else "")
        for hit in page_hits
        if (entry := entries.get(int(hit["entry_id"]))) is not None
    )
    facets = _facet_counts(searcher, query, request) if request.facets else ()
    return SearchPage(
        request=request,
        hits=hits,
        total=total,
        facets=facets,
        timeline=_timeline(facets),
        suggestion=suggestion,
        notes=tuple(notes),
        searched_query=parsed.text,
    )
