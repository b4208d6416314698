"""Editors' decisions on entities. Each moves forms or marks an entity, never deletes what
extraction found, so that re-extraction (which files a known form where it is) keeps it;
each brings the links of the entries concerned up to date and queues them for the index."""

from django.db import transaction

from archive.entities import gazetteer
from archive.entities.models import (
    LABEL_LANGUAGES,
    Entity,
    EntityChoice,
    EntityForm,
    EntityStatus,
    EntryEntity,
)
from archive.entities.naming import script_of
from archive.entities.resolution import new_entity, refresh_links, update_entities
from archive.search import queue_entries
from archive.thesaurus.models import Concept, ConceptLabel, LabelKind, fold


class EntityDecisionError(ValueError):
    """A decision that cannot be carried out as asked (said to the editor)."""


def _entries_of(entities) -> list[int]:
    ids = [entity.pk for entity in entities]
    linked = EntryEntity.objects.filter(entity_id__in=ids).values_list("entry_id", flat=True)
    mentioned = EntityForm.objects.filter(entity_id__in=ids).values_list(
        "in_entries__entry_id", flat=True
    )
    chosen = EntityChoice.objects.filter(entity_id__in=ids).values_list("entry_id", flat=True)
    return sorted({pk for pk in [*linked, *mentioned, *chosen] if pk is not None})


def merge(target: Entity, others) -> int:
    """File the others' forms and editors' choices under ``target``; each other keeps its
    address, which leads to ``target``. Returns how many were merged."""
    target = target.final()
    others = [other.final() for other in others]
    others = [other for other in others if other.pk != target.pk]
    if not others:
        raise EntityDecisionError("An entity cannot be merged into itself.")
    with transaction.atomic():
        entries = _entries_of([target, *others])
        for other in others:
            EntityForm.objects.filter(entity=other).update(entity=target)
            for choice in EntityChoice.objects.filter(entity=other):
                if not EntityChoice.objects.filter(
                    entry_id=choice.entry_id, entity=target
                ).exists():
                    EntityChoice.objects.filter(pk=choice.pk).update(entity=target)
            if other.concept_id and not target.concept_id:
                target.concept_id = other.concept_id
            other.status = EntityStatus.MERGED
            other.merged_into = target
            other.save(update_fields=["status", "merged_into", "updated_at"])
        target.save()
        refresh_links(entries, extra_entities=[target.pk, *(o.pk for o in others)])
    gazetteer.forget()
    return len(others)


def split_off(form: EntityForm) -> Entity:
    """Give a form wrongly filed under an entity an entity of its own (extraction then
    files that form there, every time)."""
    old = form.entity
    if old.forms.count() < 2:
        raise EntityDecisionError("An entity's only form cannot be split off.")
    with transaction.atomic():
        entity = new_entity(old.kind, form.text)
        form.entity = entity
        form.save(update_fields=["entity"])
        entries = list(form.in_entries.values_list("entry_id", flat=True))
        refresh_links(entries, extra_entities=[old.pk, entity.pk])
    return entity


def set_status(entities, status: str) -> int:
    """Accept or reject entities. A rejected one is never shown, and a form of it found
    again (in any entry) stays with it."""
    entities = [entity for entity in entities if entity.status != EntityStatus.MERGED]
    with transaction.atomic():
        for entity in entities:
            entity.status = status
            entity.save(update_fields=["status", "updated_at"])
        refresh_links(_entries_of(entities), extra_entities=[e.pk for e in entities])
    gazetteer.forget()
    return len(entities)


def entity_changed(entity: Entity):
    """An editor changed an entity in its own page: its status takes effect on its
    entries' links; its kind moves it to another facet, so its entries are indexed again
    (a rename needs nothing: the facets and pages read names as they are)."""
    with transaction.atomic():
        entries = _entries_of([entity])
        refresh_links(entries, extra_entities=[entity.pk])
        queue_entries(entries)
    gazetteer.forget()


def choose(entry_id: int, entity: Entity, included: bool):
    """An editor says an entity is (or is not) named in an entry: kept across
    re-extraction."""
    entity = entity.final()
    with transaction.atomic():
        EntityChoice.objects.update_or_create(
            entry_id=entry_id, entity=entity, defaults={"included": included}
        )
        refresh_links([entry_id], extra_entities=[entity.pk])


def promote(entity: Entity) -> Concept:
    """A thesaurus concept for an entity, its names as labels: the preferred one per
    language, its other forms as alternative labels. Returns the concept."""
    entity = entity.final()
    if entity.concept_id:
        return entity.concept
    with transaction.atomic():
        key, number = entity.key, 1
        while Concept.objects.filter(key=key).exists():
            number += 1
            key = f"{entity.key}-{number}"
        concept = Concept.objects.create(key=key)
        used: set[tuple[str, str]] = set()
        for language in LABEL_LANGUAGES:
            label = getattr(entity, f"label_{language}")
            if language == "en" and not label and script_of(entity.name) == "en":
                label = entity.name
            if label:
                ConceptLabel.objects.create(
                    concept=concept, language=language, kind=LabelKind.PREFERRED, text=label
                )
                used.add((language, fold(label)))
        for form in entity.forms.all():
            language = form.script if form.script in LABEL_LANGUAGES else "en"
            if (language, fold(form.text)) in used:
                continue
            used.add((language, fold(form.text)))
            ConceptLabel.objects.create(
                concept=concept, language=language, kind=LabelKind.ALTERNATIVE, text=form.text
            )
        entity.concept = concept
        entity.status = EntityStatus.ACCEPTED
        entity.save(update_fields=["concept", "status", "updated_at"])
        update_entities([entity.pk])
    gazetteer.forget()
    return concept
