"""Load the curated seed collection that ships with the archive."""

from django.conf import settings
from django.core.management.base import CommandError
from django.utils.translation import gettext

from archive.entities.extraction import extract_entities
from archive.entities.seed import load_seed_entities
from archive.management.base import ArchiveCommand
from archive.management.commands.import_entries import write_report
from archive.models import Entry
from archive.services.importing import ImportValidationError, import_manifest
from archive.thesaurus.services import load_thesaurus_file, seed_thesaurus
from archive.thesaurus.skos import ThesaurusFileError


class Command(ArchiveCommand):
    help = (
        "Load (or refresh) the curated seed collection in archive/seed/ and its starting "
        "thesaurus (thesaurus.ttl, SKOS). Safe to re-run."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would change; write nothing."
        )

    def handle(self, *args, dry_run: bool, **options):
        try:
            report = import_manifest(settings.ARCHIVE_SEED_DIR, dry_run=dry_run)
        except ImportValidationError as error:
            raise CommandError(
                gettext("The seed collection is invalid:\n%(error)s") % {"error": error}
            ) from None
        write_report(self, report, verbosity=options["verbosity"])
        if dry_run:
            return
        try:
            concepts = load_thesaurus_file(seed_thesaurus())
        except ThesaurusFileError as error:
            raise CommandError(
                gettext("The seed thesaurus is invalid:\n%(error)s") % {"error": error}
            ) from None
        if options["verbosity"]:
            self.stdout.write(
                gettext(
                    "Thesaurus: created %(created)d, updated %(updated)d, %(unchanged)d unchanged."
                )
                % {
                    "created": concepts.created,
                    "updated": concepts.updated,
                    "unchanged": concepts.unchanged,
                }
            )
        made = load_seed_entities()
        read = extract_entities(Entry.objects.order_by("pk"))
        if options["verbosity"]:
            self.stdout.write(
                gettext("Entities: %(made)d from the thesaurus, names read in %(read)d entries.")
                % {"made": made, "read": read}
            )
