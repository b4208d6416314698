"""Entries as plain data: what the JSON API returns (and citation formats build on)."""

from archive.models import Entry
from archive.web.languages import neutral_reverse, permalink


def entry_summary(entry: Entry, request) -> dict:
    """The fields a result list needs."""
    return {
        "id": entry.pk,
        "title": entry.title,
        "title_is_devised": entry.title_is_devised,
        "display_title": entry.display_title,
        "date": entry.partial_date.iso() or None,
        "date_precision": entry.date_precision,
        "display_date": entry.display_date,
        "source": entry.source.name if entry.source else None,
        "document_type": entry.document_type,
        "language": entry.language,
        "topics": [topic.name for topic in entry.topics.all()],
        "url": request.build_absolute_uri(permalink(entry)),
        "api_url": request.build_absolute_uri(neutral_reverse("archive:api-entry", [entry.pk])),
    }


def entry_metadata(entry: Entry, request) -> dict:
    """Everything about one entry."""
    return {
        **entry_summary(entry, request),
        "summary": entry.summary,
        "date_note": entry.date_note,
        "source": (
            {
                "name": entry.source.name,
                "kind": entry.source.kind,
                "country": entry.source.country,
                "url": entry.source.url,
            }
            if entry.source
            else None
        ),
        "topics": [{"slug": topic.slug, "name": str(topic)} for topic in entry.topics.all()],
        "language_name": entry.language_name,
        "document_type_name": entry.get_document_type_display(),
        "authors": entry.author_list,
        "original_url": entry.original_url,
        "identifiers": entry.identifier_records(),
        "rights": entry.rights,
        "text": entry.body,
        "published_at": entry.published_at.isoformat() if entry.published_at else None,
        "updated_at": entry.updated_at.isoformat(),
    }
