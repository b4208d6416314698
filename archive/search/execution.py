"""Running a search request against a searcher: filters, ranking, facets, snippets.

The matching documents are found once as arrays (``matches.py``): totals, filters,
facet counts and date sorting come from those; Whoosh ranks the page by relevance.
"""

from dataclasses import dataclass, replace

from django.utils.translation import gettext
from whoosh import query as whoosh_query

from archive.search.catalogue import catalogue
from archive.search.query import feedback
from archive.search.query.expansion import concept_query, expand, label_index
from archive.search.query.names import with_names, words_of_forms
from archive.search.query.reading import (
    ParsedQuery,
    parse,
    read,
    significant_words,
    suggest,
    words_alone,
)
from archive.search.request import SearchRequest
from archive.search.results.facets import FACETS, FACETS_BY_NAME
from archive.search.results.page import SearchHit, SearchPage
from archive.search.results.snippets import SnippetMaker, searched_words
from archive.search.segments.facts import entry_ids as ids_of_entries
from archive.search.segments.matches import DateRange, Matches


def _date_range(request: SearchRequest) -> DateRange:
    """Entries whose dated period overlaps [from, to]; undated entries never match."""
    return DateRange(*request.date_bounds)


def _matches(searcher, parsed: ParsedQuery, query, request: SearchRequest) -> Matches:
    filters = {FACETS_BY_NAME[name].field: values for name, values in request.filters if values}
    return Matches(
        searcher,
        query,
        everything=parsed.browse_all,
        filters=filters,
        dates=_date_range(request),
    )


def _facet_counts(matches: Matches, request: SearchRequest):
    """Counts for every facet; a facet with selected values is counted with the other
    facets' filters only, so its other values stay visible with honest counts."""
    return tuple(
        facet.result(
            _counts(matches, facet, request.selected(facet.name)), request.selected(facet.name)
        )
        for facet in FACETS
    )


def _counts(matches: Matches, facet, selected) -> dict[str, int]:
    if facet.shown is not None and facet.multi_valued:
        # Thousands of values (people, places): only the most frequent are listed.
        return matches.top_counts(facet.field, facet.shown, selected, without=facet.field)
    return matches.counts(facet.field, without=facet.field)


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


def _ranked(matches: Matches, request: SearchRequest, browsing: bool):
    """(document number, score) of the requested page's hits."""
    limit = request.page * request.per_page
    return in_order(matches, request.sort, browsing, limit)[limit - request.per_page :]


def in_order(matches: Matches, sort: str, browsing: bool, limit: int):
    """(document number, score) of the first ``limit`` matches in the requested order."""
    if sort == "relevance" and not browsing:
        return matches.by_relevance(limit)
    if sort == "title":
        return [(docnum, 0.0) for docnum in matches.by_title(limit)]
    newest_first = sort != "oldest"
    return [(docnum, 0.0) for docnum in matches.by_date(newest_first, limit)]


def _thesaurus(request: SearchRequest):
    """The labels of the thesaurus as it is now, when the request needs them."""
    if not (request.expand or request.concept):
        return None
    return label_index(catalogue().thesaurus())


def _expanded(parsed: ParsedQuery, labels, request: SearchRequest, reader):
    """The parsed query with other names of the concepts it names and its names in other
    scripts (when asked), and narrowed to the request's concept."""
    query, expansions, names = parsed.query, (), ()
    if request.expand and labels is not None and not parsed.browse_all:
        query, expansions = expand(parsed.query, labels, parsed.runs)
        query, names = with_names(query, parsed.text, reader)
    if request.concept and labels is not None:
        about = concept_query(request.concept, labels)
        query = about if parsed.browse_all else whoosh_query.And([query, about])
        reading = "browse" if parsed.browse_all else parsed.reading
        parsed = replace(parsed, browse_all=False, reading=reading)
    return replace(parsed, query=query), expansions, names


@dataclass(frozen=True)
class Found:
    """What a query matches in one index, read as the public search reads it."""

    parsed: ParsedQuery  # the query as typed, read
    query: object  # the Whoosh query that was run (maybe looser, maybe expanded)
    matches: Matches
    reading: str
    notes: tuple[str, ...]
    expansions: tuple
    names: tuple  # names.NameAlternatives: words also matched in other scripts
    suggestion: str | None
    labels: object  # expansion.LabelIndex, when the request needed the thesaurus


