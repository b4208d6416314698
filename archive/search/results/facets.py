"""Facets: each kind is a small class over one index field with a common shape.

Values of one facet combine with OR, different facets with AND, and each facet's
counts are computed with the other facets' filters applied, as catalogue users expect.
"""

from dataclasses import dataclass

from django.utils.translation import gettext

from archive.search.catalogue import catalogue
from archive.search.fields import FACET_FIELDS, FacetField
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


class Facet:
    """A facet over one index field (declared in ``fields.py``): its values' counts,
    named by the archive's catalogue, most frequent first."""

    def __init__(self, declared: FacetField):
        self.name = declared.name
        self.label = declared.label
        self.field = declared.index_field
        self.multi_valued = declared.multi_valued  # an entry can carry several values

    def labels(self, values) -> dict[str, str]:
        """The names of those values that name something (the archive's catalogue knows)."""
        return catalogue().facet_labels(self.name, values)

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
        return catalogue().is_known(self.name, value)


class YearFacet(Facet):
    """Years the engine names itself (and the undated), newest first, the undated last."""

    def labels(self, values):
        return {
            value: gettext("Undated") if value == UNDATED_YEAR else value
            for value in values
            if value == UNDATED_YEAR or (value.isdigit() and len(value) == 4)
        }

    def known(self, value):
        return value in self.labels([value])

    def sort_key(self, facet_value):
        undated = facet_value.value == UNDATED_YEAR
        return (undated, -int(facet_value.value) if not undated else 0)


FACETS: tuple[Facet, ...] = tuple(
    Facet(declared) if declared.named_by_catalogue else YearFacet(declared)
    for declared in FACET_FIELDS
)
FACETS_BY_NAME = {facet.name: facet for facet in FACETS}
