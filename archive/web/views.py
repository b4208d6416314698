"""Public pages: thin views that validate parameters, make one call, and render."""

from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.safestring import mark_safe

from archive import citations, search
from archive.capture.downloads import downloadable_originals
from archive.dates import display_day
from archive.models import EntryVersion
from archive.selectors import EntryState, entry_for_visitor
from archive.services.versions import snapshot
from archive.web.documents import FIELD_LABELS, DocumentView, changed_fields, word_diff
from archive.web.forms import SearchForm
from archive.web.languages import permalink
from archive.web.metadata_links import metadata_links
from archive.web.presentation import FACET_VALUES_SHOWN, present
from archive.web.ratelimits import rate_limited
from archive.web.search_context import HIGHLIGHT, results_of, search_context

SEARCH_TEMPLATE = "archive/search.html"


def _wants_search_body(request) -> bool:
    """An htmx request that replaces the results region (not a history restore)."""
    htmx = request.htmx
    return bool(htmx) and not htmx.history_restore_request and htmx.target == "search-body"


@rate_limited("search", "page")
def search_page(request):
    form = SearchForm(request.GET)
    context = {"form": form, "query": request.GET.get("q", "")}
    status, retry_after = 200, None
    if form.is_valid():
        result = search.search(form.to_request())
        context.update(present(result, form.expanded_facets, limit=FACET_VALUES_SHOWN))
        context["ignored"] = form.ignored
        if not result.available:
            status, retry_after = 503, result.retry_after
    else:
        status = 400
    partial = _wants_search_body(request)
    template = f"{SEARCH_TEMPLATE}#htmx-update" if partial else SEARCH_TEMPLATE
    response = render(request, template, context, status=status)
    if partial and "search_url" in context:
        # The address bar shows the canonical URL, not the form's empty fields.
        response["HX-Push-Url"] = context["search_url"]
    if retry_after:
        response["Retry-After"] = str(retry_after)
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


def _unavailable(request, state, entry, tombstone):
    """The page for an entry that is not (or no longer) public: 410 if it was, else 404."""
    if state == EntryState.NOT_FOUND:
        raise Http404("No published entry has this id.")
    title = entry.display_title if entry else tombstone.title
    context = {"title": title, "deleted": tombstone is not None, "tombstone": tombstone}
    if tombstone is not None and tombstone.deleted_at:
        context["deleted_on"] = display_day(tombstone.deleted_at.date())
    return render(request, "archive/entry_gone.html", context, status=410)


def _versions_context(entry, current_number=None):
    versions = list(entry.versions.only("number", "created_at", "entry_id"))
    latest = versions[-1] if versions else None
    return {
        "versions": versions,
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
    way back, and the searched words marked in its text unless turned off."""
    params = request.GET
    context = None if version else search_context(entry, params)
    query = params.get("q", "")[:500]
    highlight = bool(query.strip()) and params.get(HIGHLIGHT) != "0"
    texts = [document.summary, *document.paragraphs]
    marked = search.mark_searched_words(
        texts, query if highlight else "", expand=params.get("expand") != "0"
    )
    switched = params.copy()
    if highlight:
        switched[HIGHLIGHT] = "0"
    else:
        switched.pop(HIGHLIGHT, None)
    return {
        "query": query,
        "search_context": context,
        "results_url": context.results_url if context else results_of(params),
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
