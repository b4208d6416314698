"""Import entries from a manifest (or a folder holding manifest.json)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from archive.services.importing import ImportReport, ImportValidationError, import_manifest


class Command(BaseCommand):
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
            raise CommandError(
                f"Import refused: {len(error.problems)} problem(s); nothing was written."
            ) from None
        write_report(self, report, verbosity=options["verbosity"])


def write_report(command: BaseCommand, report: ImportReport, verbosity: int):
    """One line per change (every record at -v2), then the totals."""
    for change in report.changes:
        if (change.action != "unchanged" and verbosity > 0) or verbosity > 1:
            command.stdout.write(str(change))
    prefix = "Dry run, nothing written: would " if report.dry_run else ""
    created, updated, unchanged = (report.count(a) for a in ("create", "update", "unchanged"))
    verbs = ("create", "update") if report.dry_run else ("created", "updated")
    command.stdout.write(
        command.style.SUCCESS(
            f"{prefix}{verbs[0]} {created}, {verbs[1]} {updated}, {unchanged} unchanged."
        )
    )
