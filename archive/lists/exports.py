"""A list's exports, in the list's order: citations (BibTeX, RIS, CSL-JSON, and a
bibliography in Chicago, APA or MLA, as an entry's own citations), a CSV of the entries
with the researcher's notes, and a JSONL of their texts for text mining (an entry's text
only where its editors allowed it; its metadata always)."""

import csv
import io
import json

from archive.citations.styles import STYLES

CSV_COLUMNS = (
    "position", "entry", "version", "title", "authors", "date", "source", "type",
    "language", "original_url", "permalink", "note",
)  # fmt: skip
STYLE_NAMES = {style.__name__: style for style in STYLES}  # chicago, apa, mla


def bibliography(records, style: str) -> list[str]:
    """Each record cited in ``style`` ("chicago", "apa", "mla"), as plain text."""
    cite = STYLE_NAMES[style]
    return [cite(record).text for record in records]


def csv_text(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, CSV_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: _cell(value) for key, value in row.items()})
    return "\ufeff" + out.getvalue()  # a BOM: spreadsheets then read the UTF-8 as UTF-8


def _cell(value) -> str:
    """A cell a spreadsheet will not run as a formula (OWASP's CSV injection advice)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def row_of(position: int, record, note: str, version: int | None) -> dict:
    return {
        "position": position,
        "entry": record.entry_id,
        "version": version or "",
        "title": record.display_title,
        "authors": "; ".join(
            person.literal or f"{person.family}, {person.given}" for person in record.authors
        ),
        "date": record.date.iso() if record.date.value else "",
        "source": record.source_name,
        "type": record.document_type,
        "language": record.language,
        "original_url": record.original_url,
        "permalink": record.url,
        "note": note,
    }


def jsonl_text(lines: list[dict]) -> str:
    return "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)


def text_line(entry, content: dict, url: str, note: str, version: int | None) -> dict:
    """One entry for text mining: its metadata, and its text if its editors allow it."""
    allowed = entry.text_mining
    return {
        "entry": entry.pk,
        "version": version,
        "url": url,
        "title": content["title"],
        "date": content.get("date"),
        "language": content.get("language", ""),
        "source": (content.get("source") or {}).get("name", ""),
        "rights": content.get("rights", ""),
        "note": note,
        "text": content.get("body", "") if allowed else None,
        "text_withheld": None if allowed else "its rights do not allow text mining",
    }
