"""Write the thesaurus as SKOS (Turtle or JSON-LD)."""

from pathlib import Path

from django.utils.translation import gettext

from archive.management.base import ArchiveCommand
from archive.thesaurus.skos import FORMATS, serialise


class Command(ArchiveCommand):
    help = "Write the thesaurus as SKOS: Turtle (default) or JSON-LD, to a file or stdout."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=sorted(FORMATS), default="turtle")
        parser.add_argument("--output", "-o", help="A file to write (default: standard output).")

    def handle(self, *args, format: str, output: str | None, **options):
        text = serialise(format)
        if output:
            Path(output).write_text(text, encoding="utf-8")
            self.stderr.write(
                gettext("Wrote the thesaurus (%(format)s) to %(file)s.")
                % {"format": format, "file": output}
            )
        else:
            self.stdout.write(text, ending="")
