"""Public pages: thin views that validate parameters, make one call, and render."""

from dataclasses import dataclass

from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.safestring import mark_safe

from archive import citations, search
from archive.capture.downloads import downloadable_originals
from archive.capture.replays import replay_origin
from archive.dates import display_day
from archive.models import EntryVersion
from archive.selectors import EntryState, entry_for_visitor
from archive.services.versions import snapshot
from archive.web.documents import FIELD_LABELS, DocumentView, changed_fields, word_diff
from archive.web.languages import permalink
from archive.web.metadata_links import metadata_links
from archive.web.presentation import FACET_VALUES_SHOWN, present
from archive.web.ratelimits import rate_limited
from archive.web.replay import archived_copies
from archive.web.search_context import (
    HIGHLIGHT,
    neighbourhood,
    position_of,
    results_of,
    search_context,
    search_of,
)
from archive.web.searching import (
    InvalidParameters,
    answers_search_errors,
    run,
    search_request_from,
)

SEARCH_TEMPLATE = "archive/search.html"
TYPING_HEADER = "X-Search-Typing"  # set by static/js/search.js on a request made as one types


def _wants_search_body(request) -> bool:
    """An htmx request that replaces the results region (not a history restore)."""
    htmx = request.htmx
    return bool(htmx) and not htmx.history_restore_request and htmx.target == "search-body"


def _search_page(request, context: dict, status: int = 200):
    """The search page, whole or (for htmx) its results region alone."""
    context = {"query": request.GET.get("q", ""), **context}
    partial = _wants_search_body(request)
    template = f"{SEARCH_TEMPLATE}#htmx-update" if partial else SEARCH_TEMPLATE
    response = render(request, template, context, status=status)
    if partial and "search_url" in context:
        # The address bar shows the canonical URL, not the form's empty fields; typing
        # replaces it, anything else adds a step to the history.
        typing = request.headers.get(TYPING_HEADER) == "1"
        response["HX-Replace-Url" if typing else "HX-Push-Url"] = context["search_url"]
    patch_vary_headers(response, ["HX-Request", "HX-Target", TYPING_HEADER])
    return response


def _search_page_error(request, error, status: int):
    """A 400 shows the form and what is wrong; a 503 the search with its note."""
    if isinstance(error, InvalidParameters):
        return _search_page(request, {"form": error.form}, status)
    built = error.built
    results = present(error.page, built.expanded_facets, limit=FACET_VALUES_SHOWN)
    context = {"form": built.form, "ignored": built.ignored, **results.as_context()}
    return _search_page(request, {**context, "date_problems": built.date_problems}, status)


@rate_limited("search", "page")
@answers_search_errors(_search_page_error)
def search_page(request):
    built = search_request_from(request.GET, dates_aside=True)
    results = present(run(built), built.expanded_facets, limit=FACET_VALUES_SHOWN)
    context = {"form": built.form, "ignored": built.ignored, **results.as_context()}
    return _search_page(request, {**context, "date_problems": built.date_problems})


def _unavailable(request, state, entry, tombstone):
    """The page for an entry that is not (or no longer) public: 410 if it was, else 404."""
    if state == EntryState.NOT_FOUND:
        raise Http404("No published entry has this id.")
    title = entry.display_title if entry else tombstone.title
    context = {"title": title, "deleted": tombstone is not None, "tombstone": tombstone}
    if tombstone is not None and tombstone.deleted_at:
        context["deleted_on"] = display_day(tombstone.deleted_at.date())
    return render(request, "archive/entry_gone.html", context, status=410)


@dataclass(frozen=True)
class VersionLink:
    number: int
    saved_on: str  # the day, written as every date of the interface is
    url: str


def _versions_context(entry, current_number=None):
    versions = list(entry.versions.only("number", "created_at", "entry_id"))
    latest = versions[-1] if versions else None
    return {
        "versions": [
            VersionLink(item.number, display_day(item.created_at.date()), item.get_absolute_url())
            for item in versions
        ],
        "latest_version": latest,
        "current_number": current_number or (latest.number if latest else None),
    }


def _when(moment) -> str:
    """A moment as the interface's language writes a day, and the time (UTC)."""
    return f"{display_day(moment.date())}, {moment:%H:%M} UTC"


def _entry_page(request, entry, document, *, version=None):
    """What an entry's or a version's page shows. Its permalink (cited) is the same in
    every language; its canonical address is the page's own, in its language."""
    shown = version or entry
    citation_url = request.build_absolute_uri(permalink(shown))
    record = (
        citations.record_for_version(version, citation_url)
        if version
        else citations.record_for_entry(entry, citation_url)
    )
    return {
        "entry": entry,
        "doc": document,
        "links": metadata_links(entry, document),
        **_reading_context(request, entry, document, version),
        "citations": citations.all_citations(record),
        "highwire": citations.highwire(record),
        "dublin_core": citations.dublin_core(record),
        "json_ld": mark_safe(citations.json_ld_script(citations.json_ld(record))),
        "permalink": citation_url,
        "canonical_url": request.build_absolute_uri(shown.get_absolute_url()),
        "version": version,
        "version_saved": _when(version.created_at) if version else "",
        **_versions_context(entry, version.number if version else None),
    }


