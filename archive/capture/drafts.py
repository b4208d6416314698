"""A draft entry's fields from what was extracted from its original."""

import os
import re
from urllib.parse import urlsplit

from django.utils.translation import gettext as _

from archive import vocabularies
from archive.capture.extraction import Extraction
from archive.dates import PartialDate
from archive.models import DatePrecision, DocumentType, Source


def entry_fields(extraction: Extraction, filename: str) -> dict:
    """A draft entry's fields from what was extracted; what was not found stays empty
    for the editor (a title devised from the file's name if there is none)."""
    title = extraction.title.value if extraction.title else ""
    date, precision = None, "undated"
    if extraction.date:
        iso, precision = extraction.date.value
        try:
            date = PartialDate.parse(iso).value
        except ValueError:
            date, precision = None, "undated"
    language = extraction.language.value if extraction.language else "en"
    if language not in dict(vocabularies.language_choices()):
        language = "en"
    return {
        "title": title[:500] or os.path.splitext(filename)[0][:500],
        "title_is_devised": not title,
        "date": date,
        # Nothing found is not "undated" stated: the editor states it before publishing.
        "date_precision": precision if date else DatePrecision.NOT_STATED,
        "date_note": (
            _("Inferred from %(source)s: the document itself gives no date.")
            % {"source": extraction.date.source}
            if date and extraction.date_inferred
            else ""
        ),
        "authors": "\n".join(map(family_first, extraction.authors.value))
        if extraction.authors
        else "",
        "language": language,
        "original_url": (extraction.url.value if extraction.url else "")[:1000],
        "summary": extraction.summary.value if extraction.summary else "",
        "body": extraction.text,
        "source": matching_source(extraction),
        "document_type": (
            extraction.document_type.value if extraction.document_type else DocumentType.NOT_STATED
        ),
    }


_NAME_WORD = re.compile(r"^[A-ZÀ-ÖØ-ÞА-ЯЁ][\w'’.-]*$")


def family_first(name: str) -> str:
    """A person's name as the entry's authors are written, "Family, Given": a name of two
    or three capitalised words in Latin or Cyrillic letters is turned ("Aiko Tanaka" →
    "Tanaka, Aiko", "Анна Ивановна Петрова" → "Петрова, Анна Ивановна"); a name already
    with a comma, in Japanese (family name first), or an organisation is kept."""
    words = name.split()
    if "," in name or not 2 <= len(words) <= 3 or not all(map(_NAME_WORD.match, words)):
        return name
    return f"{words[-1]}, {' '.join(words[:-1])}"


def matching_source(extraction: Extraction) -> Source | None:
    """The archive's source with the page's site name, or whose address has its host."""
    if extraction.site_name:
        found = Source.objects.filter(name__iexact=extraction.site_name.value).first()
        if found:
            return found
    host = urlsplit(extraction.url.value).hostname if extraction.url else None
    if host:
        bare = host.removeprefix("www.")
        for source in Source.objects.exclude(url=""):
            if (urlsplit(source.url).hostname or "").removeprefix("www.") == bare:
                return source
    return None
