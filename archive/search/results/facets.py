"""Facets: each kind is a small class over one index field with a common shape.

Values of one facet combine with OR, different facets with AND, and each facet's
counts are computed with the other facets' filters applied, as catalogue users expect.
"""

import threading
import time
from dataclasses import dataclass

from django.db.models.signals import post_delete, post_save
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from archive import vocabularies
from archive.models import DocumentType, Source, Topic
from archive.search.schema import UNDATED_YEAR


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class FacetResult:
    name: str
    label: str
    values: tuple[FacetValue, ...]

    @property
    def selected(self) -> tuple[FacetValue, ...]:
        return tuple(value for value in self.values if value.selected)


class NameCache:
    """Every topic's or source's name by slug, per interface language, read once and kept
    for ``SECONDS``: each search names its facet values, and reading a few hundred rows
    each time was a tenth of a search. A save or deletion in this process forgets them
    at once; other processes see a rename within ``SECONDS``."""

    SECONDS = 60.0

    def __init__(self, read):
        self.read = read
        self._names: dict[str, tuple[float, dict[str, str]]] = {}
        self._lock = threading.Lock()

    def names(self) -> dict[str, str]:
        language = get_language() or ""
        with self._lock:
            kept = self._names.get(language)
        if kept is not None and time.monotonic() - kept[0] < self.SECONDS:
            return kept[1]
        names = self.read()
        with self._lock:
            self._names[language] = (time.monotonic(), names)
        return names

    def clear(self, **kwargs):
        with self._lock:
            self._names.clear()

    def labels(self, slugs) -> dict[str, str]:
        """The names of those slugs that name something."""
        names = self.names()
        return {slug: names[slug] for slug in slugs if slug in names}


TOPIC_NAMES = NameCache(
    lambda: {topic.slug: str(topic) for topic in Topic.objects.select_related("parent__parent")}
)
# Instances, not values(): the name in the visitor's language, else English.
SOURCE_NAMES = NameCache(lambda: {source.slug: source.name for source in Source.objects.all()})
for _model, _cache in ((Topic, TOPIC_NAMES), (Source, SOURCE_NAMES)):
    post_save.connect(_cache.clear, sender=_model, weak=False)
    post_delete.connect(_cache.clear, sender=_model, weak=False)


class Facet:
    name: str
    label: str
    field: str
    multi_valued = False  # True when an entry can carry several values

    def labels(self, values) -> dict[str, str]:
        return {value: value for value in values}

    def sort_key(self, facet_value: FacetValue):
        return (-facet_value.count, facet_value.label.casefold())

    def result(self, counts: dict[str, int], selected: tuple[str, ...]) -> FacetResult:
        counts = {value: count for value, count in counts.items() if value}
        values = set(counts) | set(selected)
        labels = self.labels(values)
        facet_values = [
            FacetValue(value, labels.get(value, value), counts.get(value, 0), value in selected)
            for value in values
            if value in labels
        ]
        return FacetResult(self.name, self.label, tuple(sorted(facet_values, key=self.sort_key)))

    def known(self, value: str) -> bool:
        return value in self.labels([value])


class TopicFacet(Facet):
    name, label, field = "topic", _("Topic"), "topic_facet"
    multi_valued = True

    def labels(self, values):
        return TOPIC_NAMES.labels(values)


class SourceFacet(Facet):
    name, label, field = "source", _("Source"), "source_facet"

    def labels(self, values):
        return SOURCE_NAMES.labels(values)


class YearFacet(Facet):
    name, label, field = "year", _("Year"), "year_facet"

    def labels(self, values):
        return {
            value: gettext("Undated") if value == UNDATED_YEAR else value
            for value in values
            if value == UNDATED_YEAR or (value.isdigit() and len(value) == 4)
        }

    def sort_key(self, facet_value):
        # Newest year first, the undated bucket last.
        undated = facet_value.value == UNDATED_YEAR
        return (undated, -int(facet_value.value) if not undated else 0)


class LanguageFacet(Facet):
    name, label, field = "language", _("Language"), "language_facet"

    def labels(self, values):
        return {value: vocabularies.language_name(value) for value in values if value}

    def known(self, value):
        return vocabularies.is_language_code(value)


class DocumentTypeFacet(Facet):
    name, label, field = "type", _("Document type"), "type_facet"

    def labels(self, values):
        names = dict(DocumentType.choices)
        return {value: names[value] for value in values if value in names}


FACETS: tuple[Facet, ...] = (
    TopicFacet(),
    SourceFacet(),
    YearFacet(),
    LanguageFacet(),
    DocumentTypeFacet(),
)
FACETS_BY_NAME = {facet.name: facet for facet in FACETS}
