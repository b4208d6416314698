"""Downloads for reference managers: BibTeX, RIS and CSL-JSON, for one or many records."""

import json
import re

from archive.citations.record import CitationRecord

BIBTEX_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_BIBTEX_SPECIAL = re.compile(r"([&%$#_{}])")


def _bibtex_escape(value: str) -> str:
    value = value.replace("\\", r"\textbackslash{}")
    value = _BIBTEX_SPECIAL.sub(r"\\\1", value)
    return value.replace("~", r"\textasciitilde{}").replace("^", r"\textasciicircum{}")


def _bibtex_names(record: CitationRecord) -> str:
    names = []
    for person in record.authors:
        # Braces keep an organisation's name whole instead of splitting it into parts.
        names.append(
            f"{person.family}, {person.given}" if not person.literal else f"{{{person.literal}}}"
        )
    if not names and record.is_corporate_release and record.source_name:
        names.append(f"{{{record.source_name}}}")
    return " and ".join(
        _bibtex_escape(name) if not name.startswith("{") else "{" + _bibtex_escape(name[1:-1]) + "}"
        for name in names
    )


def bibtex_entry(record: CitationRecord) -> str:
    kind = {"journal_article": "article", "news": "article"}.get(record.document_type, "misc")
    fields: list[tuple[str, str]] = [
        (
            "title",
            "{" + _bibtex_escape(record.display_title) + "}",
        )
    ]
    if authors := _bibtex_names(record):
        fields.append(("author", authors))
    if kind == "article" and record.source_name:
        fields.append(("journal", _bibtex_escape(record.source_name)))
    elif record.source_name:
        fields.append(("publisher", _bibtex_escape(record.source_name)))
    date = record.date
    if record.date_parts:
        year, month, day = [*record.date_parts, None, None][:3]
        fields.append(("year", str(year)))
        if month:
            fields.append(("month", BIBTEX_MONTHS[month - 1]))
        if day:
            fields.append(("day", str(day)))
        fields.append(("date", date.iso()))
    if record.document_type == "press_release":
        fields.append(("howpublished", "Press release"))
    for issn in record.issn:
        fields.append(("issn", issn))
    for doi in record.doi:
        fields.append(("doi", _bibtex_escape(doi)))
    fields.append(("url", record.url))
    fields.append(("urldate", record.accessed.isoformat()))
    if record.language:
        fields.append(("language", _bibtex_escape(record.language_name)))
    if record.topics:
        fields.append(("keywords", _bibtex_escape(", ".join(record.topics))))
    notes = [
        note
        for note in (
            "Title devised by the archive" if record.title_is_devised else "",
            "Undated" if date.value is None else "",
            record.date_note,
            archived_note(record),
        )
        if note
    ]
    if notes:
        fields.append(("note", _bibtex_escape(". ".join(note.rstrip(".") for note in notes) + ".")))
    key = f"rjarchive{record.entry_id}" + (f"v{record.version}" if record.version else "")
    body = ",\n".join(
        f"  {name} = {value}" if name in {"month"} else f"  {name} = {{{value}}}"
        for name, value in fields
    )
    return f"@{kind}{{{key},\n{body}\n}}\n"


def bibtex(records) -> str:
    return "\n".join(bibtex_entry(record) for record in records)


RIS_TYPES = {
    "news": "NEWS",
    "journal_article": "JOUR",
    "press_release": "PRESS",
    "report": "RPRT",
    "book": "BOOK",
    "speech": "GEN",
    "statement": "GEN",
}


