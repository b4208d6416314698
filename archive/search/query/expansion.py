"""One concept under all its names: query words that match a thesaurus label (after the
text's own analysis, so "Kurils", "курильских островов" and "北方領土" match) are also
searched as the concept's other labels and its narrower concepts' labels, weighted
below the words typed so that entries with the exact words still rank first.

Expansion rewrites the parsed query, so the index holds no thesaurus data: a change to
a concept is seen by the next search and the index never drifts from the database.
Words under NOT are never expanded, nor words searched in one named field.
"""

import copy
import threading
from dataclasses import dataclass

from whoosh import query as whoosh_query

from archive.search.analysis import multilingual_analyzer, script_of
from archive.search.fields import DEFAULT_FIELD_BOOSTS
from archive.search.query.ranking import CombinedFields
from archive.search.query.tree import children, rewrite

# An other name counts half as much as the words typed, per word it stands for: a label's
# clause is weighted by the number of words it replaces over its own number of terms, so
# that a long name (or a Japanese one, indexed as many character pairs) does not outweigh
# the two words typed.
EXPANSION_WEIGHT = 0.5
MAX_ADDED_LABELS = 30  # labels added to one query (the matched concepts' first)
MAX_LABEL_WORDS = 12  # a label longer than this (in indexed terms) is never matched


@dataclass(frozen=True)
class Expansion:
    """What one matched concept added to a search, as the page says it."""

    concept_key: str
    concept_name: str
    labels: tuple[str, ...]  # the concept's other names searched (hidden ones left out)
    narrower: tuple[str, ...]  # names of the narrower concepts searched


def label_terms(text: str) -> tuple[str, ...]:
    """A label's indexed terms, as the text's words are analysed."""
    return tuple(token.text for token in multilingual_analyzer()(text))


# A name is searched where names are written: not among identifiers (ISSN, DOI).
LABEL_FIELDS = {
    field: boost for field, boost in DEFAULT_FIELD_BOOSTS.items() if field != "identifier"
}


def label_clause(terms: tuple[str, ...], weight: float = 1.0):
    """A label searched in the text fields as a query word (one term) or a phrase is:
    one BM25F clause, or the phrase in each field."""
    if len(terms) == 1:
        return CombinedFields(
            [(field, terms[0], boost) for field, boost in LABEL_FIELDS.items()], boost=weight
        )
    return whoosh_query.Or(
        [
            whoosh_query.Phrase(field, list(terms), boost=boost * weight)
            for field, boost in LABEL_FIELDS.items()
        ]
    )


class LabelIndex:
    """The thesaurus's labels by their terms, and each label's query clause."""

    def __init__(self, thesaurus):
        self.thesaurus = thesaurus
        self.terms: dict[str, tuple[str, ...]] = {}
        self.concepts_by_terms: dict[tuple[str, ...], list[int]] = {}
        for concept in thesaurus.concepts.values():
            for label in concept.searched_labels():
                terms = self.terms.setdefault(label, label_terms(label))
                if terms and len(terms) <= MAX_LABEL_WORDS:
                    owners = self.concepts_by_terms.setdefault(terms, [])
                    if concept.id not in owners:
                        owners.append(concept.id)


_lock = threading.Lock()
_index: LabelIndex | None = None


def label_index(thesaurus) -> LabelIndex:
    """The labels of this version of the thesaurus, analysed once."""
    global _index
    with _lock:
        if _index is None or _index.thesaurus is not thesaurus:
            _index = LabelIndex(thesaurus)
        return _index


