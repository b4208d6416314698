"""Entries as plain data: what the JSON API returns (and citation formats build on)."""

from archive.models import Entry
from archive.projection import EntryData, TopicData, entry_data
from archive.web.languages import neutral_reverse, permalink
from archive.web.metadata_links import entity_links


def _source(data: EntryData) -> dict | None:
    """A source, in one shape wherever an entry is given (a result or a whole entry)."""
    source = data.source
    if source is None:
        return None
    return {"slug": source.slug, **source.citable()}


def _topic(topic: TopicData) -> dict:
    """A topic, in one shape wherever an entry is given: its own name and its path."""
    return {"slug": topic.slug, "name": topic.name, "path": topic.path}


def _summary(entry: Entry, data: EntryData, request) -> dict:
    return {
        "id": data.id,
        "title": data.title,
        "title_is_devised": data.title_is_devised,
        "display_title": data.display_title,
        "date": data.date.iso() or None,
        "date_precision": data.date_precision,
        "display_date": data.date.display(),
        "source": _source(data),
        "document_type": data.document_type,
        "language": data.language,
        "topics": [_topic(topic) for topic in data.topics],
        "url": request.build_absolute_uri(permalink(entry)),
        "api_url": request.build_absolute_uri(neutral_reverse("archive:api-entry", [data.id])),
    }


def entry_summary(entry: Entry, request) -> dict:
    """The fields a result list needs."""
    data = entry_data(entry, text=False, identifiers=False, paths=True)
    return _summary(entry, data, request)


def entry_metadata(entry: Entry, request) -> dict:
    """Everything about one entry."""
    data = entry_data(entry, paths=True)
    return {
        **_summary(entry, data, request),
        "summary": data.summary,
        "date_note": data.date_note,
        "language_name": entry.language_name,
        "document_type_name": entry.get_document_type_display(),
        "authors": list(data.authors),
        "original_url": data.original_url,
        "identifiers": [dict(identifier) for identifier in data.identifiers],
        "rights": data.rights,
        "text": data.body,
        "published_at": entry.published_at.isoformat() if entry.published_at else None,
        "updated_at": entry.updated_at.isoformat(),
        **entry_entities(entry, request),
    }


def entry_entities(entry: Entry, request) -> dict:
    """Its people, places and organizations under the facets' names: each one's key (the
    facet's value), its name in the requested language and its page."""
    found = {"people": [], "places": [], "organizations": []}
    for kind, links in entity_links(entry):
        for link in links:
            found[kind].append(
                {
                    "key": link.key,
                    "name": link.text,
                    "url": request.build_absolute_uri(link.url),
                }
            )
    return found
