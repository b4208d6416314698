"""People, places and organizations named in entries.

``Entity``: one real-world person, place or organization, whatever script names it.
``EntityForm``: one way of writing it (Сергей Лавров, ラブロフ), unique across the archive:
re-extraction files a name it finds under its form's entity, so an editor's merge, split
or rejection (which move forms between entities, or mark one) is never undone.
``EntityMention``: how often an entry writes a form (what extraction found).
``EntityChoice``: an editor's addition or removal of an entity on one entry.
``EntryEntity``: what follows from the three, the entry's entities as search, the facets
and the pages read them (``resolution.refresh_links``).
"""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from archive.models import Entry

LABEL_LANGUAGES = ("en", "ru", "ja")


class EntityKind(models.TextChoices):
    PERSON = "person", _("Person")
    PLACE = "place", _("Place")
    ORGANIZATION = "organization", _("Organization")


# Each kind's pages and facet (``/people/<key>/``; ``?people=<key>``).
KIND_PATHS = {
    EntityKind.PERSON: "people",
    EntityKind.PLACE: "places",
    EntityKind.ORGANIZATION: "organizations",
}
PATH_KINDS = {path: kind for kind, path in KIND_PATHS.items()}


class EntityStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed (found by extraction)")
    ACCEPTED = "accepted", _("Accepted by an editor")
    REJECTED = "rejected", _("Rejected (never shown, never found again)")
    MERGED = "merged", _("Merged into another")


# The statuses of entities that readers see (in facets, pages, exports) and that new forms
# may join.
SHOWN_STATUSES = (EntityStatus.PROPOSED, EntityStatus.ACCEPTED)
FORM_LENGTH = 300  # characters of a form (and of its folded key) kept


class Entity(models.Model):
    kind = models.CharField(_("kind"), max_length=12, choices=EntityKind.choices)
    key = models.SlugField(_("key"), max_length=120, unique=True, allow_unicode=False)
    name = models.CharField(_("name"), max_length=300)
    label_en = models.CharField(_("name in English"), max_length=300, blank=True)
    label_ru = models.CharField(_("name in Russian"), max_length=300, blank=True)
    label_ja = models.CharField(_("name in Japanese"), max_length=300, blank=True)
    labels_fixed = models.BooleanField(
        _("names set by an editor"),
        default=False,
        help_text=_("Otherwise each name is the most frequent form in its script."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=EntityStatus.choices, default=EntityStatus.PROPOSED
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="merged",
        verbose_name=_("merged into"),
    )
    concept = models.ForeignKey(
        "archive.Concept",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="entities",
        verbose_name=_("thesaurus concept"),
    )
    entry_count = models.PositiveIntegerField(_("entries"), default=0, editable=False)
    confidence = models.FloatField(_("confidence"), default=0.5, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("entity")
        verbose_name_plural = _("people, places and organizations")
        ordering = ["-entry_count", "name"]
        indexes = [models.Index(fields=["kind", "status"], name="entity_kind_status")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("archive:entity", args=[KIND_PATHS[self.kind], self.key])

    @property
    def path(self) -> str:
        return KIND_PATHS[self.kind]

    @property
    def shown(self) -> bool:
        return self.status in SHOWN_STATUSES

    def label(self, language: str | None) -> str:
        """Its name in ``language`` where one exists, else its own name."""
        code = (language or "en")[:2]
        if code in LABEL_LANGUAGES:
            return getattr(self, f"label_{code}") or self.name
        return self.label_en or self.name

    def final(self) -> "Entity":
        """The entity this one was merged into, following merges to the end."""
        entity, seen = self, {self.pk}
        while entity.merged_into_id and entity.merged_into_id not in seen:
            seen.add(entity.merged_into_id)
            entity = entity.merged_into
        return entity


class FormOrigin(models.TextChoices):
    MODEL = "model", _("the language model")
    GAZETTEER = "gazetteer", _("the thesaurus or the gazetteer")
    EDITOR = "editor", _("an editor")


class EntityForm(models.Model):
    entity = models.ForeignKey(
        Entity, on_delete=models.CASCADE, related_name="forms", verbose_name=_("entity")
    )
    text = models.CharField(_("form"), max_length=FORM_LENGTH)
    folded = models.CharField(max_length=FORM_LENGTH, unique=True, editable=False)
    script = models.CharField(_("script"), max_length=2)
    # Why it belongs with the entity's other forms (naming.py): shown to editors.
    key = models.CharField(_("name key"), max_length=200, blank=True, db_index=True)
    skeleton = models.CharField(_("skeleton"), max_length=200, blank=True, db_index=True)
    given_initial = models.CharField(_("given name's initial"), max_length=1, blank=True)
    katakana = models.BooleanField(default=False)
    origin = models.CharField(
        _("found by"), max_length=10, choices=FormOrigin.choices, default=FormOrigin.MODEL
    )
    mentions = models.PositiveIntegerField(_("mentions"), default=0)

    class Meta:
        verbose_name = _("form")
        verbose_name_plural = _("forms")
        ordering = ["script", "-mentions", "text"]

    def __str__(self):
        return self.text


class EntityMention(models.Model):
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="entity_mentions")
    form = models.ForeignKey(EntityForm, on_delete=models.CASCADE, related_name="in_entries")
    count = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entry", "form"], name="mention_once_per_entry")
        ]

    def __str__(self):
        return f"{self.form} ×{self.count}"


class EntityChoice(models.Model):
    """An editor's word on one entry: this entity is named in it, or it is not."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="entity_choices")
    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="choices")
    included = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entry", "entity"], name="choice_once_per_entry")
        ]

    def __str__(self):
        return f"{'+' if self.included else '−'}{self.entity}"


class EntryEntity(models.Model):
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="entity_links")
    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="entry_links")
    mentions = models.PositiveIntegerField(default=0)
    by_editor = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entry", "entity"], name="entity_once_per_entry")
        ]

    def __str__(self):
        return str(self.entity)


class EntityExtraction(models.Model):
    """When an entry's names were last read, by which extraction, from which text: an
    entry whose row is missing or out of date is pending (``extract_entities``)."""

    entry = models.OneToOneField(
        Entry, on_delete=models.CASCADE, primary_key=True, related_name="entity_extraction"
    )
    version = models.CharField(max_length=40)
    text_hash = models.CharField(max_length=64)
    extracted_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return self.version


def shown_links(entry):
    """An entry's links to the entities readers see, each with its entity, the most
    mentioned first (the entry page, the API, OAI-PMH)."""
    return (
        EntryEntity.objects.filter(entry=entry, entity__status__in=SHOWN_STATUSES)
        .select_related("entity")
        .order_by("-mentions", "entity__name")
    )


def shown_links_of(entry_ids) -> dict[int, list]:
    """``shown_links`` of many entries in one query (a page of OAI-PMH records): by
    entry id, in the same order; an entry without any is absent."""
    links: dict[int, list] = {}
    found = (
        EntryEntity.objects.filter(entry_id__in=entry_ids, entity__status__in=SHOWN_STATUSES)
        .select_related("entity")
        .order_by("entry_id", "-mentions", "entity__name")
    )
    for link in found:
        links.setdefault(link.entry_id, []).append(link)
    return links