def expand(
    query, index: LabelIndex, runs: tuple[str, ...] = ()
) -> tuple[object, tuple[Expansion, ...]]:
    """The query with every label it contains searched under the concept's other names,
    and what was added. ``runs``: runs of Japanese a question was read as the character
    pairs of (some left out as grammar): the labels inside them are found in all their
    pairs, and their other names added to the question's words."""
    if not index.concepts_by_terms:
        return query, ()
    expander = _Expander(index)
    expanded = expander.node(query)
    added = []
    for run in runs:
        for concept_id, terms in expander.labels_inside(label_terms(run), whole=True):
            added += expander.concept_clauses(concept_id, len(terms))
    if added:
        expanded = whoosh_query.Or(
            [*children(expanded), *added]
            if isinstance(expanded, whoosh_query.Or)
            else [expanded, *added]
        )
    return expanded, tuple(expander.expansions)


@dataclass(frozen=True)
class _Unit:
    start: int  # the children it spans
    end: int
    terms: tuple[str, ...] | None  # the words it searches, or None (not plain words)
    cjk: bool = False


def default_fields_word(node) -> tuple[str, ...] | None:
    """The terms of a word or phrase searched across the default fields, else None."""
    if isinstance(node, CombinedFields):
        texts = {text for _, text, _ in node.weighted}
        return (texts.pop(),) if len(texts) == 1 else None
    leaves = children(node) if isinstance(node, whoosh_query.Or) else []
    if len(leaves) > 1 and all(type(leaf) is whoosh_query.Phrase for leaf in leaves):
        words = {tuple(leaf.words) for leaf in leaves}
        if len(words) == 1 and all(leaf.slop == 1 for leaf in leaves):
            return words.pop()
    return None


def _units(kids: list) -> list[_Unit]:
    """The children as runs of plain words; in a flattened OR the same word's terms
    in each field are consecutive children, one unit."""
    units, position = [], 0
    while position < len(kids):
        kid = kids[position]
        terms = default_fields_word(kid)
        end = position + 1
        if terms is None and type(kid) is whoosh_query.Term:
            while (
                end < len(kids)
                and type(kids[end]) is whoosh_query.Term
                and kids[end].text == kid.text
                and kids[end].fieldname != kid.fieldname
            ):
                end += 1
            terms = (kid.text,) if end - position > 1 else None
        cjk = bool(terms) and all(script_of(term) == "cjk" for term in terms)
        units.append(_Unit(position, end, terms, cjk))
        position = end
    return units


