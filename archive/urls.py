from django.urls import path

from archive import api, views

app_name = "archive"

urlpatterns = [
    path("", views.search_page, name="search"),
    path("entries/<int:entry_id>/", views.entry_detail, name="entry-bare"),
    path("entries/<int:entry_id>/<str:slug>/", views.entry_detail, name="entry"),
    path("api/search/", api.search_view, name="api-search"),
    path("api/entries/<int:entry_id>/", api.entry_view, name="api-entry"),
]
