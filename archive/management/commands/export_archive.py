"""Back up the whole archive to a folder that import_entries restores exactly."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from archive.services.exporting import export_archive


class Command(BaseCommand):
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
        summary = ", ".join(f"{count} {name}" for name, count in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Exported {summary} to {destination}."))
