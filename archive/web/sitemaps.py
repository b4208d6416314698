"""The files a site serves at its root: the sitemap (an index of files of at most 50,000
published entries each, the protocol's limit, cached, with Last-Modified for conditional
requests), robots.txt, which names it, and /favicon.ico. The XML is written straight
from a few columns: Django's sitemap framework renders a template per URL, too slow for
files of 50,000."""

from dataclasses import dataclass
from datetime import datetime
from functools import wraps
from xml.sax.saxutils import escape

from django.conf import settings
from django.db.models import Max
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.middleware.http import ConditionalGetMiddleware
from django.templatetags.static import static
from django.urls import reverse
from django.utils.encoding import iri_to_uri
from django.utils.http import http_date
from django.views.decorators.cache import cache_page
from django.views.decorators.http import require_GET

from archive.models import Entry, Status
from archive.web.languages import neutral_reverse

URLS_PER_FILE = 50_000  # the sitemap protocol's limit
SITEMAP_SECONDS = 15 * 60  # how long a sitemap file is served from the cache
NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"
SECTION = "entries"


@dataclass(frozen=True)
class SitemapFile:
    number: int  # from 1
    lastmod: datetime | None  # its newest entry's last change


def _published():
    return Entry.objects.filter(status=Status.PUBLISHED)


def sitemap_files() -> list[SitemapFile]:
    """The published entries in files of URLS_PER_FILE, by id, with each file's newest
    change: each file's last id found from the previous file's (a step of URLS_PER_FILE
    through the covering index, never an offset from the start, which made the whole
    index cost the square of the entries) and its newest change read from the same
    index, never the whole list of ids."""
    ids = _published().order_by("pk").values_list("pk", flat=True)
    files, previous = [], 0
    while True:
        following = ids.filter(pk__gt=previous)
        # Slices, not indexes: the file may be the last, shorter one.
        first = list(following[:1])
        if not first:
            break
        last = list(following[URLS_PER_FILE - 1 : URLS_PER_FILE])
        within = _published().filter(pk__gte=first[0])
        if last:
            within = within.filter(pk__lte=last[0])
        newest = within.aggregate(Max("updated_at"))
        files.append(SitemapFile(len(files) + 1, newest["updated_at__max"]))
        if not last:
            break
        previous = last[0]
    return files


def _entries_url(request) -> str:
    """The permalinks' common start, absolute ("https://…/entries/")."""
    path = neutral_reverse("archive:entry-bare", [1]).removesuffix("1/")
    return request.build_absolute_uri(path)


def _file_url(request, number: int) -> str:
    url = request.build_absolute_uri(reverse("sitemap-section", args=[SECTION]))
    return url if number == 1 else f"{url}?p={number}"


def _xml(lines: list[str], lastmod: datetime | None) -> HttpResponse:
    response = HttpResponse(
        '<?xml version="1.0" encoding="UTF-8"?>\n' + "\n".join(lines) + "\n",
        content_type="application/xml; charset=utf-8",
    )
    if lastmod is not None:
        response["Last-Modified"] = http_date(lastmod.timestamp())
    response["X-Robots-Tag"] = "noindex"  # the sitemap itself is not a page to list
    return response


def index_view(request):
    files = sitemap_files()
    lines = [f'<sitemapindex xmlns="{NAMESPACE}">']
    for sitemap_file in files or [SitemapFile(1, None)]:
        lastmod = sitemap_file.lastmod
        when = f"<lastmod>{lastmod.isoformat()}</lastmod>" if lastmod else ""
        lines.append(
            f"<sitemap><loc>{escape(_file_url(request, sitemap_file.number))}</loc>{when}</sitemap>"
        )
    lines.append("</sitemapindex>")
    newest = max((f.lastmod for f in files if f.lastmod), default=None)
    return _xml(lines, newest)


def section_view(request, section: str):
    if section != SECTION:
        raise Http404("No such sitemap.")
    try:
        number = int(request.GET.get("p", "1"))
    except ValueError:
        raise Http404("No such sitemap page.") from None
    if number < 1:
        raise Http404("No such sitemap page.")
    start = (number - 1) * URLS_PER_FILE
    # One query, through the covering index: the file's entries and their last changes.
    rows = list(
        _published()
        .order_by("pk")
        .values_list("pk", "slug", "updated_at")[start : start + URLS_PER_FILE]
    )
    if not rows and number != 1:
        raise Http404("No such sitemap page.")
    base = _entries_url(request)
    lines = [f'<urlset xmlns="{NAMESPACE}">']
    lines += [
        f"<url><loc>{escape(iri_to_uri(f'{base}{pk}/{slug}/'))}</loc>"
        f"<lastmod>{updated:%Y-%m-%d}</lastmod><changefreq>monthly</changefreq></url>"
        for pk, slug, updated in rows
    ]
    lastmod = max((updated for _, _, updated in rows), default=None)
    lines.append("</urlset>")
    return _xml(lines, lastmod)


_conditional = ConditionalGetMiddleware(lambda request: None)


def _served(view):
    """Cached, answering If-Modified-Since with 304 (checked after the cache, so that a
    cached file is answered the same way)."""
    cached = cache_page(SITEMAP_SECONDS)(view)

    @require_GET
    @wraps(view)
    def serve(request, *args, **kwargs):
        return _conditional.process_response(request, cached(request, *args, **kwargs))

    return serve


index = _served(index_view)
section = _served(section_view)


@require_GET
def robots_txt(request):
    """Where crawlers may go, and where the sitemap is."""
    lines = [
        "User-agent: *",
        f"Disallow: /{settings.ADMIN_URL}",
        "Disallow: /api/",
        "Disallow: /cite.",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_GET
def favicon(request):
    """The icon browsers ask for at the site's root, wherever it is served from."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))
