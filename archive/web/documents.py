"""An entry's content as shown on a page, built from a snapshot so that the current
entry and each frozen version render through the same template."""

import difflib
import html
import re
from dataclasses import dataclass

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from archive import dates, vocabularies
from archive.identifiers import IdentifierScheme
from archive.models import DocumentType
from archive.projection import display_title


@dataclass(frozen=True)
class DocumentView:
    title: str
    title_is_devised: bool
    display_date: str
    date_note: str
    source_name: str
    authors: tuple[str, ...]
    document_type: str
    language: str
    language_name: str
    topics: tuple[str, ...]
    identifiers: tuple[tuple[str, str], ...]
    original_url: str
    rights: str
    summary: str
    paragraphs: tuple[str, ...]
    document_type_code: str = ""
    year: str = ""  # the year of its date, "" when undated

    @property
    def display_title(self) -> str:
        return display_title(self.title, self.title_is_devised)

    @classmethod
    def from_snapshot(cls, snapshot: dict) -> "DocumentView":
        schemes = dict(IdentifierScheme.choices)
        date = dates.PartialDate.parse(snapshot.get("date") or None)
        return cls(
            title=snapshot["title"],
            title_is_devised=snapshot.get("title_is_devised", False),
            display_date=date.display(),
            date_note=snapshot.get("date_note", ""),
            source_name=(snapshot.get("source") or {}).get("name", ""),
            authors=tuple(snapshot.get("authors", [])),
            document_type=dict(DocumentType.choices).get(snapshot.get("document_type"), "Other"),
            language=snapshot.get("language", ""),
            language_name=vocabularies.language_name(snapshot.get("language", "")),
            topics=tuple(snapshot.get("topics", [])),
            identifiers=tuple(
                (schemes.get(i["scheme"], i["scheme"]), i["value"])
                for i in snapshot.get("identifiers", [])
            ),
            original_url=snapshot.get("original_url", ""),
            rights=snapshot.get("rights", ""),
            summary=snapshot.get("summary", ""),
            paragraphs=paragraphs_of(snapshot.get("body", "")),
            document_type_code=snapshot.get("document_type") or "",
            year=str(date.value.year) if date.value else "",
        )


def paragraphs_of(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in re.split(r"\n\s*\n", text or "") if part.strip())


FIELD_LABELS = {
    "title": _("Title"),
    "date": _("Date"),
    "date_note": _("Date note"),
    "source": _("Source"),
    "authors": _("Authors"),
    "topics": _("Topics"),
    "document_type": _("Type"),
    "language": _("Language"),
    "identifiers": _("Identifiers"),
    "original_url": _("Original URL"),
    "rights": _("Rights"),
    "summary": _("Summary"),
}


def changed_fields(before: dict, after: dict) -> list[str]:
    """Keys of the metadata that differ between two snapshots (the text aside); their
    labels are FIELD_LABELS."""
    return [key for key in FIELD_LABELS if before.get(key) != after.get(key)]


def word_diff(before: str, after: str) -> SafeString:
    """The change from one text to another, word by word, as escaped HTML with <del>
    and <ins>."""
    old, new = re.findall(r"\S+|\s+", before), re.findall(r"\S+|\s+", after)
    pieces = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for operation, a1, a2, b1, b2 in matcher.get_opcodes():
        removed, added = "".join(old[a1:a2]), "".join(new[b1:b2])
        if operation == "equal":
            pieces.append(html.escape(removed))
            continue
        # Spaces around a change stay outside the marks, so only words are struck or added.
        space = re.match(r"\s*", added if added.strip() else removed).group()
        pieces.append(space)
        if removed.strip():
            pieces.append(f"<del>{html.escape(removed.strip())}</del>")
        if removed.strip() and added.strip():
            pieces.append(" ")
        if added.strip():
            pieces.append(f"<ins>{html.escape(added.strip())}</ins>")
    return mark_safe("".join(pieces))
