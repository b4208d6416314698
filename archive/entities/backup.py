"""Entities in a backup (``export_archive`` / ``import_entries FOLDER``): what editors
decided is kept — each entity's kind, names, status, merge, concept, the forms filed
under it, and its additions to and removals from entries. Mentions are not: they are
read again from the entries' texts (``extract_entities``), and filed as decided."""

from django.db import transaction

from archive.entities.models import (
    LABEL_LANGUAGES,
    Entity,
    EntityChoice,
    EntityForm,
    EntityKind,
    EntityStatus,
    FormOrigin,
)
from archive.entities.naming import folded
from archive.entities.resolution import add_form, refresh_links
from archive.models import Entry
from archive.thesaurus.models import Concept


def export_entities() -> list[dict]:
    entities = Entity.objects.select_related("merged_into", "concept").prefetch_related(
        "forms", "choices"
    )
    return [
        {
            "key": entity.key,
            "kind": entity.kind,
            "name": entity.name,
            "labels": {
                language: getattr(entity, f"label_{language}")
                for language in LABEL_LANGUAGES
                if getattr(entity, f"label_{language}")
            },
            "labels_fixed": entity.labels_fixed,
            "status": entity.status,
            "merged_into": entity.merged_into.key if entity.merged_into else None,
            "concept": entity.concept.key if entity.concept else None,
            "forms": [{"text": form.text, "origin": form.origin} for form in entity.forms.all()],
            "choices": [
                {"entry": str(choice.entry_id), "included": choice.included}
                for choice in entity.choices.all()
            ],
        }
        for entity in entities.order_by("pk")
    ]


def problems(records) -> list[str]:
    """What makes a backup's entities unreadable (nothing is written if any)."""
    if records is None:
        return []
    if not isinstance(records, list):
        return ["entities: must be a list."]
    found = []
    for number, record in enumerate(records, 1):
        if not isinstance(record, dict) or not isinstance(record.get("key"), str):
            found.append(f"entities[{number}]: needs a key.")
        elif record.get("kind") not in EntityKind.values:
            found.append(
                f"entities[{number}] {record['key']}: unknown kind {record.get('kind')!r}."
            )
        elif record.get("status", EntityStatus.PROPOSED) not in EntityStatus.values:
            found.append(f"entities[{number}] {record['key']}: unknown status.")
    return found


def restore_entities(records) -> list[tuple[str, str]]:
    """Write a backup's entities as they were (in the caller's transaction); returns each
    one's key and what was done: "create", "update" or "unchanged"."""
    if not records:
        return []
    with transaction.atomic():
        by_key, actions = {}, {}
        for record in records:
            labels = record.get("labels") or {}
            concept = Concept.objects.filter(key=record.get("concept") or "").first()
            values = {
                "kind": record["kind"],
                "name": str(record.get("name") or record["key"])[:300],
                "label_en": str(labels.get("en", ""))[:300],
                "label_ru": str(labels.get("ru", ""))[:300],
                "label_ja": str(labels.get("ja", ""))[:300],
                "labels_fixed": bool(record.get("labels_fixed")),
                "status": record.get("status", EntityStatus.PROPOSED),
                "concept": concept,
            }
            entity = Entity.objects.filter(key=record["key"]).first()
            if entity is None:
                entity = Entity.objects.create(key=record["key"], **values)
                actions[entity.key] = "create"
            else:
                changed = [name for name, value in values.items() if getattr(entity, name) != value]
                for name in changed:
                    setattr(entity, name, values[name])
                if changed:
                    entity.save()
                actions[entity.key] = "update" if changed else "unchanged"
            by_key[entity.key] = entity
        entries = set()
        for record in records:
            entity = by_key[record["key"]]
            merged_into = by_key.get(record.get("merged_into") or "")
            if (
                merged_into
                and merged_into.pk != entity.pk
                and entity.merged_into_id != merged_into.pk
            ):
                entity.merged_into = merged_into
                entity.save(update_fields=["merged_into"])
                actions[entity.key] = actions[entity.key].replace("unchanged", "update")
            for form in record.get("forms") or ():
                text = str(form.get("text", "")) if isinstance(form, dict) else ""
                if not text.strip():
                    continue
                origin = form.get("origin")
                existing = EntityForm.objects.filter(folded=folded(text)).first()
                if existing:
                    if existing.entity_id != entity.pk:
                        existing.entity = entity  # as the editor had filed it
                        existing.save(update_fields=["entity"])
                        actions[entity.key] = actions[entity.key].replace("unchanged", "update")
                else:
                    add_form(entity, text, origin if origin in FormOrigin.values else "model")
                    actions[entity.key] = actions[entity.key].replace("unchanged", "update")
            for choice in record.get("choices") or ():
                entry_id = str(choice.get("entry", "")) if isinstance(choice, dict) else ""
                if entry_id.isdigit() and Entry.objects.filter(pk=int(entry_id)).exists():
                    EntityChoice.objects.update_or_create(
                        entry_id=int(entry_id),
                        entity=entity,
                        defaults={"included": bool(choice.get("included"))},
                    )
                    entries.add(int(entry_id))
        changed = [e.pk for key, e in by_key.items() if actions[key] != "unchanged"]
        if changed or entries:
            refresh_links(sorted(entries), extra_entities=changed)
    return list(actions.items())
