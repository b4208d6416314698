from django.urls import path

from archive import views

app_name = "archive"

urlpatterns = [
    path("", views.home, name="home"),
    path("entries/<int:entry_id>/", views.entry_detail, name="entry-bare"),
    path("entries/<int:entry_id>/<str:slug>/", views.entry_detail, name="entry"),
]
