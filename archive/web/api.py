"""The JSON API: the search page's parameters in, results and facets out."""

from functools import wraps

from django.conf import settings
from django.http import JsonResponse
from django.utils import translation
from django.views.decorators.http import require_GET

from archive import search
from archive.selectors import published_entries
from archive.web.presentation import present
from archive.web.ratelimits import rate_limited
from archive.web.searching import answers_search_errors, as_json, run, search_request_from
from archive.web.serializers import entry_metadata, entry_summary


def error(message: str, status: int = 400, **details) -> JsonResponse:
    return JsonResponse({"error": message, **details}, status=status)


def in_requested_language(view):
    """Values stay the same in every language; ``lang=ru`` or ``lang=ja`` gives labels,
    notes and dates in that language (English by default)."""

    @wraps(view)
    def answer(request, *args, **kwargs):
        language = request.GET.get("lang") or settings.LANGUAGE_CODE
        if language not in dict(settings.LANGUAGES):
            codes = ", ".join(code for code, _ in settings.LANGUAGES)
            return error(f"lang must be one of: {codes}.", fields={"lang": [language]})
        with translation.override(language):
            return view(request, *args, **kwargs)

    return answer


@rate_limited("api", "api")
@require_GET
@in_requested_language
@answers_search_errors(as_json)
def search_view(request):
    result = run(search_request_from(request.GET, strict=True))
    view = present(result)
    search_request = result.request
    return JsonResponse(
        {
            "query": search_request.query,
            "searched_query": result.searched_query,
            "reading": result.reading,
            "reading_text": result.reading_text,
            "total": result.total,
            "page": search_request.page,
            "per_page": search_request.per_page,
            "page_count": result.page_count,
            "sort": search_request.sort,
            "results": [
                {
                    **entry_summary(hit.entry, request),
                    "score": hit.score,
                    "snippet_html": hit.snippet,
                }
                for hit in result.hits
            ],
            "facets": {
                facet.name: [
                    {
                        "value": value.value,
                        "label": value.label,
                        "count": value.count,
                        "selected": value.selected,
                        "parent": value.parent,
                        "url": request.build_absolute_uri(value.toggle_url),
                    }
                    for value in facet.values
                ]
                for facet in view.facets
            },
            "timeline": [{"year": bar.year, "count": bar.count} for bar in view.timeline],
            "suggestion": result.suggestion,
            "notes": list(result.notes),
            "expand": search_request.expand,
            "also_searched": [
                {
                    "concept": item.expansion.concept_key,
                    "name": item.expansion.concept_name,
                    "labels": list(item.expansion.labels),
                    "narrower": list(item.expansion.narrower),
                    "url": request.build_absolute_uri(item.concept_url),
                }
                for item in view.also_searched
            ],
            "also_matched_in_other_scripts": [
                {"word": names.word, "forms": list(names.forms)} for names in result.names
            ],
            "only_my_words_url": request.build_absolute_uri(view.only_my_words_url)
            if result.expansions or result.names
            else None,
            "canonical_url": request.build_absolute_uri(view.search_url),
        },
        json_dumps_params={"ensure_ascii": False},
    )


@require_GET
@in_requested_language
def entry_view(request, entry_id: int):
    entry = published_entries().prefetch_related("identifiers").filter(pk=entry_id).first()
    if entry is None:
        return error("No published entry has this id.", status=404)
    return JsonResponse(entry_metadata(entry, request), json_dumps_params={"ensure_ascii": False})


@require_GET
@in_requested_language
def related_view(request, entry_id: int):
    entry = published_entries().filter(pk=entry_id).first()
    if entry is None:
        return error("No published entry has this id.", status=404)
    related = search.related_entries(entry)
    return JsonResponse(
        {"entry": entry.pk, "results": [entry_summary(item, request) for item in related]},
        json_dumps_params={"ensure_ascii": False},
    )
