"""What the repository holds, as OAI-PMH sees it: a record per entry ever published
(live while published; ``deleted`` once deleted or unpublished), each with a datestamp
(its last change) and its sets (its topics with their broader topics, and its source).

Records are listed in the order of (datestamp, entry id), which a resumption token
continues from; drafts never published are never records.
"""

import datetime
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Q

from archive.models import Entry, EntryTombstone, Source, Status, Topic

# Published now, or once (entries loaded in bulk may be published without a date of it).
EVER_PUBLISHED = Q(status=Status.PUBLISHED) | Q(published_at__isnull=False)
_SET_PART = re.compile(r"^[A-Za-z0-9\-_.!~*'()]+$")


@dataclass(frozen=True)
class Record:
    entry_id: int
    datestamp: datetime.datetime
    deleted: bool
    sets: tuple[str, ...] = ()
    entry: Entry | None = field(default=None, compare=False)

    @property
    def position(self) -> list:
        """Where a harvest stands after this record."""
        return [self.datestamp.isoformat(), self.entry_id]


def repository_identifier() -> str:
    return urlsplit(settings.ARCHIVE_BASE_URL).hostname or "localhost"


def oai_identifier(entry_id: int) -> str:
    return f"oai:{repository_identifier()}:entry/{entry_id}"


def entry_id_of(identifier: str) -> int | None:
    prefix = f"oai:{repository_identifier()}:entry/"
    rest = identifier.removeprefix(prefix) if identifier.startswith(prefix) else ""
    return int(rest) if rest.isdigit() and len(rest) < 19 else None


def set_part(slug: str, pk: int) -> str:
    """A slug as a setSpec part (setSpec allows a few ASCII characters only)."""
    return slug if _SET_PART.match(slug) else f"id{pk}"


def topic_spec(topic: Topic) -> str:
    return _path_spec(topic.ancestry())


def _path_spec(path: list[Topic]) -> str:
    return "topic:" + ":".join(set_part(t.slug, t.pk) for t in path)


def source_spec(source: Source) -> str:
    return f"source:{set_part(source.slug, source.pk)}"


def all_sets() -> list[tuple[str, str]]:
    """(setSpec, setName) of every set: the two top sets, each topic, each source."""
    sets = [("topic", "Topics"), ("source", "Sources")]
    topics = Topic.objects.select_related("parent__parent")
    sets += sorted((topic_spec(topic), str(topic)) for topic in topics)
    sets += sorted((source_spec(source), source.name) for source in Source.objects.all())
    return sets


def entries_in_set(spec: str) -> Q | None:
    """The entries of a set, or None when no set has this setSpec."""
    if spec == "topic":
        return Q(topics__isnull=False)
    if spec == "source":
        return Q(source__isnull=False)
    topic = _topics_by_spec().get(spec)
    if topic is not None:
        return Q(topics__in=[topic.pk, *_descendant_ids(topic)])
    for source in Source.objects.all():
        if source_spec(source) == spec:
            return Q(source=source)
    return None


def _topics_by_spec() -> dict[str, Topic]:
    return {topic_spec(t): t for t in Topic.objects.select_related("parent__parent")}


def _descendant_ids(topic: Topic) -> list[int]:
    found, frontier = [], [topic.pk]
    while frontier:
        frontier = list(Topic.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        found += frontier
    return found


def earliest_datestamp() -> datetime.datetime:
    first = (
        Entry.objects.filter(EVER_PUBLISHED)
        .order_by("updated_at")
        .values_list("updated_at", flat=True)
        .first()
    )
    gone = EntryTombstone.objects.order_by("deleted_at").values_list("deleted_at", flat=True)
    candidates = [value for value in (first, gone.first()) if value is not None]
    return min(candidates) if candidates else datetime.datetime.now(datetime.UTC)


def records(
    *,
    start: datetime.datetime | None,
    end: datetime.datetime,
    spec: str | None,
    after: tuple[datetime.datetime, int] | None,
    limit: int,
) -> list[Record]:
    """Up to ``limit`` records with start <= datestamp < end, in the set ``spec``, after
    the position ``after``, in order."""
    members = entries_in_set(spec) if spec else Q()
    ever_published = Entry.objects.filter(EVER_PUBLISHED).filter(members)
    if spec:
        ever_published = ever_published.distinct()
    window = _window("updated_at", "pk", start, end, after)
    entries = _with_what_records_show(ever_published.filter(window))
    found = [_record_of(entry) for entry in entries.order_by("updated_at", "pk")[:limit]]
    if not spec:  # a deleted entry's sets are not kept: deletions are listed unfiltered
        gone = _window("deleted_at", "entry_id", start, end, after)
        found += [
            Record(tombstone.entry_id, tombstone.deleted_at, deleted=True)
            for tombstone in EntryTombstone.objects.filter(gone).order_by("deleted_at", "entry_id")[
                :limit
            ]
        ]
    found.sort(key=lambda record: (record.datestamp, record.entry_id))
    return found[:limit]


def _window(moment: str, number: str, start, end, after) -> Q:
    """start <= moment < end, and after the harvest's position (moment, number). The
    range comes first, so the index on (moment, number) starts there."""
    window = Q(**{f"{moment}__lt": end})
    if start is not None:
        window &= Q(**{f"{moment}__gte": start})
    if after is not None:
        window &= Q(**{f"{moment}__gte": after[0]})
        window &= Q(**{f"{moment}__gt": after[0]}) | Q(
            **{moment: after[0], f"{number}__gt": after[1]}
        )
    return window


def record(entry_id: int) -> Record | None:
    entry = _with_what_records_show(Entry.objects.filter(EVER_PUBLISHED, pk=entry_id)).first()
    if entry is not None:
        return _record_of(entry)
    tombstone = EntryTombstone.objects.filter(entry_id=entry_id).first()
    if tombstone is not None:
        return Record(tombstone.entry_id, tombstone.deleted_at, deleted=True)
    return None


def _with_what_records_show(entries):
    """Records show the entry's description, never its text (nor the raw capture): a
    page of 50 need not read megabytes of rows."""
    return (
        entries.select_related("source")
        .prefetch_related("topics__parent__parent", "identifiers")
        .defer("body", "raw_capture")
    )


def _record_of(entry: Entry) -> Record:
    deleted = entry.status != Status.PUBLISHED
    return Record(entry.pk, entry.updated_at, deleted=deleted, sets=_sets_of(entry), entry=entry)


def _sets_of(entry: Entry) -> tuple[str, ...]:
    specs = set()
    for topic in entry.topics.all():
        path = topic.ancestry()
        specs.update(_path_spec(path[:depth]) for depth in range(1, len(path) + 1))
    if entry.source is not None:
        specs.add(source_spec(entry.source))
    return tuple(sorted(specs))
