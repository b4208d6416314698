"""Apply queued index updates (left by a process that died or found the index busy)."""

from django.core.management.base import BaseCommand, CommandError

from archive import search


class Command(BaseCommand):
    help = "Apply every queued search-index update now."

    def handle(self, *args, **options):
        try:
            written = search.apply_pending()
        except (search.IndexBusy, search.IndexUnavailable) as error:
            raise CommandError(f"Queued updates could not be applied: {error}") from None
        self.stdout.write(self.style.SUCCESS(f"Applied {written} queued updates."))
