"""Root URLs: the public archive and the editors' admin."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _

from archive.web import opensearch, replay, sitemaps
from archive.web.oai.views import endpoint as oai_endpoint
from archive.web.views import health

admin.site.site_header = _("RJ Archive editors")
admin.site.site_title = _("RJ Archive admin")
admin.site.index_title = _("Archive curation")
# The change lists are wide (title, date, source, status, language, type): give them room.
admin.site.enable_nav_sidebar = False

urlpatterns = [
    # Before the admin's own: its catch-all would take them. Reached before a staff session
    # is verified with a second factor (archive/accounts/middleware.py).
    path(f"{settings.ADMIN_URL}account/", include(("archive.web.account_urls", "accounts"))),
    path(settings.ADMIN_URL, admin.site.urls),
    path("healthz", health, name="health"),
    # A sitemap index and its files of at most 50,000 entries (?p=2, 3, … beyond that).
    path("sitemap.xml", sitemaps.index, name="sitemap"),
    path("sitemap-<slug:section>.xml", sitemaps.section, name="sitemap-section"),
    path("robots.txt", sitemaps.robots_txt, name="robots"),
    # Browsers ask for /favicon.ico whatever the page names: the archive's icon.
    path("favicon.ico", sitemaps.favicon, name="favicon"),
    # OAI-PMH 2.0 for harvesters (one address, whatever the interface's language).
    path("oai", oai_endpoint, name="oai"),
    # Browsers add the archive as a search engine from this, with suggestions as typed.
    path("opensearch.xml", opensearch.description, name="opensearch"),
    path("suggest", opensearch.suggestions, name="opensearch-suggest"),
    # Captured web pages replayed by ReplayWeb.page, only on ARCHIVE_REPLAY_ORIGIN
    # (archive/web/replay.py): its two files, the viewer, and the capture it reads.
    path("replay/sw/", replay.index, name="replay-index"),
    path("replay/sw/index.html", replay.index),
    path("replay/sw/<str:name>", replay.asset, name="replay-asset"),
    re_path(r"^replay/(?P<sha256>[0-9a-f]{64})/$", replay.viewer, name="replay"),
    re_path(
        r"^replay/(?P<sha256>[0-9a-f]{64})/capture\.(?P<suffix>wacz|warc\.gz)$",
        replay.capture_file,
        name="replay-file",
    ),
    # The language switcher posts here; it remembers the choice in a cookie.
    path("i18n/", include("django.conf.urls.i18n")),
]
# Every page in English at the address it always had, and in Russian and Japanese under
# /ru/ and /ja/ (the API and citation downloads answer the same under any of them).
urlpatterns += i18n_patterns(path("", include("archive.web.urls")), prefix_default_language=False)
