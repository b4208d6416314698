"""Ready citations in Chicago (notes-bibliography), APA 7 and MLA 9.

Each style returns the same citation as plain text and as HTML (titles of containers in
<i>); the HTML escapes everything that comes from the entry.
"""

import datetime
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from archive.citations.record import MONTHS, CitationRecord, Person

MLA_MONTHS = [
    "Jan.", "Feb.", "Mar.", "Apr.", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec.",
]  # fmt: skip


@dataclass(frozen=True)
class Citation:
    style: str
    label: str
    text: str
    html: SafeString


class _Builder:
    """Collects pieces as text and as HTML at once."""

    def __init__(self):
        self.text, self.html = [], []

    def add(self, value: str, italic: bool = False):
        self.text.append(value)
        self.html.append(f"<i>{escape(value)}</i>" if italic else escape(value))
        return self

    def citation(self, style: str, label: str) -> Citation:
        text = "".join(self.text).strip()
        return Citation(style, label, text, mark_safe("".join(self.html).strip()))


def _end(value: str, mark: str = ".") -> str:
    """A piece ended by punctuation, without doubling what it already ends with."""
    value = value.strip()
    return value if value[-1:] in ".?!" else value + mark


def _person_name(person: Person, style: str, inverted: bool) -> str:
    if person.literal:
        return person.literal
    if style == "apa":
        return f"{person.family}, {person.initials}"
    return f"{person.family}, {person.given}" if inverted else f"{person.given} {person.family}"


def _names(people, style: str) -> str:
    """Authors in the style's order: the first inverted (every one, in APA)."""
    names = [
        _person_name(person, style, inverted=index == 0 or style == "apa")
        for index, person in enumerate(people)
    ]
    if style == "mla" and len(names) > 2:
        return f"{names[0]}, et al"
    if len(names) == 1:
        return names[0]
    if style == "apa":
        return ", ".join(names[:-1]) + ", & " + names[-1]
    # The first name is inverted ("Family, Given"), so even two names take a comma.
    return ", ".join(names[:-1]) + ", and " + names[-1]


def _container(record: CitationRecord) -> str:
    return record.source_name


def _us_date(day: datetime.date, precision: str = "day") -> str:
    """A day, month or year as Chicago writes it: "March 5, 2021", "March 2021", "2021"."""
    if precision == "day":
        return f"{MONTHS[day.month - 1]} {day.day}, {day.year}"
    if precision == "month":
        return f"{MONTHS[day.month - 1]} {day.year}"
    return str(day.year)


def _chicago_date(record: CitationRecord) -> str:
    date = record.date
    return _us_date(date.value, date.precision) if date.value else "n.d."


def _accessed_us(record: CitationRecord) -> str:
    return _us_date(record.accessed)


def _archive_note(record: CitationRecord) -> str:
    version = f", version {record.version}" if record.version else ""
    return f"RJ Archive, entry {record.entry_id}{version}"


def _us_day(day: datetime.date) -> str:
    return f"{MONTHS[day.month - 1]} {day.day}, {day.year}"


def chicago(record: CitationRecord) -> Citation:
    """Chicago Manual of Style, 17th ed., bibliography entry."""
    out = _Builder()
    if record.authors:
        out.add(_end(_names(record.authors, "chicago")) + " ")
    elif record.is_corporate_release and record.source_name:
        out.add(_end(record.source_name) + " ")
    if record.title_is_devised:
        out.add(_end(record.title) + " ")  # a description: no quotation marks
    else:
        out.add(f"“{_end(record.title)}” ")
    container = _container(record)
    date = _chicago_date(record)
    if record.document_type == "press_release":
        out.add(f"Press release, {date}. " if date != "n.d." else "Press release, n.d. ")
    elif record.document_type == "journal_article" and container:
        # Journals are dated by issue: month (or season) and year, not the day.
        issue_date = date.split(" ")[0] + " " + date.split(" ")[-1] if " " in date else date
        out.add(container, italic=True).add(f" ({issue_date}). " if date != "n.d." else ", n.d. ")
    elif container:
        out.add(container, italic=True).add(f", {_end(date)} ")
    else:
        out.add(f"{_end(date)} ")
    if record.date.value is None:
        out.add(f"Accessed {_accessed_us(record)}. ")
    if record.doi:
        out.add(f"https://doi.org/{record.doi[0]}. ")
    elif record.original_url:  # a web document: where it was published, then our copy
        out.add(f"{record.original_url}. ")
        if record.archived_url:  # Chicago 14.104: the archived copy's date and address
            out.add(f"Archived {_us_day(record.archived_on)}, at {record.archived_url}. ")
    out.add(f"{_archive_note(record)}. {record.url}.")
    return out.citation("chicago", "Chicago")