def _reading_context(request, entry, document, version) -> dict:
    """Arriving from a search: where the entry stands in it (the current entry only), a
    way back, and the searched words marked in its text unless turned off. The search is
    built once and read once by the engine for both."""
    params = request.GET
    arrived_from = search_of(params) or search.SearchRequest()
    query = arrived_from.query
    highlight = bool(query.strip()) and params.get(HIGHLIGHT) != "0"
    position = None if version else position_of(params)
    texts = [document.summary, *document.paragraphs]
    found = search.entry_in_search(arrived_from, neighbourhood(position), texts, mark=highlight)
    context = search_context(entry, arrived_from, position, found)
    marked = found.marked
    switched = params.copy()
    if highlight:
        switched[HIGHLIGHT] = "0"
    else:
        switched.pop(HIGHLIGHT, None)
    return {
        "query": query,
        "search_context": context,
        "results_url": context.results_url if context else results_of(arrived_from),
        "summary": marked.texts[0],
        "paragraphs": marked.texts[1:],
        "matches": marked.matches if highlight else 0,
        "highlighting": highlight,
        "highlight_switch_url": f"?{switched.urlencode()}" if query.strip() else "",
    }


def entry_detail(request, entry_id: int, slug: str | None = None):
    entry, state, tombstone = entry_for_visitor(request.user, entry_id)
    if state != EntryState.VISIBLE:
        return _unavailable(request, state, entry, tombstone)
    if slug != entry.slug:
        target = entry.get_absolute_url()
        if request.GET:
            target += "?" + request.GET.urlencode()
        return redirect(target, permanent=True)
    document = DocumentView.from_snapshot(snapshot(entry))
    context = _entry_page(request, entry, document)
    context["related"] = search.related_entries(entry)
    context["originals"] = downloadable_originals(entry, request.user)
    context["archived_copies"] = archived_copies(entry, request.user)
    context["replay_available"] = bool(replay_origin())
    return render(request, "archive/entry_detail.html", context)


def version_detail(request, entry_id: int, number: int):
    entry, state, tombstone = entry_for_visitor(request.user, entry_id)
    if state != EntryState.VISIBLE:
        return _unavailable(request, state, entry, tombstone)
    version = get_object_or_404(EntryVersion, entry=entry, number=number)
    document = DocumentView.from_snapshot(version.snapshot)
    context = _entry_page(request, entry, document, version=version)
    previous = entry.versions.filter(number=number - 1).first()
    if previous is not None:
        context["previous"] = previous
        changed = changed_fields(previous.snapshot, version.snapshot)
        context["changed_fields"] = [FIELD_LABELS[key] for key in changed]
        context["title_changed"] = "title" in changed
        context["title_diff"] = word_diff(previous.snapshot["title"], version.snapshot["title"])
        context["body_diff"] = word_diff(previous.snapshot["body"], version.snapshot["body"])
        context["body_changed"] = previous.snapshot["body"] != version.snapshot["body"]
    return render(request, "archive/entry_detail.html", context)


def health(request):
    """For load balancers and monitoring: is the database reachable, is the index readable
    and no further behind the change log than ``ARCHIVE_INDEX_MAX_LAG_SECONDS``?"""
    checks, healthy = {}, True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as error:  # Any failure is reported, never raised.
        checks["database"], healthy = f"error: {type(error).__name__}", False
    status = search.index_status()
    checks["index"] = status["state"]
    checks["indexed_entries"] = status["documents"]
    checks["pending_index_updates"] = status["pending"]
    if status["lag"] is not None:
        checks["index_position"] = status["lag"].position
        checks["change_log_head"] = status["lag"].head
        checks["index_lag_seconds"] = round(status["lag"].seconds, 1)
    healthy = healthy and status["state"] == "ok"
    if status["lagging"]:
        # Searches would miss recent changes here: a load balancer takes the node out.
        checks["index"], healthy = "lagging behind the change log", False
    # A long-held lock leaves searching working but saves unindexed: reported, not failed.
    if status["long_held_locks"]:
        checks["index_locks"] = [lock.describe() for lock in status["long_held_locks"]]
    verdict = "error" if not healthy else "degraded" if status["long_held_locks"] else "ok"
    return JsonResponse({"status": verdict, **checks}, status=200 if healthy else 503)
