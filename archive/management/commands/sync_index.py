"""Apply queued index updates (left by a process that died or found the index busy)."""

from django.core.management.base import CommandError
from django.utils.translation import gettext

from archive import search
from archive.management.base import ArchiveCommand


class Command(ArchiveCommand):
    help = "Apply every queued search-index update now."

    def handle(self, *args, **options):
        try:
            written = search.apply_pending()
        except (search.IndexBusy, search.IndexUnavailable) as error:
            raise CommandError(
                gettext("Queued updates could not be applied: %(error)s") % {"error": error}
            ) from None
        self.stdout.write(
            self.style.SUCCESS(gettext("Applied %(count)d queued updates.") % {"count": written})
        )
