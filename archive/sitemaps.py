"""The sitemap: published entries only."""

from django.contrib.sitemaps import Sitemap

from archive.selectors import published_entries


class EntrySitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return published_entries().order_by("pk")

    def lastmod(self, entry):
        return entry.updated_at
