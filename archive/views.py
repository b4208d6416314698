"""Public pages: thin views that validate parameters, make one call, and render."""

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers

from archive import search
from archive.forms import SearchForm
from archive.presentation import present
from archive.selectors import visible_entries

SEARCH_TEMPLATE = "archive/search.html"


def _wants_search_body(request) -> bool:
    """An htmx request that replaces the results region (not a history restore)."""
    htmx = request.htmx
    return bool(htmx) and not htmx.history_restore_request and htmx.target == "search-body"


def search_page(request):
    form = SearchForm(request.GET)
    context = {"form": form, "query": request.GET.get("q", "")}
    status = 200
    if form.is_valid():
        result = search.search(form.to_request())
        context.update(present(result))
        context["ignored"] = form.ignored
        if not result.available:
            status = 503
    else:
        status = 400
    partial = _wants_search_body(request)
    template = f"{SEARCH_TEMPLATE}#htmx-update" if partial else SEARCH_TEMPLATE
    response = render(request, template, context, status=status)
    if partial and "search_url" in context:
        # The address bar shows the canonical URL, not the form's empty fields.
        response["HX-Push-Url"] = context["search_url"]
    if status == 503:
        response["Retry-After"] = "30"
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


def entry_detail(request, entry_id: int, slug: str | None = None):
    entry = visible_entries(request.user).filter(pk=entry_id).first()
    if entry is None:
        raise Http404("No published entry has this id.")
    if slug != entry.slug:
        target = entry.get_absolute_url()
        if request.GET:
            target += "?" + request.GET.urlencode()
        return redirect(target, permanent=True)
    query = request.GET.get("q", "")[:500]
    paragraphs = [part.strip() for part in entry.body.split("\n\n") if part.strip()]
    context = {
        "entry": entry,
        "query": query,
        "paragraphs": search.highlight_paragraphs(paragraphs, query),
    }
    return render(request, "archive/entry_detail.html", context)
