"""An entry page's metadata as links to searches: each topic (and each broader topic on
its path), the source, each author, the year, the language and the document type leads
to the search filtered by it, at the same URL the search page's facets use (authors,
which have no facet, to a search of the author field)."""

from dataclasses import dataclass

from django.utils.translation import get_language

from archive.entities.models import KIND_PATHS, EntityKind, shown_links
from archive.models import Entry
from archive.web.documents import DocumentView
from archive.web.presentation import SearchState


@dataclass(frozen=True)
class Link:
    text: str
    url: str = ""  # "" when there is nothing to link to (a topic since removed)


@dataclass(frozen=True)
class EntityLink(Link):
    key: str = ""  # the entity's key: its facet value


@dataclass(frozen=True)
class MetadataLinks:
    topics: tuple[tuple[Link, ...], ...]  # each topic's path from the root
    source: Link | None
    authors: tuple[Link, ...]
    year: Link | None
    language: Link | None
    document_type: Link | None
    # Its people, places and organizations (as the entry has them now), each to its page.
    entities: tuple[tuple[str, tuple[EntityLink, ...]], ...] = ()


def filtered(name: str, value: str) -> str:
    """The search page filtered by one facet value, as its facet links it."""
    return SearchState(()).toggled(name, value).url()


def by_author(name: str) -> str:
    cleaned = " ".join(name.replace('"', " ").split())
    return SearchState((("q", f'author:"{cleaned}"'),)).url()


def entity_links(entry: Entry) -> tuple[tuple[str, tuple[EntityLink, ...]], ...]:
    """The entry's people, places and organizations, most mentioned first, each kind
    under its facet's name."""
    language = get_language()
    by_kind: dict[str, list[EntityLink]] = {}
    for link in shown_links(entry):
        entity = link.entity
        by_kind.setdefault(entity.kind, []).append(
            EntityLink(entity.label(language), entity.get_absolute_url(), entity.key)
        )
    return tuple(
        (KIND_PATHS[kind], tuple(by_kind[kind])) for kind in EntityKind.values if kind in by_kind
    )


def metadata_links(entry: Entry, document: DocumentView) -> MetadataLinks:
    """Links for what ``document`` (the entry now, or one of its versions) shows; a topic
    or source the entry no longer has is shown without a link."""
    paths = {
        str(topic): topic.ancestry() for topic in entry.topics.select_related("parent__parent")
    }
    topics = tuple(
        tuple(Link(topic.name, filtered("topic", topic.slug)) for topic in paths[name])
        if name in paths
        else (Link(name),)
        for name in document.topics
    )
    source = None
    if document.source_name:
        live = entry.source
        linked = live is not None and live.name == document.source_name
        source = Link(document.source_name, filtered("source", live.slug) if linked else "")
    return MetadataLinks(
        topics=topics,
        source=source,
        authors=tuple(Link(author, by_author(author)) for author in document.authors),
        year=Link(document.year, filtered("year", document.year)) if document.year else None,
        language=Link(document.language_name, filtered("language", document.language))
        if document.language
        else None,
        document_type=Link(document.document_type, filtered("type", document.document_type_code))
        if document.document_type_code
        else None,
        entities=entity_links(entry),
    )