class _Expander:
    def __init__(self, index: LabelIndex):
        self.index = index
        self.thesaurus = index.thesaurus
        self.expansions: list[Expansion] = []
        self.expanded: set[int] = set()
        self.added_terms: set[tuple[str, ...]] = set()
        self.added = 0

    def node(self, query):
        if isinstance(query, whoosh_query.Not):
            return query
        if isinstance(query, whoosh_query.AndNot):
            return whoosh_query.AndNot(self.node(query.a), query.b)
        if default_fields_word(query) is not None:  # the whole query is one word
            expanded = self._compound(whoosh_query.And([query]))
            return expanded.subqueries[0]
        if isinstance(query, (whoosh_query.And, whoosh_query.Or)) and not isinstance(
            query, whoosh_query.DisjunctionMax
        ):
            return self._compound(query)
        if isinstance(query, (whoosh_query.Require, whoosh_query.AndMaybe)):
            return rewrite(query, self.node)
        return query

    def _compound(self, query):
        kids = children(query)
        units = _units(kids)
        grouping = whoosh_query.And if isinstance(query, whoosh_query.And) else whoosh_query.Or
        new, position = [], 0
        while position < len(units):
            unit = units[position]
            last, concepts, matched = self._longest_label(units, position)
            if concepts:
                originals = kids[unit.start : units[last].end]
                group = originals[0] if len(originals) == 1 else grouping(originals)
                new.append(self._with_other_names(group, concepts, matched))
                position = last + 1
                continue
            if unit.terms is None:
                new.extend(self.node(kid) for kid in kids[unit.start : unit.end])
            elif unit.cjk:  # Japanese has no spaces: a label may be part of a longer run
                found = [concept_id for concept_id, _ in self.labels_inside(unit.terms)]
                original = kids[unit.start]
                new.append(
                    self._with_other_names(original, found, unit.terms) if found else original
                )
            else:
                new.extend(kids[unit.start : unit.end])
            position += 1
        rewritten = copy.copy(query)
        rewritten.subqueries = new
        return rewritten

    def _longest_label(self, units, position):
        """The furthest unit a label starting at ``position`` spans, its concepts and
        terms; (position, [], ()) when none does."""
        best = (position, [], ())
        sequence: tuple[str, ...] = ()
        for last in range(position, len(units)):
            if units[last].terms is None:
                break
            sequence += units[last].terms
            if len(sequence) > MAX_LABEL_WORDS:
                break
            concepts = self.index.concepts_by_terms.get(sequence)
            if concepts:
                best = (last, concepts, sequence)
        return best

    def labels_inside(
        self, terms: tuple[str, ...], whole: bool = False
    ) -> list[tuple[int, tuple[str, ...]]]:
        """(concept, its longest label within these terms) for each concept whose label
        is the longest at some place in these terms (or is all of them, if ``whole``),
        in the order found."""
        longest: dict[int, tuple[str, ...]] = {}
        chosen: list[int] = []
        for start in range(len(terms)):
            first = True
            for end in range(len(terms), start, -1):
                label = terms[start:end]
                concepts = self.index.concepts_by_terms.get(label)
                if not concepts or not (whole or (start, end) != (0, len(terms))):
                    continue
                for concept in concepts:
                    if len(label) > len(longest.get(concept, ())):
                        longest[concept] = label
                if first:
                    chosen += [concept for concept in concepts if concept not in chosen]
                    first = False
        return [(concept, longest[concept]) for concept in chosen]

    def _with_other_names(self, group, concept_ids, matched: tuple[str, ...]):
        self.added_terms.add(tuple(matched))
        clauses = []
        for concept_id in concept_ids:
            clauses += self.concept_clauses(concept_id, len(matched))
        return whoosh_query.Or([group, *clauses]) if clauses else group

    def concept_clauses(self, concept_id: int, words_replaced: int) -> list:
        """Clauses for the concept's other names and its narrower concepts' (once per
        query), and a note of what they are."""
        if concept_id in self.expanded:
            return []
        self.expanded.add(concept_id)
        concept = self.thesaurus.concepts[concept_id]
        clauses, own, narrower = [], [], {}
        for member, label, terms in _labels_of(self.index, concept_id):
            if terms in self.added_terms or self.added >= MAX_ADDED_LABELS:
                continue
            self.added_terms.add(terms)
            self.added += 1
            clauses.append(label_clause(terms, EXPANSION_WEIGHT * words_replaced / len(terms)))
            if member is not concept:
                narrower.setdefault(member.id, member.name())
            elif label in member.shown_labels():
                own.append(label)
        if clauses:
            self.expansions.append(
                Expansion(concept.key, concept.name(), tuple(own), tuple(narrower.values()))
            )
        return clauses


def _labels_of(index: LabelIndex, concept_id: int):
    """(concept, label, terms) for every searchable label of a concept and of the
    concepts below it, nearest first."""
    thesaurus = index.thesaurus
    for member_id in [concept_id, *thesaurus.below(concept_id)]:
        member = thesaurus.concepts[member_id]
        for label in member.searched_labels():
            terms = index.terms.get(label)
            if terms:
                yield member, label, terms


def concept_query(key: str, index: LabelIndex):
    """Entries about a concept: any of its labels or its narrower concepts' labels
    (nothing when no concept has this key)."""
    concept = index.thesaurus.concepts_by_key.get(key)
    if concept is None:
        return whoosh_query.NullQuery
    clauses, seen = [], set()
    for _member, _label, terms in _labels_of(index, concept.id):
        if terms not in seen:
            seen.add(terms)
            clauses.append(label_clause(terms, 1 / len(terms)))
    return whoosh_query.Or(clauses) if clauses else whoosh_query.NullQuery
