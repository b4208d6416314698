"""An entry as plain data: the one projection that versions, citations, backups, the API
and the search index's documents are written from, so that a field added to an entry is
added here once and each of them says only what it shows of it."""

from dataclasses import dataclass, field

from archive import dates


def display_title(title: str, devised: bool) -> str:
    """A title as every page and citation writes it: a devised title (one the archive
    wrote, the document having none) in square brackets."""
    return f"[{title}]" if devised else title


@dataclass(frozen=True)
class SourceData:
    slug: str
    name: str  # in the active language (English when indexing)
    kind: str
    country: str
    url: str

    def citable(self) -> dict:
        return {"name": self.name, "kind": self.kind, "country": self.country, "url": self.url}


@dataclass(frozen=True)
class TopicData:
    slug: str
    name: str  # in the active language
    path: str  # "Economy › Energy", when the caller asked for paths (else "")


@dataclass(frozen=True)
class EntryData:
    id: int
    external_id: str
    slug: str
    title: str
    title_is_devised: bool
    summary: str
    body: str | None  # None when not read (a citation never quotes it)
    date: dates.PartialDate
    date_precision: str
    date_note: str
    source: SourceData | None
    topics: tuple[TopicData, ...]  # the entry's own topics
    broader_topics: tuple[TopicData, ...]  # its topics and all their ancestors, when asked
    language: str
    document_type: str
    authors: tuple[str, ...]
    original_url: str
    identifiers: tuple[dict, ...]  # {"scheme", "value"} by scheme and value (if read)
    rights: str
    # Its people, places and organizations' keys by kind, when asked (never in a version).
    entity_keys: dict = field(default_factory=dict)

    @property
    def display_title(self) -> str:
        return display_title(self.title, self.title_is_devised)

    def citable(self, *, text: bool = True, topic_paths=None) -> dict:
        """The citable content a version freezes (and a citation reads), in the form
        versions have always been stored: its keys never change, or every entry would
        get a new version. Without ``text`` (the body) for a citation, which never quotes
        it; ``topic_paths`` when the caller read them for many entries at once."""
        content = {
            "title": self.title,
            "title_is_devised": self.title_is_devised,
            "summary": self.summary,
            "date": self.date.iso(),
            "date_precision": self.date_precision,
            "date_note": self.date_note,
            "source": self.source.citable() if self.source else None,
            "topics": sorted(
                topic_paths if topic_paths is not None else (t.path for t in self.topics)
            ),
            "language": self.language,
            "document_type": self.document_type,
            "authors": list(self.authors),
            "original_url": self.original_url,
            "identifiers": [dict(identifier) for identifier in self.identifiers],
            "rights": self.rights,
        }
        if text:
            content["body"] = self.body
        return content


def _topic(topic, paths: bool) -> TopicData:
    return TopicData(topic.slug, topic.name, str(topic) if paths else "")


def entry_data(
    entry,
    *,
    text: bool = True,
    identifiers: bool = True,
    topics: bool = True,
    paths: bool = False,
    broader: bool = False,
    entity_keys: dict | None = None,
) -> EntryData:
    """The entry as plain data; without its ``text`` (the body, which a caller may have
    deferred), its ``identifiers`` or its ``topics`` (a query each, unless prefetched)
    when the caller does not want them or has read them for many entries at once.
    ``paths``: each topic's path (reads its parents); ``broader``: every ancestor of its
    topics too (for the index). Both read what the caller prefetched
    (``topics__parent__parent``). ``entity_keys``: its entities' keys by kind, as the
    caller read them (the index's document carries them; nothing else needs them)."""
    source = entry.source
    topics = list(entry.topics.all()) if topics else []
    broader_topics = ()
    if broader:
        ancestors = {ancestor for topic in topics for ancestor in topic.ancestry()}
        broader_topics = tuple(_topic(topic, False) for topic in ancestors)
    return EntryData(
        id=entry.pk,
        external_id=entry.external_id,
        slug=entry.slug,
        title=entry.title,
        title_is_devised=entry.title_is_devised,
        summary=entry.summary,
        body=entry.body if text else None,
        date=entry.partial_date,
        date_precision=entry.date_precision,
        date_note=entry.date_note,
        source=(
            SourceData(source.slug, source.name, source.kind, source.country, source.url)
            if source
            else None
        ),
        topics=tuple(_topic(topic, paths) for topic in topics),
        broader_topics=broader_topics,
        language=entry.language,
        document_type=entry.document_type,
        authors=tuple(entry.author_list),
        original_url=entry.original_url,
        identifiers=tuple(entry.identifier_records()) if identifiers else (),
        rights=entry.rights,
        entity_keys=entity_keys or {},
    )
