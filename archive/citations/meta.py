"""Metadata embedded in entry pages for reference managers (Zotero) and scholarly search
engines: Highwire Press citation_* tags, Dublin Core, and schema.org JSON-LD."""

import json

from archive.citations.record import CitationRecord

SCHEMA_TYPES = {
    "news": "NewsArticle",
    "journal_article": "ScholarlyArticle",
    "report": "Report",
    "book": "Book",
    "speech": "Article",
    "press_release": "Article",
    "statement": "Article",
}


def _author_names(record: CitationRecord) -> list[str]:
    names = [p.literal or f"{p.family}, {p.given}" for p in record.authors]
    if not names and record.is_corporate_release and record.source_name:
        names = [record.source_name]
    return names


def highwire(record: CitationRecord) -> list[tuple[str, str]]:
    tags = [("citation_title", record.display_title)]
    tags += [("citation_author", name) for name in _author_names(record)]
    if record.date_parts:
        year, *rest = record.date_parts
        parts = [str(year), *(f"{part:02d}" for part in rest)]
        tags.append(("citation_publication_date", "/".join(parts)))
    if record.document_type == "journal_article" and record.source_name:
        tags.append(("citation_journal_title", record.source_name))
    elif record.source_name:
        tags.append(("citation_publisher", record.source_name))
    tags += [("citation_issn", issn) for issn in record.issn]
    tags += [("citation_doi", doi) for doi in record.doi]
    if record.language:
        tags.append(("citation_language", record.language))
    tags += [("citation_keywords", topic) for topic in record.topics]
    tags.append(("citation_public_url", record.url))
    tags.append(("citation_fulltext_html_url", record.url))
    return tags


def dublin_core(record: CitationRecord) -> list[tuple[str, str]]:
    tags = [("DC.title", record.display_title)]
    tags += [("DC.creator", name) for name in _author_names(record)]
    if record.date.value is not None:
        tags.append(("DC.date", record.date.iso()))
    if record.source_name:
        tags.append(("DC.publisher", record.source_name))
    tags.append(("DC.type", "Text"))
    if record.language:
        tags.append(("DC.language", record.language))
    tags.append(("DC.identifier", record.url))
    if record.original_url:  # the web page the document was published as
        tags.append(("DC.source", record.original_url))
    tags += [("DC.identifier", f"ISSN {issn}") for issn in record.issn]
    tags += [("DC.identifier", f"doi:{doi}") for doi in record.doi]
    tags += [("DC.subject", topic) for topic in record.topics]
    if record.summary:
        tags.append(("DC.description", record.summary))
    if record.rights:
        tags.append(("DC.rights", record.rights))
    return tags


def json_ld(record: CitationRecord) -> dict:
    kind = SCHEMA_TYPES.get(record.document_type, "Article")
    data = {
        "@context": "https://schema.org",
        "@type": kind,
        "@id": record.url,
        "url": record.url,
        "headline": record.display_title[:110],
        "name": record.display_title,
        "inLanguage": record.language or None,
        "isAccessibleForFree": True,
    }
    if record.document_type == "press_release":
        data["genre"] = "Press release"
    authors = [
        {"@type": "Organization", "name": p.literal}
        if p.literal
        else {
            "@type": "Person",
            "familyName": p.family,
            "givenName": p.given,
            "name": f"{p.given} {p.family}",
        }
        for p in record.authors
    ]
    if not authors and record.is_corporate_release and record.source_name:
        authors = [{"@type": "Organization", "name": record.source_name}]
    if authors:
        data["author"] = authors
    if record.date.value is not None:
        data["datePublished"] = record.date.iso()
    if record.source_name:
        if record.document_type == "journal_article":
            periodical = {"@type": "Periodical", "name": record.source_name}
            if record.issn:
                periodical["issn"] = list(record.issn)
            data["isPartOf"] = periodical
        else:
            data["publisher"] = {"@type": "Organization", "name": record.source_name}
    if record.doi:
        data["identifier"] = [
            {"@type": "PropertyValue", "propertyID": "DOI", "value": doi} for doi in record.doi
        ]
    if record.topics:
        data["keywords"] = list(record.topics)
    if record.summary:
        data["abstract"] = record.summary
    if record.rights:
        data["creditText"] = record.rights
    if record.original_url:
        data["sameAs"] = record.original_url
    if record.version:
        data["version"] = str(record.version)
    data["archivedAt"] = record.url
    if record.archived_url:  # the page as captured, replayed at its own permanent address
        data["archivedAt"] = [record.url, record.archived_url]
    return {key: value for key, value in data.items() if value is not None}


_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def json_ld_script(data: dict) -> str:
    """JSON-LD for a <script type="application/ld+json"> element, with the characters
    that could end the element escaped."""
    return json.dumps(data, ensure_ascii=False).translate(_SCRIPT_ESCAPES)