def _apa_date(record: CitationRecord) -> str:
    date = record.date
    if date.value is None:
        return "(n.d.)"
    if date.precision == "day":
        return f"({date.value.year}, {MONTHS[date.value.month - 1]} {date.value.day})"
    if date.precision == "month":
        return f"({date.value.year}, {MONTHS[date.value.month - 1]})"
    return f"({date.value.year})"


def apa(record: CitationRecord) -> Citation:
    """APA Publication Manual, 7th ed., reference list entry."""
    out = _Builder()
    title = record.display_title
    container = _container(record)
    author = ""
    if record.authors:
        author = _names(record.authors, "apa")
    elif record.is_corporate_release and record.source_name:
        author = record.source_name
    if author:
        out.add(_end(author) + " ").add(_apa_date(record) + ". ")
    if record.document_type == "press_release":
        if not author:
            out.add(title, italic=not record.title_is_devised).add(" ").add(
                _apa_date(record) + ". "
            )
        else:
            out.add(title, italic=not record.title_is_devised)
        out.add(" [Press release]. ")
        if container and container != author:
            out.add(_end(container) + " ")
    else:
        if author:
            out.add(_end(title) + " ")
        else:  # no author: the title moves to the author's place
            out.add(_end(title) + " ").add(_apa_date(record) + ". ")
        if container:
            out.add(container, italic=True).add(". ")
    if record.doi:
        out.add(f"https://doi.org/{record.doi[0]}")
    elif record.original_url and record.archived_url:  # where it was, then our capture
        out.add(
            f"{record.original_url} (archived {_us_day(record.archived_on)}, at "
            f"{record.archived_url})"
        )
    elif record.original_url:  # a web document: where it was published, then our copy
        out.add(f"{record.original_url} (archived at {record.url})")
    else:
        out.add(record.url)
    return out.citation("apa", "APA")


def _mla_day(day: datetime.date, precision: str = "day") -> str:
    """A day, month or year as MLA writes it: "5 Mar. 2021", "Mar. 2021", "2021"."""
    if precision == "day":
        return f"{day.day} {MLA_MONTHS[day.month - 1]} {day.year}"
    if precision == "month":
        return f"{MLA_MONTHS[day.month - 1]} {day.year}"
    return str(day.year)


def _mla_date(record: CitationRecord) -> str:
    date = record.date
    return _mla_day(date.value, date.precision) if date.value else ""


def mla(record: CitationRecord) -> Citation:
    """MLA Handbook, 9th ed., works-cited entry."""
    out = _Builder()
    if record.authors:
        out.add(_end(_names(record.authors, "mla")) + " ")
    if record.title_is_devised:
        out.add(_end(record.title) + " ")  # a description: neither quoted nor italic
    else:
        out.add(f"“{_end(record.title)}” ")
    if record.document_type == "press_release":
        out.add("Press release. ")
    container = _container(record)
    elements = []
    if container:
        elements.append(("container", container))
    date = _mla_date(record)
    if date:
        elements.append(("date", date))
    if record.doi:
        elements.append(("location", f"https://doi.org/{record.doi[0]}"))
    else:
        elements.append(("location", record.original_url or record.url))
    for index, (kind, value) in enumerate(elements):
        out.add(value, italic=kind == "container")
        out.add(", " if index < len(elements) - 1 else ". ")
    if record.original_url and not record.doi:  # a web document: our copy as a second place
        if record.archived_url:  # MLA 9: the archived version, dated, as a second location
            out.add(
                f"Archived {_mla_day(record.archived_on)}, {_archive_note(record)}, "
                f"{record.archived_url}. "
            )
        else:
            out.add(f"{_archive_note(record)}, {record.url}. ")
    out.add(f"Accessed {_mla_day(record.accessed)}.")
    return out.citation("mla", "MLA")


STYLES = (chicago, apa, mla)


def all_citations(record: CitationRecord) -> list[Citation]:
    return [style(record) for style in STYLES]
