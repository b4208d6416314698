"""What every citation format is built from: one entry (or version) as citable data."""

import datetime
from dataclasses import dataclass

from archive import dates, vocabularies
from archive.projection import display_title

MONTHS = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
]  # fmt: skip


@dataclass(frozen=True)
class Person:
    family: str = ""
    given: str = ""
    literal: str = ""  # an organisation, or a name that does not split

    @classmethod
    def parse(cls, name: str) -> "Person":
        """ "Family, Given" → a person; anything else is kept whole."""
        if name.count(",") == 1:
            family, given = (part.strip() for part in name.split(","))
            if family and given:
                return cls(family=family, given=given)
        return cls(literal=name.strip())

    @property
    def initials(self) -> str:
        parts = self.given.replace("-", " - ").split()
        return " ".join(part if part == "-" else f"{part[0]}." for part in parts).replace(
            " - ", "-"
        )


@dataclass(frozen=True)
class CitationRecord:
    entry_id: int
    version: int | None  # None: the entry as it is now
    title: str
    title_is_devised: bool
    authors: tuple[Person, ...]
    date: dates.PartialDate
    date_note: str
    document_type: str  # archive.models.DocumentType values
    source_name: str
    source_kind: str
    language: str
    issn: tuple[str, ...]
    doi: tuple[str, ...]
    topics: tuple[str, ...]
    rights: str
    summary: str
    url: str  # the archive's permanent URL for what is cited
    original_url: str
    accessed: datetime.date
    # The page as the archive captured it (a WACZ replayed at this permanent address),
    # when the entry has a capture readers may open.
    archived_url: str = ""
    archived_on: datetime.date | None = None

    @classmethod
    def from_snapshot(
        cls,
        entry_id: int,
        snapshot: dict,
        *,
        url: str,
        accessed: datetime.date,
        version=None,
        archived: tuple[str, datetime.date] | None = None,
    ):
        identifiers = snapshot.get("identifiers", [])
        source = snapshot.get("source") or {}
        return cls(
            entry_id=entry_id,
            version=version,
            title=snapshot["title"],
            title_is_devised=snapshot.get("title_is_devised", False),
            authors=tuple(Person.parse(name) for name in snapshot.get("authors", [])),
            date=dates.PartialDate.parse(snapshot.get("date") or None),
            date_note=snapshot.get("date_note", ""),
            document_type=snapshot.get("document_type", "other"),
            source_name=source.get("name", ""),
            source_kind=source.get("kind", ""),
            language=snapshot.get("language", ""),
            issn=tuple(i["value"] for i in identifiers if i["scheme"] == "issn"),
            doi=tuple(i["value"] for i in identifiers if i["scheme"] == "doi"),
            topics=tuple(snapshot.get("topics", [])),
            rights=snapshot.get("rights", ""),
            summary=snapshot.get("summary", ""),
            url=url,
            original_url=snapshot.get("original_url", ""),
            accessed=accessed,
            archived_url=archived[0] if archived else "",
            archived_on=archived[1] if archived else None,
        )

    @property
    def display_title(self) -> str:
        return display_title(self.title, self.title_is_devised)

    @property
    def language_name(self) -> str:
        return vocabularies.language_name(self.language, "en")  # a citation's convention

    @property
    def is_corporate_release(self) -> bool:
        """A press release or statement: the issuing body is its author."""
        return not self.authors and self.document_type in {"press_release", "statement"}

    @property
    def year(self) -> int | None:
        return self.date.value.year if self.date.value else None

    @property
    def date_parts(self) -> list[int]:
        """[year], [year, month] or [year, month, day]: as much as is known."""
        date = self.date
        if date.value is None:
            return []
        size = {"year": 1, "month": 2, "day": 3}[date.precision]
        return [date.value.year, date.value.month, date.value.day][:size]
