"""Read a SKOS file into the thesaurus: all of it, or nothing when anything is wrong."""

from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext

from archive.management.base import ArchiveCommand
from archive.thesaurus.services import load_thesaurus_file
from archive.thesaurus.skos import EXTENSIONS, ThesaurusFileError


class Command(ArchiveCommand):
    help = (
        "Import a SKOS thesaurus file (Turtle .ttl, JSON-LD .jsonld, RDF/XML .rdf): each "
        "concept is created or made exactly as the file says; others are left alone."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--format", choices=sorted(set(EXTENSIONS.values())))

    def handle(self, *args, file: str, format: str | None, **options):
        try:
            report = load_thesaurus_file(Path(file), format)
        except ThesaurusFileError as error:
            raise CommandError(
                gettext("%(file)s: nothing was imported.\n%(error)s")
                % {"file": file, "error": error}
            ) from None
        for warning in report.warnings:
            self.stdout.write(self.style.WARNING(gettext("Warning: %(text)s") % {"text": warning}))
        self.stdout.write(
            gettext("Concepts: created %(created)d, updated %(updated)d, %(unchanged)d unchanged.")
            % {"created": report.created, "updated": report.updated, "unchanged": report.unchanged}
        )
