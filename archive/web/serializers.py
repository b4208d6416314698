"""Entries as plain data: what the JSON API returns (and citation formats build on)."""

from archive.models import Entry
from archive.projection import EntryData, entry_data
from archive.web.languages import neutral_reverse, permalink


def _summary(entry: Entry, data: EntryData, request) -> dict:
    return {
        "id": data.id,
        "title": data.title,
        "title_is_devised": data.title_is_devised,
        "display_title": data.display_title,
        "date": data.date.iso() or None,
        "date_precision": data.date_precision,
        "display_date": data.date.display(),
        "source": data.source.name if data.source else None,
        "document_type": data.document_type,
        "language": data.language,
        "topics": [topic.name for topic in data.topics],
        "url": request.build_absolute_uri(permalink(entry)),
        "api_url": request.build_absolute_uri(neutral_reverse("archive:api-entry", [data.id])),
    }


def entry_summary(entry: Entry, request) -> dict:
    """The fields a result list needs."""
    return _summary(entry, entry_data(entry, text=False, identifiers=False), request)


def entry_metadata(entry: Entry, request) -> dict:
    """Everything about one entry."""
    data = entry_data(entry, paths=True)
    return {
        **_summary(entry, data, request),
        "summary": data.summary,
        "date_note": data.date_note,
        "source": data.source.citable() if data.source else None,
        "topics": [{"slug": topic.slug, "name": topic.path} for topic in data.topics],
        "language_name": entry.language_name,
        "document_type_name": entry.get_document_type_display(),
        "authors": list(data.authors),
        "original_url": data.original_url,
        "identifiers": [dict(identifier) for identifier in data.identifiers],
        "rights": data.rights,
        "text": data.body,
        "published_at": entry.published_at.isoformat() if entry.published_at else None,
        "updated_at": entry.updated_at.isoformat(),
    }
