"""Root URLs: the public archive and the editors' admin."""

from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "RJ Archive editors"
admin.site.site_title = "RJ Archive admin"
admin.site.index_title = "Archive curation"
# The change lists are wide (title, date, source, status, language, type): give them room.
admin.site.enable_nav_sidebar = False

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("archive.urls")),
]
