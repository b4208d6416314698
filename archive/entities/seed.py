"""The seed's entities: the seed thesaurus's people, places and organizations
(``archive/seed/entities.json``), accepted and linked to their concepts."""

import json

from django.conf import settings

from archive.entities import gazetteer
from archive.entities.models import Entity, EntityStatus, FormOrigin
from archive.entities.resolution import add_form, new_entity, update_entities
from archive.thesaurus.models import Concept


def load_seed_entities() -> int:
    """Create the seed's entities that do not exist yet; returns how many were made."""
    listed = json.loads((settings.ARCHIVE_SEED_DIR / "entities.json").read_text("utf-8"))
    made = []
    for kind in ("person", "place", "organization"):
        for concept in Concept.objects.filter(key__in=listed[kind]).prefetch_related("labels"):
            if Entity.objects.filter(concept=concept).exists():
                continue
            entity = new_entity(
                kind, concept.name("en"), concept=concept, status=EntityStatus.ACCEPTED
            )
            for label in concept.labels.all():
                add_form(entity, label.text, FormOrigin.GAZETTEER)
            made.append(entity.pk)
    update_entities(made)
    gazetteer.forget()
    return len(made)
