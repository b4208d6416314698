"""The entities judged set (tests/data/entities): short documents in English, Russian
and Japanese with every person, place and organization labelled, and the real-world
entity each names (one id across languages). Measured: precision, recall and F1 of the
mentions found, per language and kind (a mention is right when its words, as the text
writes them, and its kind are the labelled ones; a Japanese title after a name, 外相, and
an English one before it are not part of it), and the cross-script clusters: the share
of each person's forms that are filed under one entity, and entities that hold two
people."""

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from archive.entities.extraction import names_in
from archive.entities.models import EntityForm
from archive.entities.naming import folded
from archive.entities.resolution import form_for
from archive.entities.seed import load_seed_entities
from archive.evaluation import metrics
from archive.thesaurus.services import load_thesaurus_file, seed_thesaurus

KINDS = ("person", "place", "organization")
LANGUAGES = ("en", "ru", "ja")


class EntitiesSetError(ValueError):
    """A judged set that cannot be read."""


def load(path) -> list[dict]:
    path = Path(path)
    if path.is_dir():
        path = path / "entities.json"
    try:
        documents = json.loads(path.read_text(encoding="utf-8"))["documents"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise EntitiesSetError(f"{path}: {error}") from None
    for document in documents:
        if not {"id", "language", "text", "mentions"} <= set(document):
            raise EntitiesSetError(f"{path}: a document lacks id, language, text or mentions")
    return documents


def with_seed_gazetteer():
    """The archive the set is measured in: the seed thesaurus and its entities, as
    ``make run`` has them (the gazetteer's part of extraction)."""
    load_thesaurus_file(seed_thesaurus())
    load_seed_entities()


def surface(mention, language: str) -> str:
    """The words a found mention is compared by: as written in Russian (its case is the
    text's), without a title in English and Japanese."""
    return mention.written if language == "ru" else mention.normal


@dataclass
class Scores:
    right: Counter = field(default_factory=Counter)  # (language, kind) → count
    found: Counter = field(default_factory=Counter)
    labelled: Counter = field(default_factory=Counter)
    misses: list = field(default_factory=list)
    strays: list = field(default_factory=list)
    # gold person id → Counter of entity ids its found forms are filed under
    clusters: dict = field(default_factory=lambda: defaultdict(Counter))
    people_by_entity: dict = field(default_factory=lambda: defaultdict(set))

    def f1(self, language, kind):
        """Precision, recall and F1 of one language's mentions of one kind."""
        right, found, labelled = (
            counts[language, kind] for counts in (self.right, self.found, self.labelled)
        )
        precision = right / found if found else 0.0
        recall = right / labelled if labelled else 0.0
        return precision, recall, metrics.f1(precision, recall)

    def merged_people(self) -> list[set]:
        return [people for people in self.people_by_entity.values() if len(people) > 1]

    def forms_together(self) -> float:
        """The share of people's found forms filed under their person's main entity."""
        together = sum(max(counts.values()) for counts in self.clusters.values() if counts)
        total = sum(sum(counts.values()) for counts in self.clusters.values())
        return together / total if total else 0.0


def evaluate(documents: list[dict]) -> Scores:
    """Extract every document's names and file them (in the archive the caller chose:
    the evaluation runs in one of its own)."""
    scores = Scores()
    seen_forms: set = set()
    for document in documents:
        language = document["language"]
        gold = Counter((m["text"], m["kind"]) for m in document["mentions"])
        gold_entity = {(m["text"], m["kind"]): m["entity"] for m in document["mentions"]}
        found = []
        for mention, known in names_in(document["text"], language):
            form = form_for(mention.kind, mention.normal, known)
            if form is not None:
                # Judged by the kind the archive files it under, which the page shows.
                found.append((mention, form.entity.final()))
        predicted = Counter((surface(m, language), entity.kind) for m, entity in found)
        for (_text, kind), count in gold.items():
            scores.labelled[language, kind] += count
        for (text, kind), count in predicted.items():
            scores.found[language, kind] += count
            right = min(count, gold.get((text, kind), 0))
            scores.right[language, kind] += right
            if count > right:
                scores.strays.append(f"  {document['id']} {kind} {text}")
        for (text, kind), count in gold.items():
            if predicted.get((text, kind), 0) < count:
                scores.misses.append(f"  {document['id']} {kind} {text}")
        for mention, entity in found:
            key = (surface(mention, language), entity.kind)
            if key not in gold_entity:
                continue
            person = gold_entity[key]
            form = EntityForm.objects.get(folded=folded(mention.normal))
            if entity.kind == "person":
                scores.people_by_entity[entity.pk].add(person)
                if (person, form.pk) not in seen_forms:
                    seen_forms.add((person, form.pk))
                    scores.clusters[person][entity.pk] += 1
    return scores


def report(scores: Scores, write):
    write("language  kind          precision  recall   F1")
    for language in LANGUAGES:
        for kind in KINDS:
            p, r, f = scores.f1(language, kind)
            write(f"{language:<9} {kind:<13} {p:>9.3f} {r:>7.3f} {f:>6.3f}")
    merged = scores.merged_people()
    write(
        f"people: {len(scores.clusters)}; forms under their person's main entity: "
        f"{scores.forms_together():.1%}; entities holding two people: {len(merged)}"
        + (f" ({'; '.join(', '.join(sorted(p)) for p in merged)})" if merged else "")
    )
