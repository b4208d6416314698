"""Public pages: thin views that call selectors and render templates."""

from django.http import Http404
from django.shortcuts import redirect, render

from archive.selectors import published_entries, visible_entries


def home(request):
    entries = published_entries()
    return render(request, "archive/home.html", {"entries": entries})


def entry_detail(request, entry_id: int, slug: str | None = None):
    entry = visible_entries(request.user).filter(pk=entry_id).first()
    if entry is None:
        raise Http404("No published entry has this id.")
    if slug != entry.slug:
        return redirect(entry.get_absolute_url(), permanent=True)
    return render(request, "archive/entry_detail.html", {"entry": entry})
