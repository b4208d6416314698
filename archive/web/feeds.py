"""Atom feeds of searches: ``/feed/?<the search page's parameters>`` gives the newest
matching entries, so a researcher follows a subject in a feed reader.

A reader polls often: each answer carries ``Last-Modified`` (the archive's last change)
and an ``ETag``, and a poll with nothing new since is answered 304 before any search
runs. Only published entries appear (the search sees nothing else).
"""

import datetime
import hashlib

from django.contrib.syndication.views import Feed
from django.db.models import Max
from django.http import HttpResponse
from django.utils.feedgenerator import Atom1Feed
from django.utils.http import http_date, parse_http_date_safe
from django.utils.translation import gettext

from archive.models import Entry, EntryTombstone, Status
from archive.web.languages import permalink
from archive.web.presentation import SearchState
from archive.web.searching import answers_search_errors, as_text, run, search_request_from

FEED_ENTRIES = 20
DC = "http://purl.org/dc/elements/1.1/"


class ArchiveAtomFeed(Atom1Feed):
    """Atom, with each entry's source as ``dc:publisher`` (feed readers show it; Atom's
    own ``source`` element means another feed)."""

    def root_attributes(self):
        return {**super().root_attributes(), "xmlns:dc": DC}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("publisher"):
            handler.addQuickElement("dc:publisher", item["publisher"])


def archive_changed_at():
    """When anything a feed shows last changed (an entry saved or deleted)."""
    saved = Entry.objects.filter(status=Status.PUBLISHED).aggregate(at=Max("updated_at"))["at"]
    deleted = EntryTombstone.objects.aggregate(at=Max("deleted_at"))["at"]
    return max((moment for moment in (saved, deleted) if moment), default=None)


class SearchFeed(Feed):
    feed_type = ArchiveAtomFeed

    def get_object(self, request, search_request):
        return search_request.request

    def title(self, search_request):
        if search_request.query:
            return gettext("RJ Archive: “%(query)s”") % {"query": search_request.query}
        return gettext("RJ Archive: newest entries")

    def subtitle(self, search_request):
        return gettext("The newest entries matching this search.")

    def link(self, search_request):
        return SearchState.from_request(search_request).url()

    def items(self, search_request):
        return [hit.entry for hit in run(self.built).hits]

    def item_title(self, entry):
        return entry.display_title

    def item_description(self, entry):
        return entry.summary or entry.body[:500]

    def item_link(self, entry):
        return permalink(entry)

    def item_guid(self, entry):
        return self.request_root + permalink(entry)

    def item_pubdate(self, entry):
        """The document's own date when it has one (the start of its year or month when
        known no closer). An undated document has no ``published``: the feed never
        invents one (its ``updated`` says when the archive last changed it)."""
        if entry.date:
            return datetime.datetime.combine(entry.date, datetime.time(), tzinfo=datetime.UTC)
        return None

    def feed_url(self, search_request):
        """The feed's own address (``rel="self"``), with its search."""
        return self.full_path

    def item_updateddate(self, entry):
        return entry.updated_at

    def item_author_name(self, entry):
        return "; ".join(entry.author_list) or (entry.source.name if entry.source else None)

    def item_extra_kwargs(self, entry):
        return {"publisher": entry.source.name if entry.source else ""}

    def item_categories(self, entry):
        return [topic.name for topic in entry.topics.all()]

    def __call__(self, request, *args, search_request, **kwargs):
        self.request_root = request.build_absolute_uri("/").rstrip("/")
        self.full_path = request.get_full_path()
        self.built = search_request
        return super().__call__(request, *args, search_request=search_request, **kwargs)


@answers_search_errors(as_text)
def search_feed(request):
    built = search_request_from(
        request.GET, sort="newest", page=1, per_page=FEED_ENTRIES, snippets=False, facets=False
    )
    changed = archive_changed_at()
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    if changed is not None and since is not None and int(changed.timestamp()) <= since:
        return HttpResponse(status=304)
    response = SearchFeed()(request, search_request=built)
    if changed is not None:
        response["Last-Modified"] = http_date(changed.timestamp())
    response["ETag"] = '"' + hashlib.sha256(response.content).hexdigest()[:32] + '"'
    if request.headers.get("If-None-Match") == response["ETag"]:
        return HttpResponse(status=304, headers={"ETag": response["ETag"]})
    return response
