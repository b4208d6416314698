"""Back up the whole archive to a folder that import_entries restores exactly."""

from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext

from archive.management.base import ArchiveCommand
from archive.services.exporting import export_archive


class Command(ArchiveCommand):
    help = (
        "Write the whole archive (entries with their ids, versions and raw captures, "
        "sources, topics, deleted ids) to a new folder. Restore with "
        "`manage.py import_entries FOLDER`."
    )

    def add_arguments(self, parser):
        parser.add_argument("destination", type=Path, help="A folder that does not exist yet.")

    def handle(self, *args, destination: Path, **options):
        try:
            counts = export_archive(destination)
        except (FileExistsError, OSError) as error:
            raise CommandError(str(error)) from None
        names = {
            "entries": gettext("entries"),
            "sources": gettext("sources"),
            "topics": gettext("topics"),
            "versions": gettext("versions"),
            "tombstones": gettext("tombstones"),
        }
        summary = ", ".join(f"{count} {names.get(name, name)}" for name, count in counts.items())
        self.stdout.write(
            self.style.SUCCESS(
                gettext("Exported %(summary)s to %(destination)s.")
                % {"summary": summary, "destination": destination}
            )
        )