def find(
    request: SearchRequest, searcher, loosen: bool = True, read_as: ParsedQuery | None = None
) -> Found:
    """Read the request's query (unless the caller has: ``read_as``) and find its matches,
    filtered, in ``searcher``'s index; when a question or an operator query finds nothing,
    a looser reading of it (unless ``loosen`` is false)."""
    reader = searcher.reader()
    labels = _thesaurus(request)
    if read_as is None:
        read_as = read(request.query, searcher.schema, reader)
    parsed, expansions, names = _expanded(read_as, labels, request, reader)
    notes = list(parsed.notes)
    query = parsed.query
    reading = "browse" if parsed.browse_all else parsed.reading
    matches = _matches(searcher, parsed, query, request)
    # Suggest when the query as typed finds nothing, even if looser matching does.
    suggestion = (
        suggest(parsed.text, searcher) if not matches.total and not parsed.browse_all else None
    )
    if loosen and not matches.total and reading in ("all", "operators"):
        if reading == "operators":
            # Brackets, dashes or quotes read as operators can make a query impossible:
            # search the words alone.
            looser = words_alone(request.query, searcher.schema, parsed, reader=reader)
            note = gettext(
                "Nothing matched the query read with its operators; searched its words alone."
            )
        elif len(significant_words(parsed.text)) > 1:
            # A pasted question rarely has every word in one document: rank by how many
            # words (and how well) each entry matches instead.
            looser = parse(request.query, searcher.schema, match_any=True, reader=reader)
            note = gettext("No entry contains all of your words; showing entries with some.")
        else:
            looser = None
        if looser is not None and not looser.browse_all:
            looser, looser_expansions, looser_names = _expanded(looser, labels, request, reader)
            looser_matches = _matches(searcher, looser, looser.query, request)
            if looser_matches.total:
                query, matches, reading = looser.query, looser_matches, looser.reading
                expansions, names = looser_expansions, looser_names
                notes.append(note)
    if reading == "question" and request.sort == "relevance":
        _reorder_by_feedback(matches, query, searcher)
    return Found(
        parsed, query, matches, reading, tuple(notes), expansions, names, suggestion, labels
    )


def _reorder_by_feedback(matches: Matches, question, searcher):
    """A question's matches reordered with the words its best entries share
    (``feedback.py``): the same entries, in a better order."""
    # The index's statistics as the question's scoring read them (each looked up once).
    statistics = matches.statistics
    if feedback.is_specific(question, statistics):
        return
    best = matches.by_relevance(feedback.FEEDBACK_ENTRIES)
    if not best:
        return
    ids = ids_of_entries(searcher, [docnum for docnum, _ in best])
    texts = catalogue().texts(ids, feedback.TEXT_CHARACTERS)
    scored_texts = [
        (score, texts[entry_id])
        for entry_id, (_, score) in zip(ids, best, strict=True)
        if entry_id in texts
    ]
    words = feedback.feedback_query(
        question, scored_texts, searcher.schema["body"].analyzer, statistics
    )
    if words:
        matches.add_scores(words, feedback.RERANKED)


def execute(request: SearchRequest, searcher) -> SearchPage:
    found = find(request, searcher)
    parsed, matches = found.parsed, found.matches
    ranked = _ranked(matches, request, browsing=parsed.browse_all)
    entry_ids = ids_of_entries(searcher, [docnum for docnum, _ in ranked])
    entries = catalogue().entries(entry_ids) if request.load_entries else {}
    words = (
        searched_words(matches.query, searcher.reader()) | words_of_forms(found.names)
        if request.snippets and not parsed.browse_all
        else frozenset()
    )
    snippets = SnippetMaker(words, searcher.schema["body"].analyzer)
    hits = tuple(
        SearchHit(entry, score, snippets.snippet(entry) if request.snippets else "")
        for entry_id, (_, score) in zip(entry_ids, ranked, strict=True)
        if (entry := entries.get(entry_id)) is not None
    )
    facets = _facet_counts(matches, request) if request.facets else ()
    labels = found.labels
    return SearchPage(
        request=request,
        hits=hits,
        total=matches.total,
        facets=facets,
        timeline=_timeline(facets),
        suggestion=found.suggestion,
        notes=found.notes,
        searched_query=parsed.text,
        reading=found.reading,
        expansions=found.expansions,
        names=found.names,
        concept=labels.thesaurus.concepts_by_key.get(request.concept) if labels else None,
        entry_ids=tuple(entry_ids),
    )
