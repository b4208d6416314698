"""Editors' own account pages, under the admin's address (``accounts:`` names)."""

from django.urls import path

from archive.web import accounts

urlpatterns = [
    path("two-factor/setup/", accounts.setup, name="setup"),
    path("two-factor/verify/", accounts.verify, name="verify"),
    path("two-factor/recovery-codes/", accounts.new_recovery_codes, name="recovery_codes"),
    path("sessions/", accounts.sessions, name="sessions"),
]
