"""Reading an entry's names: the gazetteer's and its language's model's, filed under
their entities (``resolution.py``), the entry's links written anew. Idempotent: an entry
whose text and extraction are unchanged since it was last read is left alone."""

import hashlib
from collections import Counter

from django.db import transaction
from django.db.models import F, Q

from archive.entities import gazetteer, recognizers
from archive.entities.models import EntityExtraction, EntityMention
from archive.entities.resolution import form_for, refresh_links
from archive.models import Entry

# Changes when what extraction finds for the same text changes (a model, a rule): every
# entry is then pending again.
VERSION = "entities-1"


def text_of(entry: Entry) -> str:
    return "\n\n".join(part for part in (entry.title, entry.summary, entry.body) if part)


def text_hash(entry: Entry) -> str:
    return hashlib.sha256(f"{entry.language}\n{text_of(entry)}".encode()).hexdigest()


def names_in(text: str, language: str) -> list[tuple[recognizers.Mention, object]]:
    """Every name in a text: the gazetteer's, then the model's that do not overlap them."""
    text = recognizers.normalized(text)
    known = gazetteer.current().mentions(text)
    modelled = recognizers.mentions_in(text, language)
    # An organization's name that holds a place's (Japan Airlines, 日本政府, Russian
    # Border Service) is the organization's.
    organizations = [
        m
        for m in modelled
        if m.kind == recognizers.ORGANIZATION
        and any(
            m.start <= g.start and g.end <= m.end and m.end - m.start > g.end - g.start
            for g, _ in known
        )
    ]
    known = [
        (g, k)
        for g, k in known
        if not any(o.start <= g.start and g.end <= o.end for o in organizations)
    ]
    taken = [(mention.start, mention.end) for mention, _ in known]
    found = list(known)
    for mention in modelled:
        if any(mention.start < end and start < mention.end for start, end in taken):
            continue
        found.append((mention, None))
    return sorted(found, key=lambda pair: pair[0].start)


def _current(entry: Entry, digest: str) -> EntityExtraction | None:
    """The entry's extraction, if it read this text with this extraction."""
    done = EntityExtraction.objects.filter(entry_id=entry.pk).first()
    return done if done and done.version == VERSION and done.text_hash == digest else None


def is_current(entry: Entry) -> bool:
    return _current(entry, text_hash(entry)) is not None


def extract(entry: Entry, *, force: bool = False) -> bool:
    """Read an entry's names and file them; False when it was already current."""
    digest = text_hash(entry)
    done = None if force else _current(entry, digest)
    if done is not None:
        # Saved, but its text is the same: no longer pending (``pending_entries``).
        done.save(update_fields=["extracted_at"])  # auto_now: the time of this check
        return False
    found = names_in(text_of(entry), entry.language)
    counts: Counter = Counter()
    with transaction.atomic():
        for mention, known in found:
            form = form_for(mention.kind, mention.normal, known)
            if form is not None:
                counts[form.pk] += 1
        EntityMention.objects.filter(entry_id=entry.pk).delete()
        EntityMention.objects.bulk_create(
            EntityMention(entry_id=entry.pk, form_id=form_id, count=count)
            for form_id, count in counts.items()
        )
        EntityExtraction.objects.update_or_create(
            entry_id=entry.pk, defaults={"version": VERSION, "text_hash": digest}
        )
        refresh_links([entry.pk])
    return True


def pending_entries():
    """Entries never read, read by another extraction, or changed since they were read
    (``extract``'s hash check then tells whether their text did)."""
    return Entry.objects.filter(
        Q(entity_extraction__isnull=True)
        | ~Q(entity_extraction__version=VERSION)
        | Q(updated_at__gt=F("entity_extraction__extracted_at"))
    )


def extract_entities(entries, *, force: bool = False, progress=None) -> int:
    """Read the names of these entries (a queryset, read in batches by primary key);
    returns how many were read (the rest were current). ``progress(done, read)`` is
    called after each batch."""
    done = read = 0
    last = 0
    while True:
        batch = list(entries.filter(pk__gt=last).order_by("pk")[:BATCH])
        if not batch:
            return read
        for entry in batch:
            read += extract(entry, force=force)
        done += len(batch)
        last = batch[-1].pk
        if progress:
            progress(done, read)


BATCH = 200
