"""Which entity a name belongs to, and which entities an entry has.

A form already filed (under any entity, rejected ones included) stays where it is: that is
how an editor's merge, split and rejection survive re-extraction. A new form joins
the entity of a gazetteer's name it came from, else the one entity whose forms share its
keys (``naming.py``; a person's given initials must not disagree), else starts a new
entity. Where two people could own a family name written alone, it starts its own entity
rather than guess; an editor may merge it.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, Q, Sum

from archive.entities import gazetteer
from archive.entities.models import (
    FORM_LENGTH,
    LABEL_LANGUAGES,
    SHOWN_STATUSES,
    Entity,
    EntityChoice,
    EntityForm,
    EntityMention,
    EntityStatus,
    EntryEntity,
    FormOrigin,
)
from archive.entities.naming import folded, keys_of, normal_text, script_of
from archive.entities.recognizers import KINDS, PERSON
from archive.search import queue_entries
from archive.slugs import latin_slug


def unique_key(name: str, kind: str) -> str:
    base = latin_slug(name)[:100].strip("-") or kind
    key, number = base, 1
    while Entity.objects.filter(key=key).exists():
        number += 1
        key = f"{base}-{number}"
    return key


def new_entity(kind: str, name: str, **fields) -> Entity:
    return Entity.objects.create(kind=kind, name=name, key=unique_key(name, kind), **fields)


def add_form(entity: Entity, text: str, origin: str = FormOrigin.MODEL) -> EntityForm:
    """File a form under an entity (or return it where it is already filed)."""
    text = normal_text(text)[:FORM_LENGTH]
    key = folded(text)
    existing = EntityForm.objects.filter(folded=key).first()
    if existing:
        return existing
    keys = keys_of(entity.kind, text)
    return EntityForm.objects.create(
        entity=entity,
        text=text,
        folded=key,
        script=script_of(text),
        key=keys.key,
        skeleton=keys.skeleton,
        given_initial=keys.given_initial,
        katakana=keys.katakana,
        origin=origin,
    )


def _candidates(kind: str, text: str, *, of_kind: str | None = None) -> list[Entity]:
    """Entities of this kind (or ``of_kind``), shown, whose forms share this form's keys."""
    keys = keys_of(kind, text)
    kind = of_kind or kind
    if not keys.key and not keys.skeleton:
        return []
    matches = Q(key=keys.key) if keys.key else Q(pk__in=[])
    if keys.skeleton:
        # A katakana form meets any form by its skeleton, and any form meets a katakana one.
        if keys.katakana:
            matches |= Q(skeleton=keys.skeleton)
        else:
            matches |= Q(skeleton=keys.skeleton, katakana=True)
    forms = EntityForm.objects.filter(
        matches, entity__kind=kind, entity__status__in=SHOWN_STATUSES
    ).select_related("entity")
    initials: dict[int, set[str]] = defaultdict(set)
    entities: dict[int, Entity] = {}
    for form in forms:
        entities[form.entity_id] = form.entity
        if form.given_initial:
            initials[form.entity_id].add(form.given_initial)
    if kind != PERSON:
        return list(entities.values())
    if keys.given_initial:
        # Sergey Lavrov is not Alexander Lavrov; an entity with no given name yet is either.
        agreeing = [e for e in entities.values() if keys.given_initial in initials[e.pk]]
        if agreeing:
            return agreeing
        return [e for e in entities.values() if not initials[e.pk]]
    return list(entities.values())


def _entity_of_known(known: gazetteer.Known) -> Entity | None:
    kind, identity = known.kind, known.identity
    if identity.startswith("concept:"):
        concept_id = int(identity.split(":", 1)[1])
        entity = Entity.objects.filter(concept_id=concept_id).order_by("pk").first()
        return entity.final() if entity else None
    # A country: its forms are filed together the first time any of them is found.
    for _language, text in known.forms:
        form = EntityForm.objects.filter(folded=folded(text)).select_related("entity").first()
        if form:
            return form.entity.final()
    # Named by its last English form (the everyday one, Russia, after the ISO name).
    english = [text for language, text in known.forms if language == "en"]
    entity = new_entity(kind, english[-1] if english else known.forms[0][1], confidence=1.0)
    for _language, text in known.forms:
        add_form(entity, text, FormOrigin.GAZETTEER)
    return entity


def form_for(kind: str, text: str, known: gazetteer.Known | None = None) -> EntityForm | None:
    """The form a found name is filed under, filed now if it is new."""
    text = normal_text(text)[:FORM_LENGTH]
    if len(text) < 2:
        return None
    form = EntityForm.objects.filter(folded=folded(text)).select_related("entity").first()
    if form:
        return form
    entity = _entity_of_known(known) if known else None
    origin = FormOrigin.GAZETTEER if known else FormOrigin.MODEL
    if entity is None:
        candidates = _candidates(kind, text)
        if len(candidates) == 1:
            entity = candidates[0].final()
    if entity is None and " " not in text:
        # A model's kind is the weakest evidence: a one-word name that the archive
        # already files, under one entity of another kind, is that entity (Kishida read
        # as an organization; ガスプロム as a person).
        others = [
            candidate
            for other in KINDS
            if other != kind
            for candidate in _candidates(other, text, of_kind=other)
        ]
        if len(others) == 1:
            entity = others[0].final()
    if entity is None:
        entity = new_entity(kind, text)
    return add_form(entity, text, origin)


