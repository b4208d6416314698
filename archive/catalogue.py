"""The archive as the search engine sees it (``archive.search.catalogue.Catalogue``):
entries as index documents, entries for a page of hits, the names of facet values, and
the thesaurus. Registered with the engine when the app starts (``apps.py``)."""

import itertools
import threading
import time

from django.conf import settings
from django.db.models.functions import Substr
from django.db.models.signals import post_delete, post_save
from django.utils import translation
from django.utils.translation import get_language

from archive import vocabularies
from archive.dates import UNDATED, PartialDate
from archive.entities.models import SHOWN_STATUSES, Entity, EntryEntity
from archive.models import DocumentType, Entry, EntryIdentifier, Source, Status, Topic
from archive.projection import EntryData, SourceData, TopicData
from archive.search import UNDATED_YEAR, date_number, period
from archive.thesaurus import snapshot


class NameCache:
    """Every topic's or source's name by slug, per interface language, read once and kept
    for ``SECONDS``: each search names its facet values, and reading a few hundred rows
    each time was a tenth of a search. A save or deletion in this process forgets them
    at once; other processes see a rename within ``SECONDS``."""

    SECONDS = 60.0

    def __init__(self, read):
        self.read = read
        self._names: dict[str, tuple[float, dict[str, str]]] = {}
        self._lock = threading.Lock()

    def names(self) -> dict[str, str]:
        language = get_language() or ""
        with self._lock:
            kept = self._names.get(language)
        if kept is not None and time.monotonic() - kept[0] < self.SECONDS:
            return kept[1]
        names = self.read()
        with self._lock:
            self._names[language] = (time.monotonic(), names)
        return names

    def clear(self, **kwargs):
        with self._lock:
            self._names.clear()

    def labels(self, slugs) -> dict[str, str]:
        """The names of those slugs that name something."""
        names = self.names()
        return {slug: names[slug] for slug in slugs if slug in names}


TOPIC_NAMES = NameCache(
    lambda: {topic.slug: str(topic) for topic in Topic.objects.select_related("parent__parent")}
)
TOPIC_PARENTS = NameCache(
    lambda: {
        slug: parent
        for slug, parent in Topic.objects.filter(parent__isnull=False).values_list(
            "slug", "parent__slug"
        )
    }
)
# Instances, not values(): the name in the visitor's language, else English.
SOURCE_NAMES = NameCache(lambda: {source.slug: source.name for source in Source.objects.all()})
for _model, _cache in ((Topic, TOPIC_NAMES), (Topic, TOPIC_PARENTS), (Source, SOURCE_NAMES)):
    post_save.connect(_cache.clear, sender=_model, weak=False)
    post_delete.connect(_cache.clear, sender=_model, weak=False)


def entity_labels(kind: str, keys) -> dict[str, str]:
    """Entities' names in the reader's language (the most frequent form in its script
    where the entity has one), by key; rejected and merged ones are not named."""
    keys = [key for key in keys if key]
    if not keys:
        return {}
    language = get_language()
    return {
        entity.key: entity.label(language)
        for entity in Entity.objects.filter(
            key__in=keys, kind=kind, status__in=SHOWN_STATUSES
        ).only("key", "name", "label_en", "label_ru", "label_ja")
    }


def indexed_entries(published: bool):
    """The entries of the public index (published), or of the drafts index (the rest)."""
    if published:
        return Entry.objects.filter(status=Status.PUBLISHED)
    return Entry.objects.exclude(status=Status.PUBLISHED)


def entity_keys_of(entry_ids) -> dict[int, dict[str, tuple[str, ...]]]:
    """Each entry's people's, places' and organizations' keys by kind, read for many
    entries in one query of plain rows (a rebuild's serial step reads no entity objects)."""
    found: dict[int, dict[str, list[str]]] = {}
    rows = (
        EntryEntity.objects.filter(entry_id__in=list(entry_ids))
        .values_list("entry_id", "entity__kind", "entity__key")
        .order_by()
    )
    for entry_id, kind, key in rows:
        found.setdefault(entry_id, {}).setdefault(kind, []).append(key)
    return {
        entry_id: {kind: tuple(sorted(keys)) for kind, keys in kinds.items()}
        for entry_id, kinds in found.items()
    }


def _identifiers(data: EntryData) -> str:
    """Each identifier as written and without its hyphens (an ISSN typed either way)."""
    values = [identifier["value"] for identifier in data.identifiers]
    return " ".join(values + [value.replace("-", "") for value in values])


# The value of each field the engine declares (``archive/search/fields.py``), from the
# entry as plain data: topics with all their broader topics, names in English.
DOCUMENT_VALUES = {
    "entry_id": lambda data: str(data.id),
    "title": lambda data: data.title,
    "summary": lambda data: data.summary,
    "body": lambda data: data.body,
    "source": lambda data: data.source.name if data.source else "",
    "topic": lambda data: " ; ".join(sorted(topic.name for topic in data.broader_topics)),
    "author": lambda data: " ; ".join(data.authors),
    "identifier": _identifiers,
    "topic_facet": lambda data: ",".join(sorted(topic.slug for topic in data.broader_topics)),
    "source_facet": lambda data: data.source.slug if data.source else "",
    "year_facet": lambda data: str(data.date.value.year) if data.date.value else UNDATED_YEAR,
    "language_facet": lambda data: data.language,
    "type_facet": lambda data: data.document_type,
    "people_facet": lambda data: ",".join(data.entity_keys.get("person", ())),
    "places_facet": lambda data: ",".join(data.entity_keys.get("place", ())),
    "organizations_facet": lambda data: ",".join(data.entity_keys.get("organization", ())),
}

# The entity facets' names (fields.py) and the kind of entity each lists.
ENTITY_FACETS = {"people": "person", "places": "place", "organizations": "organization"}


