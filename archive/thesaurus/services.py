"""Writing the thesaurus: importing SKOS records (all or nothing) and the checks the
admin and the import share."""

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext

from archive.models import Topic
from archive.search import label_terms
from archive.thesaurus.models import Concept, ConceptLabel, LabelKind, fold, label_problem
from archive.thesaurus.skos import (
    EXTENSIONS,
    ConceptRecord,
    ThesaurusFileError,
    parse,
    records_from,
)


@dataclass(frozen=True)
class ImportReport:
    created: int
    updated: int
    unchanged: int
    warnings: tuple[str, ...] = ()


def label_error(text: str) -> str | None:
    """Why a label cannot be searched, or None: empty, only punctuation, or only words
    too common to be searched ("the", "и")."""
    problem = label_problem(text)
    if problem:
        return problem
    if not label_terms(text):
        return gettext("The label “%(text)s” has only words too common to be searched.") % {
            "text": text
        }
    return None


def labels_elsewhere(concept: Concept, texts: list[str]) -> list[tuple[str, Concept]]:
    """(label, other concept) for each of these labels another concept also has: allowed
    (a name may mean two things) but worth an editor's second look."""
    folded = {fold(text): text for text in texts}
    clashes = (
        ConceptLabel.objects.filter(folded__in=folded)
        .exclude(concept=concept)
        .select_related("concept")
        .order_by("folded", "concept__key")
    )
    return [(folded[label.folded], label.concept) for label in clashes]


def label_clashes(labels) -> list[tuple]:
    """What the database refuses among one concept's labels, (language, kind, text) each:
    ("preferred", language, first, second) for a second preferred label in a language,
    ("twice", language, text) for a label given again (whatever its case) in a language."""
    clashes, preferred, seen = [], {}, set()
    for language, kind, text in labels:
        if kind == LabelKind.PREFERRED:
            if language in preferred:
                clashes.append(("preferred", language, preferred[language], text))
            preferred[language] = text
        if (language, fold(text)) in seen:
            clashes.append(("twice", language, text))
        seen.add((language, fold(text)))
    return clashes


def broader_cycle_path(broader: dict[str, set[str]]) -> list[str] | None:
    """A cycle in the broader relation (keys, the first repeated last), or None."""
    state: dict[str, int] = {}  # 1: being visited, 2: done

    def visit(key, path):
        state[key] = 1
        for parent in sorted(broader.get(key, ())):
            if state.get(parent) == 1:
                return [*path[path.index(parent) :], parent] if parent in path else [key, parent]
            if parent not in state:
                found = visit(parent, [*path, parent])
                if found:
                    return found
        state[key] = 2
        return None

    for key in sorted(broader):
        if key not in state:
            found = visit(key, [key])
            if found:
                return found
    return None


def _problems(records: list[ConceptRecord]) -> list[str]:
    problems = []
    keys = {record.key for record in records}
    known = keys | set(Concept.objects.values_list("key", flat=True))
    for record in records:
        for _language, _kind, text in record.labels:
            error = label_error(text)
            if error:
                problems.append(f"{record.key}: {error}")
        for clash in label_clashes(record.labels):
            if clash[0] == "preferred":
                _, language, first, second = clash
                problems.append(
                    f"{record.key}: two preferred labels in “{language}”"
                    f" (“{first}” and “{second}”)."
                )
            else:
                _, language, text = clash
                problems.append(f"{record.key}: the label “{text}” ({language}) is given twice.")
        if not record.labels:
            problems.append(f"{record.key}: a concept needs at least one label.")
        for other in sorted((record.broader | record.related) - known):
            problems.append(f"{record.key}: links to “{other}”, which is not a concept.")
        if record.key in record.broader:
            problems.append(f"{record.key}: a concept cannot be broader than itself.")
    broader = {
        key: set() for key in Concept.objects.exclude(key__in=keys).values_list("key", flat=True)
    }
    for child, parent in Concept.broader.through.objects.exclude(
        from_concept__key__in=keys
    ).values_list("from_concept__key", "to_concept__key"):
        broader[child].add(parent)
    broader.update({record.key: set(record.broader) for record in records})
    cycle = broader_cycle_path(broader)
    if cycle:
        problems.append(f"A cycle of broader concepts: {' → '.join(cycle)}.")
    return problems


def _state(concept: Concept) -> tuple:
    return (
        sorted((label.language, label.kind, label.text) for label in concept.labels.all()),
        concept.scope_note,
        concept.note,
        sorted(parent.key for parent in concept.broader.all()),
        sorted(other.key for other in concept.related.all()),
        concept.topic.slug if concept.topic else "",
    )


def _record_state(record: ConceptRecord, topics: set[str]) -> tuple:
    return (
        sorted(record.labels),
        record.scope_note,
        record.note,
        sorted(record.broader),
        sorted(record.related),
        record.topic if record.topic in topics else "",
    )


@transaction.atomic
def import_records(records: list[ConceptRecord]) -> ImportReport:
    """Create or update each concept so that it is exactly as the records say (labels,
    notes, links, topic); concepts the records do not name are left alone. Nothing is
    written when any record has a problem (ThesaurusFileError lists them all)."""
    problems = _problems(records)
    if problems:
        raise ThesaurusFileError("\n".join(problems))
    topics = set(Topic.objects.values_list("slug", flat=True))
    warnings = tuple(
        f"{record.key}: there is no topic “{record.topic}” in this archive; left unlinked."
        for record in records
        if record.topic and record.topic not in topics
    )
    existing = {
        concept.key: concept
        for concept in Concept.objects.prefetch_related("labels", "broader", "related")
        .select_related("topic")
        .filter(key__in=[record.key for record in records])
    }
    created = updated = unchanged = 0
    changed = []
    for record in records:
        concept = existing.get(record.key)
        if concept is not None and _state(concept) == _record_state(record, topics):
            unchanged += 1
            continue
        if concept is None:
            created += 1
            concept = Concept(key=record.key)
        else:
            updated += 1
        concept.scope_note, concept.note = record.scope_note, record.note
        concept.topic = Topic.objects.filter(slug=record.topic).first() if record.topic else None
        concept.save()
        concept.labels.all().delete()
        for language, kind, text in record.labels:
            ConceptLabel.objects.create(concept=concept, language=language, kind=kind, text=text)
        changed.append((concept, record))
    by_key = {concept.key: concept for concept in Concept.objects.all()}
    for concept, record in changed:
        concept.broader.set([by_key[key] for key in sorted(record.broader)])
        concept.related.set([by_key[key] for key in sorted(record.related)])
    return ImportReport(created, updated, unchanged, warnings)


def load_thesaurus_file(path: Path, format_name: str | None = None):
    """Import a SKOS file; ThesaurusFileError (naming what is wrong) writes nothing."""
    format_name = format_name or EXTENSIONS.get(path.suffix.lstrip(".").lower())
    if format_name is None:
        raise ThesaurusFileError(
            f"Cannot tell the format of {path.name}: name it .ttl or .jsonld, or pass --format."
        )
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ThesaurusFileError(f"Cannot read {path}: {error.strerror}.") from None
    return import_records(records_from(parse(data, format_name)))


def seed_thesaurus() -> Path:
    """The starting thesaurus that ships with the seed collection (SKOS Turtle)."""
    return settings.ARCHIVE_SEED_DIR / "thesaurus.ttl"