def entities_of(entry_id: int) -> dict[int, tuple[int, bool]]:
    """An entry's entities as its mentions and an editor's choices give them:
    {entity id: (mentions, added by an editor)}, rejected and merged ones resolved."""
    counts: Counter = Counter()
    finals: dict[int, Entity] = {}
    mentions = EntityMention.objects.filter(entry_id=entry_id).select_related("form__entity")
    for mention in mentions:
        entity = mention.form.entity
        if entity.merged_into_id:
            entity = entity.final()
        finals[entity.pk] = entity
        counts[entity.pk] += mention.count
    found = {pk: (n, False) for pk, n in counts.items() if finals[pk].status in SHOWN_STATUSES}
    for choice in EntityChoice.objects.filter(entry_id=entry_id).select_related("entity"):
        entity = choice.entity.final()
        if choice.included and entity.status in SHOWN_STATUSES:
            found[entity.pk] = (found.get(entity.pk, (0, True))[0], True)
        elif not choice.included:
            found.pop(entity.pk, None)
    return found


def refresh_links(entry_ids: Iterable[int], extra_entities: Iterable[int] = ()):
    """Write each entry's entities (``EntryEntity``) anew from its mentions and choices;
    entries whose entities changed are queued for the index, and the counts, confidence
    and names of the entities concerned brought up to date."""
    entry_ids = list(dict.fromkeys(entry_ids))
    touched: set[int] = set(extra_entities)
    changed_entries = []
    with transaction.atomic():
        for entry_id in entry_ids:
            wanted = entities_of(entry_id)
            old = {link.entity_id: link for link in EntryEntity.objects.filter(entry_id=entry_id)}
            if {pk: (link.mentions, link.by_editor) for pk, link in old.items()} != wanted:
                EntryEntity.objects.filter(entry_id=entry_id).delete()
                EntryEntity.objects.bulk_create(
                    EntryEntity(entry_id=entry_id, entity_id=pk, mentions=n, by_editor=editor)
                    for pk, (n, editor) in wanted.items()
                )
                if set(old) != set(wanted):
                    changed_entries.append(entry_id)
            touched |= set(old) | set(wanted)
        update_entities(touched)
        if changed_entries:
            queue_entries(changed_entries)
    return changed_entries


def update_entities(entity_ids: Iterable[int]):
    """Each entity's entry count, its forms' mention counts, its confidence, and (unless
    an editor set them) its name in each language: the fullest, most frequent form in
    that script."""
    entity_ids = list(entity_ids)
    if not entity_ids:
        return
    forms = list(
        EntityForm.objects.filter(entity_id__in=entity_ids)
        .annotate(total=Sum("in_entries__count"))
        .only("pk", "mentions")
    )
    for form in forms:
        form.mentions = form.total or 0
    EntityForm.objects.bulk_update(forms, ["mentions"], batch_size=500)
    counts = dict(
        EntryEntity.objects.filter(entity_id__in=entity_ids)
        .values("entity_id")
        .annotate(n=Count("entry_id"))
        .values_list("entity_id", "n")
    )
    for entity in Entity.objects.filter(pk__in=entity_ids).prefetch_related("forms"):
        entity.entry_count = counts.get(entity.pk, 0)
        entity.confidence = confidence(entity)
        if not entity.labels_fixed:
            set_labels(entity)
        entity.save(
            update_fields=["entry_count", "confidence", "name", "label_en", "label_ru", "label_ja"]
        )


def confidence(entity: Entity) -> float:
    """How much stands behind an entity: an editor's acceptance or a thesaurus concept is
    certain; otherwise each further entry naming it, and a gazetteer's form, adds to it."""
    if entity.status == EntityStatus.REJECTED:
        return 0.0
    if entity.status == EntityStatus.ACCEPTED or entity.concept_id:
        return 1.0
    forms = list(entity.forms.all())
    if any(form.origin == FormOrigin.GAZETTEER for form in forms):
        return 0.95
    scripts = {form.script for form in forms}
    score = 1 - 0.5 * (0.7 ** max(0, entity.entry_count - 1)) + 0.05 * (len(scripts) - 1)
    return round(max(0.3, min(0.9, score)), 2)


def set_labels(entity: Entity):
    by_script: dict[str, list[EntityForm]] = defaultdict(list)
    for form in entity.forms.all():
        by_script[form.script].append(form)

    def best(forms):
        if entity.kind != PERSON:
            # The form most written (Russia before the Russian Federation), the shorter.
            return max(forms, key=lambda f: (f.mentions, -len(f.text))).text
        # A full name (Sergey Lavrov, セルゲイ・ラブロフ) before a family name alone.
        return max(
            forms,
            key=lambda f: (
                len(f.text.replace("・", " ").split()) > 1 or "・" in f.text,
                f.mentions,
                len(f.text),
            ),
        ).text

    for language in LABEL_LANGUAGES:
        forms = by_script.get(language)
        setattr(entity, f"label_{language}", best(forms) if forms else "")
    if entity.status != EntityStatus.ACCEPTED:
        # Its own name: in Latin letters where it has one, else its most written form.
        written = {script: sum(f.mentions for f in forms) for script, forms in by_script.items()}
        most = max(written, key=lambda script: written[script], default="")
        entity.name = (
            entity.label_en or (most and getattr(entity, f"label_{most}", "")) or entity.name
        )
