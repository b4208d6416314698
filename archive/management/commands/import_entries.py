"""Import entries from a manifest (or a folder holding manifest.json)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext, ngettext

from archive.management.base import ArchiveCommand
from archive.services.importing import ImportReport, ImportValidationError, import_manifest


class Command(ArchiveCommand):
    help = (
        "Import archive entries from a JSON manifest and the text files it names. Every "
        "record is validated first; one bad record and nothing is written. Re-running the "
        "same import changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path", type=Path, help="A manifest file or a folder with manifest.json"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would change; write nothing."
        )

    def handle(self, *args, path: Path, dry_run: bool, **options):
        try:
            report = import_manifest(path, dry_run=dry_run)
        except ImportValidationError as error:
            for problem in error.problems:
                self.stderr.write(self.style.ERROR(str(problem)))
            count = len(error.problems)
            raise CommandError(
                ngettext(
                    "Import refused: %(count)d problem; nothing was written.",
                    "Import refused: %(count)d problems; nothing was written.",
                    count,
                )
                % {"count": count}
            ) from None
        write_report(self, report, verbosity=options["verbosity"])


def write_report(command: BaseCommand, report: ImportReport, verbosity: int):
    """One line per change (every record at -v2), then the totals."""
    for change in report.changes:
        if (change.action != "unchanged" and verbosity > 0) or verbosity > 1:
            command.stdout.write(str(change))
    created, updated, unchanged = (report.count(a) for a in ("create", "update", "unchanged"))
    counts = {"created": created, "updated": updated, "unchanged": unchanged}
    if report.dry_run:
        line = gettext(
            "Dry run, nothing written: would create %(created)d, update %(updated)d, "
            "%(unchanged)d unchanged."
        )
    else:
        line = gettext("created %(created)d, updated %(updated)d, %(unchanged)d unchanged.")
    command.stdout.write(command.style.SUCCESS(line % counts))
