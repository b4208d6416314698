"""The thesaurus as search reads it: every concept's labels and narrower concepts, read
from the database once and kept until a concept or label changes (a change is seen by
the next search, in every process, without a rebuild)."""

import threading
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Count, Max

from archive.thesaurus.models import (
    LANGUAGE_CODES,
    Concept,
    ConceptLabel,
    LabelKind,
    preferred_name,
)


@dataclass(frozen=True)
class ConceptNames:
    id: int
    key: str
    preferred: tuple[tuple[str, str], ...]  # (language, label)
    labels: tuple[tuple[str, str, str], ...]  # (language, kind, text): every label
    narrower: tuple[int, ...] = ()

    def name(self, language: str | None = None) -> str:
        return preferred_name(dict(self.preferred), self.key, language)

    def shown_labels(self) -> tuple[str, ...]:
        """Preferred and alternative labels (hidden ones are searched, never shown)."""
        return tuple(
            dict.fromkeys(text for _, kind, text in self.labels if kind != LabelKind.HIDDEN)
        )

    def searched_labels(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(text for _, _, text in self.labels))


@dataclass(frozen=True)
class Thesaurus:
    version: tuple = ()
    concepts: dict[int, ConceptNames] = field(default_factory=dict)

    @cached_property
    def concepts_by_key(self) -> dict[str, ConceptNames]:
        return {concept.key: concept for concept in self.concepts.values()}

    def below(self, concept_id: int) -> list[int]:
        """The concept's narrower concepts, all the way down, nearest first (each once)."""
        found, frontier = [], [concept_id]
        while frontier:
            step = []
            for current in frontier:
                for child in self.concepts[current].narrower if current in self.concepts else ():
                    if child != concept_id and child not in found:
                        found.append(child)
                        step.append(child)
            frontier = step
        return found


def version() -> tuple:
    """Changes whenever a concept, a label or a link between concepts changes (links
    touch their concepts: ``signals.py``)."""
    concepts = Concept.objects.aggregate(count=Count("pk"), latest=Max("updated_at"))
    labels = ConceptLabel.objects.aggregate(count=Count("pk"), latest=Max("updated_at"))
    return (concepts["count"], concepts["latest"], labels["count"], labels["latest"])


def _label_order(label: tuple[str, str, str]):
    """Preferred labels first, then alternative, then hidden; English, Russian, Japanese."""
    language, kind, text = label
    kinds = (LabelKind.PREFERRED, LabelKind.ALTERNATIVE, LabelKind.HIDDEN)
    return (kinds.index(kind), LANGUAGE_CODES.index(language), text)


def load(current_version: tuple) -> Thesaurus:
    labels: dict[int, list] = {}
    for concept_id, language, kind, text in ConceptLabel.objects.values_list(
        "concept_id", "language", "kind", "text"
    ):
        labels.setdefault(concept_id, []).append((language, kind, text))
    for own in labels.values():
        own.sort(key=_label_order)
    narrower: dict[int, list] = {}
    for child, parent in Concept.broader.through.objects.values_list(
        "from_concept_id", "to_concept_id"
    ):
        narrower.setdefault(parent, []).append(child)
    concepts = {}
    for concept_id, key in Concept.objects.values_list("pk", "key"):
        own = labels.get(concept_id, [])
        concepts[concept_id] = ConceptNames(
            id=concept_id,
            key=key,
            preferred=tuple(
                (language, text) for language, kind, text in own if kind == LabelKind.PREFERRED
            ),
            labels=tuple(own),
            narrower=tuple(sorted(narrower.get(concept_id, []))),
        )
    return Thesaurus(current_version, concepts)


_lock = threading.Lock()
_cached = Thesaurus()


def current() -> Thesaurus:
    """The thesaurus as it is now in the database (one small query when unchanged)."""
    global _cached
    now = version()
    if _cached.version != now:
        with _lock:
            if _cached.version != now:
                _cached = load(now)
    return _cached
