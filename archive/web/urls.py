"""The archive's pages, API and downloads (mounted under each interface language)."""

from django.urls import path, re_path

from archive.capture.downloads import original_view
from archive.web import api, citation_downloads, concepts, entities, feeds, lists, replay, views

app_name = "archive"

urlpatterns = [
    path("", views.search_page, name="search"),
    path("entries/<int:entry_id>/", views.entry_detail, name="entry-bare"),
    path("entries/<int:entry_id>/v/<int:number>/", views.version_detail, name="version"),
    path(
        "entries/<int:entry_id>/v/<int:number>/cite.<str:fmt>",
        citation_downloads.version_citation,
        name="version-citation",
    ),
    path(
        "entries/<int:entry_id>/cite.<str:fmt>", citation_downloads.entry_citation, name="citation"
    ),
    path(
        "entries/<int:entry_id>/originals/<str:sha256>/",
        original_view,
        name="original",
    ),
    path(
        "entries/<int:entry_id>/archived/<str:sha256>/",
        replay.archived_copy,
        name="archived-copy",
    ),
    path("entries/<int:entry_id>/<str:slug>/", views.entry_detail, name="entry"),
    path("cite.<str:fmt>", citation_downloads.search_citations, name="search-citations"),
    # A researcher's list (archive/web/lists.py): in the session, then shared for good.
    path("my-list/", lists.my_list_page, name="my-list"),
    path("my-list/add/", lists.add, name="my-list-add"),
    path("my-list/add-all/", lists.add_all, name="my-list-add-all"),
    path("my-list/remove/", lists.remove, name="my-list-remove"),
    path("my-list/move/", lists.move, name="my-list-move"),
    path("my-list/clear/", lists.clear, name="my-list-clear"),
    path("my-list/note/", lists.note, name="my-list-note"),
    path("my-list/share/", lists.share_list, name="my-list-share"),
    path("my-list/cite.<str:fmt>", lists.my_list_export, name="my-list-export"),
    path("lists/<str:key>/", lists.shared_list_page, name="shared-list"),
    path("lists/<str:key>/cite.<str:fmt>", lists.shared_list_export, name="shared-list-export"),
    path("feed/", feeds.search_feed, name="feed"),
    path("concepts/", concepts.concept_list, name="concepts"),
    path("concepts/<slug:key>/", concepts.concept_detail, name="concept"),
    re_path(
        r"^(?P<kind_path>people|places|organizations)/(?P<key>[-a-zA-Z0-9_]+)/$",
        entities.entity_detail,
        name="entity",
    ),
    path("api/search/", api.search_view, name="api-search"),
    path("api/entries/<int:entry_id>/", api.entry_view, name="api-entry"),
    path("api/entries/<int:entry_id>/related/", api.related_view, name="api-related"),
]
