"""Search the archive from the terminal: ranked results with snippets and facets."""

import html
import re

from django.core.management.base import CommandError
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext

from archive import search
from archive.management.base import ArchiveCommand


def plain_snippet(snippet: str) -> str:
    """A snippet for the terminal: matched terms in [brackets], no markup."""
    marked = re.sub(r"<mark>(.*?)</mark>", r"[\1]", snippet)
    return " ".join(html.unescape(strip_tags(marked)).split())


def also_searched(expansion) -> str:
    names = ", ".join(expansion.labels)
    if expansion.narrower:
        names += (
            ("; " if names else "") + gettext("narrower:") + " " + ", ".join(expansion.narrower)
        )
    return names


class Command(ArchiveCommand):
    help = 'Search the archive: manage.py search "query" [--topic T] [--source S] [--from Y] …'

    def add_arguments(self, parser):
        parser.add_argument("query", nargs="?", default="", help="What to search for.")
        for facet in search.FACETS:
            parser.add_argument(
                f"--{facet.name}",
                action="append",
                default=[],
                metavar="VALUE",
                help=f"Only entries with this {facet.label.lower()} (repeat for OR).",
            )
        parser.add_argument("--from", dest="date_from", default="", help="YYYY[-MM[-DD]]")
        parser.add_argument("--to", dest="date_to", default="", help="YYYY[-MM[-DD]]")
        parser.add_argument("--sort", choices=search.SORTS, default="relevance")
        parser.add_argument("--page", type=int, default=1)
        parser.add_argument("--per-page", type=int, default=10)
        parser.add_argument(
            "--only-my-words",
            action="store_true",
            help="Search only the words typed, not the thesaurus's other names for them.",
        )
        parser.add_argument("--concept", default="", help="Only entries about this concept (key).")

    def handle(self, *args, **options):
        filters = tuple(
            (facet.name, tuple(options[facet.name]))
            for facet in search.FACETS
            if options[facet.name]
        )
        try:
            request = search.SearchRequest(
                query=options["query"],
                filters=filters,
                date_from=options["date_from"],
                date_to=options["date_to"],
                sort=options["sort"],
                page=options["page"],
                per_page=options["per_page"],
                expand=not options["only_my_words"],
                concept=options["concept"],
            )
        except search.InvalidSearch as error:
            raise CommandError(str(error)) from None
        page = search.search(request)
        for note in page.notes:
            self.stdout.write(self.style.WARNING(gettext("Note: %(note)s") % {"note": note}))
        if not page.available:
            raise CommandError(gettext("The search index is unavailable."))
        self.stdout.write(
            ngettext("%(counter)s result", "%(counter)s results", page.total)
            % {"counter": page.total}
        )
        if page.reading_text:
            self.stdout.write(page.reading_text)
        if page.suggestion:
            self.stdout.write(
                gettext("Did you mean: %(suggestion)s") % {"suggestion": page.suggestion}
            )
        for expansion in page.expansions:
            self.stdout.write(
                gettext("Also searched (%(concept)s): %(names)s")
                % {"concept": expansion.concept_name, "names": also_searched(expansion)}
            )
        if page.names:
            self.stdout.write(
                gettext("Also matched in other scripts: %(forms)s")
                % {"forms": ", ".join(form for names in page.names for form in names.forms)}
            )
        if page.expansions or page.names:
            self.stdout.write(gettext("(--only-my-words searches only the words typed)"))
        for position, hit in enumerate(page.hits, start=page.first_position):
            entry = hit.entry
            source = f" · {entry.source.name}" if entry.source else ""
            self.stdout.write(
                self.style.SUCCESS(f"{position:3}. {entry.display_title}")
                + f"\n     {entry.display_date}{source} · {entry.get_absolute_url()}"
                + " · "
                + gettext("score %(score).2f") % {"score": hit.score}
                + "\n     "
                + Truncator(plain_snippet(hit.snippet)).chars(240)
            )
        for facet in page.facets:
            if facet.values:
                values = ", ".join(
                    f"{'*' if value.selected else ''}{value.label} ({value.count})"
                    for value in facet.values[:8]
                )
                self.stdout.write(f"{facet.label}: {values}")
