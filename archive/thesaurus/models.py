"""Concepts and their labels, modelled on SKOS (the W3C standard for thesauri): a concept
has at most one preferred label per language, any number of alternative and hidden
labels, a scope note, a note naming the sources its labels were checked against,
broader and related concepts, and optionally the topic it corresponds to."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

LANGUAGES = (("en", _("English")), ("ru", _("Russian")), ("ja", _("Japanese")))
LANGUAGE_CODES = tuple(code for code, _ in LANGUAGES)
_HAS_WORD = re.compile(r"[^\W_]")


def fold(text: str) -> str:
    """A label's form for comparing and looking up: Unicode NFKC, case folded, Russian
    ё as е, spaces collapsed (SQLite compares non-ASCII letters case-sensitively)."""
    folded = unicodedata.normalize("NFKC", text or "").casefold().replace("ё", "е")
    return " ".join(folded.split())


def preferred_name(preferred: dict[str, str], key: str, language: str | None = None) -> str:
    """A concept's name from its preferred labels (language → label): in ``language``
    (the interface's by default), else in English, else any, else its key."""
    language = language or get_language() or "en"
    for code in (language, "en", *LANGUAGE_CODES):
        if preferred.get(code):
            return preferred[code]
    return key


class LabelKind(models.TextChoices):
    PREFERRED = "preferred", _("Preferred")
    ALTERNATIVE = "alternative", _("Alternative")
    HIDDEN = "hidden", _("Hidden (searched, never shown)")


class Concept(models.Model):
    key = models.SlugField(
        _("key"),
        max_length=100,
        unique=True,
        help_text=_("Stable name in the concept's address and SKOS URI (never change it)."),
    )
    scope_note = models.TextField(
        _("scope note"), blank=True, help_text=_("What the concept covers (English).")
    )
    note = models.TextField(
        _("sources"), blank=True, help_text=_("The public sources each label was checked against.")
    )
    broader = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="narrower",
        verbose_name=_("broader concepts"),
    )
    related = models.ManyToManyField(
        "self", symmetrical=True, blank=True, verbose_name=_("related concepts")
    )
    topic = models.ForeignKey(
        "archive.Topic",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="concepts",
        verbose_name=_("topic"),
        help_text=_("The archive topic this concept corresponds to, if any."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("concept")
        verbose_name_plural = _("concepts")
        ordering = ["key"]

    def __str__(self):
        return self.name()

    def get_absolute_url(self):
        return reverse("archive:concept", args=[self.key])

    def preferred_labels(self) -> dict[str, str]:
        return {
            label.language: label.text
            for label in self.labels.all()
            if label.kind == LabelKind.PREFERRED
        }

    def name(self, language: str | None = None) -> str:
        return preferred_name(self.preferred_labels(), self.key, language)

    def descendants(self) -> set[int]:
        """Ids of every concept below this one (stops at cycles)."""
        seen: set[int] = set()
        frontier = [self.pk] if self.pk else []
        while frontier:
            found = list(
                Concept.broader.through.objects.filter(to_concept_id__in=frontier).values_list(
                    "from_concept_id", flat=True
                )
            )
            frontier = [pk for pk in found if pk not in seen]
            seen.update(frontier)
        return seen


def broader_cycle(concept: Concept, broader: list[Concept]) -> Concept | None:
    """A proposed broader concept that is the concept itself or one of its narrower
    concepts (which would make a cycle), or None."""
    below = concept.descendants() | {concept.pk}
    return next((other for other in broader if other.pk in below), None)


class ConceptLabel(models.Model):
    concept = models.ForeignKey(
        Concept, on_delete=models.CASCADE, related_name="labels", verbose_name=_("concept")
    )
    language = models.CharField(_("language"), max_length=2, choices=LANGUAGES)
    kind = models.CharField(
        _("kind"), max_length=12, choices=LabelKind.choices, default=LabelKind.ALTERNATIVE
    )
    text = models.CharField(_("label"), max_length=200)
    folded = models.CharField(max_length=200, db_index=True, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("label")
        verbose_name_plural = _("labels")
        ordering = ["language", "kind", "text"]
        constraints = [
            models.UniqueConstraint(
                fields=["concept", "language"],
                condition=Q(kind="preferred"),
                name="one_preferred_label_per_language",
            ),
            models.UniqueConstraint(
                fields=["concept", "language", "folded"], name="label_once_per_concept_language"
            ),
            models.CheckConstraint(condition=~Q(folded=""), name="label_is_not_empty"),
        ]

    def __str__(self):
        return f"{self.text} ({self.language})"

    def save(self, *args, **kwargs):
        self.text = " ".join(unicodedata.normalize("NFC", self.text or "").split())
        self.folded = fold(self.text)
        super().save(*args, **kwargs)

    def clean(self):
        self.text = " ".join(unicodedata.normalize("NFC", self.text or "").split())
        problem = label_problem(self.text)
        if problem:
            raise ValidationError({"text": problem})


def label_problem(text: str) -> str | None:
    """Why a label cannot be used, or None."""
    if not text.strip():
        return gettext("A label cannot be empty.")
    if not _HAS_WORD.search(text):
        return gettext("The label “%(text)s” has no letters or digits.") % {"text": text}
    return None
