"""Recover an account that lost its second factor: remove its devices and end its
sessions, so that its next sign-in sets a new one up."""

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils.translation import gettext

from archive.accounts import sessions as staff_sessions
from archive.accounts.models import StaffSession
from archive.accounts.second_factor import remove_second_factor
from archive.audit import record_account_event
from archive.management.base import ArchiveCommand


class Command(ArchiveCommand):
    help = (
        "Remove an account's second factor (authenticator app and recovery codes) and end "
        "its sessions: its next sign-in, with its password, leads it to set up a new one. "
        "For an editor who lost both; check who is asking first."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        try:
            user = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(
                gettext("No account is named %(name)s.") % {"name": username}
            ) from None
        removed = remove_second_factor(user)
        ended = staff_sessions.end(StaffSession.objects.filter(user=user))
        record_account_event(user, "second factor removed, sessions ended (reset_second_factor)")
        self.stdout.write(
            gettext(
                "%(name)s: %(devices)d second-factor devices removed, %(sessions)d sessions "
                "ended. The next sign-in sets up a new second factor."
            )
            % {"name": username, "devices": removed, "sessions": ended}
        )
