"""Apply the change log to this node's index now (what a process that died, or found
the index busy, left unapplied)."""

from django.core.management.base import CommandError
from django.utils.translation import gettext

from archive import search
from archive.management.base import ArchiveCommand


class Command(ArchiveCommand):
    help = "Apply every change in the log that this node's search index lacks, now."

    def handle(self, *args, **options):
        try:
            written = search.catch_up()
        except (search.IndexBusy, search.IndexUnavailable, search.IndexTooFarBehind) as error:
            raise CommandError(
                gettext("Queued updates could not be applied: %(error)s") % {"error": error}
            ) from None
        self.stdout.write(
            self.style.SUCCESS(gettext("Applied %(count)d queued updates.") % {"count": written})
        )