def ris_entry(record: CitationRecord) -> str:
    lines = [("TY", RIS_TYPES.get(record.document_type, "GEN"))]
    lines.append(("TI", record.display_title))
    for person in record.authors:
        lines.append(("AU", person.literal or f"{person.family}, {person.given}"))
    if not record.authors and record.is_corporate_release and record.source_name:
        lines.append(("AU", record.source_name))
    if record.date_parts:
        year, month, day = [*record.date_parts, None, None][:3]
        lines.append(("PY", str(year)))
        month_text, day_text = (f"{month:02d}" if month else ""), (f"{day:02d}" if day else "")
        lines.append(("DA", f"{year}/{month_text}/{day_text}/"))
    if record.source_name:
        lines.append(
            (
                "T2" if record.document_type in {"news", "journal_article"} else "PB",
                record.source_name,
            )
        )
    for issn in record.issn:
        lines.append(("SN", issn))
    for doi in record.doi:
        lines.append(("DO", doi))
    lines.append(("UR", record.url))
    lines.append(("Y2", record.accessed.strftime("%Y/%m/%d")))
    if record.language:
        lines.append(("LA", record.language_name))
    for topic in record.topics:
        lines.append(("KW", topic))
    if record.summary:
        lines.append(("AB", " ".join(record.summary.split())))
    for note in (
        "Title devised by the archive." if record.title_is_devised else "",
        record.date_note,
        archived_note(record),
    ):
        if note:
            lines.append(("N1", note))
    lines.append(("ER", ""))
    return (
        "\n".join(
            f"{tag}  - {value}".rstrip() if tag == "ER" else f"{tag}  - {value}"
            for tag, value in lines
        )
        + "\n"
    )


def ris(records) -> str:
    return "\n".join(ris_entry(record) for record in records)


CSL_TYPES = {
    "news": "article-newspaper",
    "journal_article": "article-journal",
    "report": "report",
    "book": "book",
    "speech": "speech",
}


def archived_note(record: CitationRecord) -> str:
    """BibTeX's and RIS's place for the archived copy (neither has a field for it)."""
    if not record.archived_url:
        return ""
    return f"Archived copy captured {record.archived_on.isoformat()}: {record.archived_url}."


def csl_item(record: CitationRecord) -> dict:
    item = {
        "id": f"rjarchive-{record.entry_id}" + (f"-v{record.version}" if record.version else ""),
        "type": CSL_TYPES.get(record.document_type, "article"),
        "title": record.display_title,
        "URL": record.url,
        "accessed": {
            "date-parts": [[record.accessed.year, record.accessed.month, record.accessed.day]]
        },
        "archive": "RJ Archive",
        "archive_location": f"entry {record.entry_id}"
        + (f", version {record.version}" if record.version else "")
        + (
            f"; archived copy captured {record.archived_on.isoformat()}, {record.archived_url}"
            if record.archived_url
            else ""
        ),
    }
    if record.document_type == "press_release":
        item["genre"] = "Press release"
    authors = [
        {"literal": person.literal}
        if person.literal
        else {"family": person.family, "given": person.given}
        for person in record.authors
    ]
    if not authors and record.is_corporate_release and record.source_name:
        authors = [{"literal": record.source_name}]
    if authors:
        item["author"] = authors
    if record.date_parts:
        item["issued"] = {"date-parts": [record.date_parts]}
    if record.source_name:
        key = (
            "container-title"
            if record.document_type in {"news", "journal_article"}
            else "publisher"
        )
        item[key] = record.source_name
    if record.issn:
        item["ISSN"] = record.issn[0]
    if record.doi:
        item["DOI"] = record.doi[0]
    if record.language:
        item["language"] = record.language
    if record.summary:
        item["abstract"] = record.summary
    notes = [
        n
        for n in (
            "Title devised by the archive." if record.title_is_devised else "",
            record.date_note,
        )
        if n
    ]
    if notes:
        item["note"] = " ".join(notes)
    return item


def csl_json(records) -> str:
    return json.dumps([csl_item(record) for record in records], ensure_ascii=False, indent=2)


FORMATS = {
    "bib": ("application/x-bibtex; charset=utf-8", bibtex),
    "ris": ("application/x-research-info-systems; charset=utf-8", ris),
    "json": ("application/vnd.citationstyles.csl+json; charset=utf-8", csl_json),
}
