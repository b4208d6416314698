"""OpenSearch: a description document browsers read to add the archive as a search
engine (``/opensearch.xml``, announced on every page), and search suggestions
(``/suggest?q=…``, ``application/x-suggestions+json``) from the archive's own
vocabulary: the thesaurus's names in the three languages, then the titles of published
entries (found by the search engine), both by the start of what was typed."""

import json
import re
from xml.sax.saxutils import escape, quoteattr

from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.cache import cache_control

from archive import search
from archive.models import Entry
from archive.thesaurus.models import ConceptLabel, fold
from archive.web.ratelimits import rate_limited

SUGGESTIONS = 10
MAX_TYPED = 100


@cache_control(max_age=86400, public=True)
def description(request):
    root = request.build_absolute_uri("/").rstrip("/")
    search = root + reverse("archive:search") + "?q={searchTerms}"
    feed = root + reverse("archive:feed") + "?q={searchTerms}"
    suggest = root + reverse("opensearch-suggest") + "?q={searchTerms}"
    document = f"""<?xml version="1.0" encoding="UTF-8"?>
<OpenSearchDescription xmlns="http://a9.com/-/spec/opensearch/1.1/">
  <ShortName>RJ Archive</ShortName>
  <Description>{escape(gettext("Documents on Russia–Japan relations"))}</Description>
  <InputEncoding>UTF-8</InputEncoding>
  <Language>en</Language>
  <Language>ru</Language>
  <Language>ja</Language>
  <Url type="text/html" method="get" template={quoteattr(search)}/>
  <Url type="application/atom+xml" template={quoteattr(feed)}/>
  <Url type="application/x-suggestions+json" template={quoteattr(suggest)}/>
</OpenSearchDescription>
"""
    return HttpResponse(document, content_type="application/opensearchdescription+xml")


@rate_limited("suggest", "api")
def suggestions(request):
    typed = " ".join(request.GET.get("q", "").split())[:MAX_TYPED]
    if len(typed) < 2:
        return _json([typed, []])
    found: list[str] = []
    labels = (
        ConceptLabel.objects.filter(folded__startswith=fold(typed))
        .order_by("text")
        .values_list("text", flat=True)[:SUGGESTIONS]
    )
    found += [label for label in labels if label not in found]
    if len(found) < SUGGESTIONS:
        found += [title for title in _titles(typed, SUGGESTIONS) if title not in found]
    return _json([typed, found[:SUGGESTIONS]])


def _titles(typed: str, limit: int) -> list[str]:
    """Titles of published entries whose title has the words typed, the last one as a
    start of a word: asked of the search engine (a LIKE over every title grows with the
    archive), best first."""
    words = re.findall(r"\w+", typed)
    if not words:
        return []
    query = " ".join([*(f"title:{word}" for word in words[:-1]), f"title:{words[-1]}*"])
    page = search.search(
        search.SearchRequest(
            query=query,
            per_page=limit,
            facets=False,
            snippets=False,
            expand=False,
            load_entries=False,
        )
    )
    titles = dict(Entry.objects.filter(pk__in=page.entry_ids).values_list("pk", "title"))
    return [titles[entry_id] for entry_id in page.entry_ids if entry_id in titles]


def _json(data) -> HttpResponse:
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False), content_type="application/x-suggestions+json"
    )
    response["Cache-Control"] = "public, max-age=300"
    return response