def document_of(data: EntryData) -> dict:
    """The search document of an entry as plain data (``DOCUMENT_VALUES``), without its
    fingerprint."""
    document = {name: value(data) for name, value in DOCUMENT_VALUES.items()}
    if data.date.value:
        start, end = period(data.date.value, data.date_precision)
        document.update(date_start=date_number(start), date_end=date_number(end))
    return document


class DocumentRows:
    """Search documents from entries' plain rows (a rebuild's serial step): no model
    object an entry, its topics' links and identifiers read for a whole batch at once, the
    sources and the topic tree (a few hundred) once. The documents are those
    the projection of the entry's model object gives (a test compares them)."""

    COLUMNS = (
        "pk", "title", "summary", "body", "source_id", "authors", "date",
        "date_precision", "language", "document_type",
    )  # fmt: skip

    def __init__(self):
        with translation.override(settings.LANGUAGE_CODE):  # names in English
            self.sources = {
                source.pk: (source.slug, source.name) for source in Source.objects.all()
            }
            self.ancestry = {
                topic.pk: [(each.slug, each.name) for each in topic.ancestry()]
                for topic in Topic.objects.select_related("parent__parent")
            }

    def documents(self, rows: list[tuple]) -> list[dict]:
        ids = [row[0] for row in rows]
        topics: dict[int, set] = {}
        links = Entry.topics.through.objects.filter(entry_id__in=ids).values_list(
            "entry_id", "topic_id"
        )
        for entry_id, topic_id in links.order_by():
            topics.setdefault(entry_id, set()).update(self.ancestry.get(topic_id, ()))
        identifiers: dict[int, list[dict]] = {}
        values = (
            EntryIdentifier.objects.filter(entry_id__in=ids)
            .order_by("entry_id", "scheme", "value")
            .values_list("entry_id", "scheme", "value")
        )
        for entry_id, scheme, value in values:
            identifiers.setdefault(entry_id, []).append({"scheme": scheme, "value": value})
        keys = entity_keys_of(ids)
        return [
            document_of(self._data(row, topics.get(row[0], ()), identifiers.get(row[0], ()), keys))
            for row in rows
        ]

    def _data(self, row, broader, identifiers, keys: dict) -> EntryData:
        """The entry as the projection's plain data, with the fields a document reads
        (the others empty: a document never reads them)."""
        pk, title, summary, body, source_id, authors, day, precision, language, kind = row
        source = self.sources.get(source_id)
        return EntryData(
            id=pk,
            external_id="",
            slug="",
            title=title,
            title_is_devised=False,
            summary=summary,
            body=body,
            date=PartialDate(day, precision or UNDATED),
            date_precision=precision,
            date_note="",
            source=SourceData(source[0], source[1], "", "", "") if source else None,
            topics=(),
            broader_topics=tuple(TopicData(slug, name, "") for slug, name in broader),
            language=language,
            document_type=kind,
            authors=tuple(line.strip() for line in authors.splitlines() if line.strip()),
            original_url="",
            identifiers=tuple(identifiers),
            rights="",
            entity_keys=keys.get(pk, {}),
        )


class EntryCatalogue:
    def count(self, *, published: bool) -> int:
        return indexed_entries(published).count()

    def documents(self, *, published, entry_ids=None, after=0, limit=None):
        entries = indexed_entries(published)
        if entry_ids is not None:
            entries = entries.filter(pk__in=entry_ids)
        if after:
            entries = entries.filter(pk__gt=after)
        rows = entries.order_by("pk").values_list(*DocumentRows.COLUMNS)
        chosen = iter(rows[:limit] if limit is not None else rows.iterator(chunk_size=2000))
        reader = DocumentRows()  # the sources and topic tree: ~6 ms, once a call
        while batch := list(itertools.islice(chosen, 2000)):
            yield from reader.documents(batch)

    def entries(self, entry_ids, *, published_only: bool = False) -> dict:
        entries = Entry.objects.all()
        if published_only:
            entries = entries.filter(status=Status.PUBLISHED)
        return (
            entries.select_related("source")
            .prefetch_related("topics__parent__parent")
            .in_bulk(entry_ids)
        )

    def texts(self, entry_ids, characters: int) -> dict[int, str]:
        rows = Entry.objects.filter(pk__in=list(entry_ids)).values_list(
            "pk", "title", "summary", Substr("body", 1, characters)
        )
        return {pk: "\n".join(parts) for pk, *parts in rows}

    def facet_labels(self, facet: str, values) -> dict[str, str]:
        if facet in ENTITY_FACETS:
            return entity_labels(ENTITY_FACETS[facet], values)
        if facet == "topic":
            return TOPIC_NAMES.labels(values)
        if facet == "source":
            return SOURCE_NAMES.labels(values)
        if facet == "language":
            return {value: vocabularies.language_name(value) for value in values if value}
        if facet == "type":
            names = dict(DocumentType.choices)
            return {value: names[value] for value in values if value in names}
        raise ValueError(f"the archive names no values of the facet {facet!r}")

    def facet_parents(self, facet: str, values) -> dict[str, str]:
        if facet != "topic":
            raise ValueError(f"the facet {facet!r} is not a tree")
        return TOPIC_PARENTS.labels(values)

    def is_known(self, facet: str, value: str) -> bool:
        if facet == "language":
            return vocabularies.is_language_code(value)
        return value in self.facet_labels(facet, [value])

    def thesaurus(self):
        return snapshot.current()

    def warm_up(self):
        vocabularies.language_choices()  # the language facet's names (Babel's, slow to load)
        TOPIC_NAMES.names()
        TOPIC_PARENTS.names()
        SOURCE_NAMES.names()
