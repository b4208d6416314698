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
    depth: int = 0  # in a tree: how many ancestors it is listed under
    parent: str = ""  # in a tree: the value it is listed under


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
        self.shown = declared.shown

    def labels(self, values) -> dict[str, str]:
        """The names of those values that name something (the archive's catalogue knows)."""
        return catalogue().facet_labels(self.name, values)

    def sort_key(self, facet_value: FacetValue):
        return (-facet_value.count, facet_value.label.casefold())

    def result(self, counts: dict[str, int], selected: tuple[str, ...]) -> FacetResult:
        counts = {value: count for value, count in counts.items() if value}
        if self.shown is not None and len(counts) > self.shown:
            top = sorted(counts, key=lambda value: (-counts[value], value))[: self.shown]
            counts = {value: counts[value] for value in top} | {
                value: counts[value] for value in selected if value in counts
            }
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


class TreeFacet(Facet):
    """A facet whose values form a tree (topics): each value listed under its parent,
    siblings most frequent first. Its label stays the whole path ("Economy › Energy")."""

    def result(self, counts, selected):
        flat = super().result(counts, selected)
        present = {value.value for value in flat.values}
        parents = {
            value: parent
            for value, parent in catalogue().facet_parents(self.name, present).items()
            if parent in present
        }
        children: dict[str, list[FacetValue]] = {}
        for value in flat.values:  # already most frequent first
            children.setdefault(parents.get(value.value, ""), []).append(value)
        ordered: list[FacetValue] = []

        def walk(parent: str, depth: int):
            for value in children.get(parent, ()):
                ordered.append(_placed(value, depth, parent))
                walk(value.value, depth + 1)

        walk("", 0)
        # Values in a cycle of parents (the admin refuses one) are never reached from a
        # root: listed after the tree, flat.
        listed = {value.value for value in ordered}
        ordered += [value for value in flat.values if value.value not in listed]
        return FacetResult(self.name, self.label, tuple(ordered))


def _placed(value: FacetValue, depth: int, parent: str) -> FacetValue:
    return FacetValue(value.value, value.label, value.count, value.selected, depth, parent)


def _facet_for(declared: FacetField) -> Facet:
    if not declared.named_by_catalogue:
        return YearFacet(declared)
    return TreeFacet(declared) if declared.hierarchical else Facet(declared)


FACETS: tuple[Facet, ...] = tuple(_facet_for(declared) for declared in FACET_FIELDS)
FACETS_BY_NAME = {facet.name: facet for facet in FACETS}
