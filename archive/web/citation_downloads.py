"""Citation downloads: one entry, one version, or a whole result list."""

from collections import defaultdict

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404

from archive import citations
from archive.models import Entry, EntryVersion, Status, Topic
from archive.selectors import EntryState, entry_for_visitor
from archive.web.languages import permalink, permalinks
from archive.web.ratelimits import rate_limited
from archive.web.searching import answers_search_errors, as_text, run, search_request_from

EXPORT_LIMIT = 500
CITATION_UNREAD = ("body", "raw_capture", "body_fingerprint")  # texts a citation never quotes


def _download(records, fmt: str, filename: str) -> HttpResponse:
    if fmt not in citations.FORMATS:
        raise Http404("Unknown citation format.")
    content_type, render = citations.FORMATS[fmt]
    response = HttpResponse(render(records), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


def _visible_entry(request, entry_id):
    entry, state, _ = entry_for_visitor(request.user, entry_id)
    if state != EntryState.VISIBLE:
        raise Http404("No published entry has this id.")
    return entry


def entry_citation(request, entry_id: int, fmt: str):
    entry = _visible_entry(request, entry_id)
    url = request.build_absolute_uri(permalink(entry))
    return _download([citations.record_for_entry(entry, url)], fmt, f"rjarchive-{entry.pk}")


def version_citation(request, entry_id: int, number: int, fmt: str):
    entry = _visible_entry(request, entry_id)
    version = get_object_or_404(EntryVersion, entry=entry, number=number)
    url = request.build_absolute_uri(permalink(version))
    record = citations.record_for_version(version, url)
    return _download([record], fmt, f"rjarchive-{entry.pk}-v{number}")


def topic_paths_of(entry_ids) -> dict[int, list[str]]:
    """Each entry's topics as paths ("Economy › Energy"), for many entries in two
    queries: the topics (a few hundred) once, and the entries' links to them."""
    paths = {topic.pk: str(topic) for topic in Topic.objects.select_related("parent__parent")}
    found = defaultdict(list)
    links = Entry.topics.through.objects.filter(entry_id__in=entry_ids)
    for entry_id, topic_id in links.values_list("entry_id", "topic_id"):
        found[entry_id].append(paths[topic_id])
    return found


@rate_limited("export", "text")
@answers_search_errors(as_text)
def search_citations(request, fmt: str):
    """Citations for a search's results (the first EXPORT_LIMIT, in the search's order)."""
    built = search_request_from(
        request.GET,
        strict=True,
        page=1,
        per_page=EXPORT_LIMIT,
        snippets=False,
        facets=False,
        load_entries=False,
    )
    page = run(built)
    records = records_of(request, citable_entries(page.entry_ids))
    return _download(records, fmt, "rjarchive-search")


def citable_entries(entry_ids) -> list[Entry]:
    """The published ones of these entries, in the order given, with everything a
    citation reads, for all at once (not a few queries each); never their texts, which a
    citation does not quote."""
    found = (
        Entry.objects.filter(status=Status.PUBLISHED)
        .defer(*CITATION_UNREAD)
        .select_related("source")
        .prefetch_related("identifiers")
        .in_bulk(list(entry_ids))
    )
    return [found[entry_id] for entry_id in entry_ids if entry_id in found]


def records_of(request, entries: list[Entry]) -> list:
    """Citation records of many entries (``citable_entries``): their topics' paths and
    archived copies read for all of them at once."""
    ids = [entry.pk for entry in entries]
    paths = topic_paths_of(ids)
    archived = citations.archived_copies(ids)
    return [
        citations.record_for_entry(
            entry, request.build_absolute_uri(path), paths[entry.pk], archived.get(entry.pk)
        )
        for entry, path in zip(entries, permalinks(entries), strict=True)
    ]
