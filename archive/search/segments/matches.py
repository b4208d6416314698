"""Everything a query matches, filtered and counted with numpy over each segment.

A ``Matches`` holds, per index segment, the sorted numbers of the documents the query
matches and a boolean mask per active filter (facet values, the date range). From that
it answers the total, every facet's counts (each facet counted with the other facets'
filters only), and the top of the list by relevance or by date, without visiting
documents one at a time in Python.
"""

from dataclasses import dataclass

import numpy as np
from whoosh import query as whoosh_query

from archive.search.segments import docsets
from archive.search.segments.absent import without_absent
from archive.search.segments.facts import VALUE_NUMBERS, SegmentFacts, facts_for

# Sort keys that put undated documents last whichever way dates are sorted.
UNDATED_LAST_NEWEST = -1
UNDATED_LAST_OLDEST = 99_999_999


@dataclass
class SegmentMatches:
    offset: int  # its first document's number in the whole index
    facts: SegmentFacts
    docs: np.ndarray  # local numbers of the matching live documents, sorted
    scores: np.ndarray  # their relevance (BM25F)
    masks: dict  # filter name → bool array over ``docs``
    evaluator: docsets.Evaluator  # scores other queries on the segment (add_scores)


@dataclass(frozen=True)
class DateRange:
    start: int | None  # YYYYMMDD; periods ending before it do not match
    end: int | None  # periods starting after it do not match

    def mask(self, facts: SegmentFacts, docs: np.ndarray) -> np.ndarray:
        starts, ends = facts.date_start[docs], facts.date_end[docs]
        mask = starts > 0  # undated entries never match a date range
        if self.start is not None:
            mask &= ends >= self.start
        if self.end is not None:
            mask &= starts <= self.end
        return mask


DATE_FILTER = "date"


class Matches:
    def __init__(self, searcher, query, *, everything: bool, filters: dict, dates: DateRange):
        """``filters`` maps a field name to the values to keep (any of them)."""
        self.segments = []
        self.statistics = statistics = docsets.IndexStatistics(searcher)
        # What the segments evaluate: the query without what no entry holds (absent.py).
        self.query = query if everything else without_absent(query, statistics)
        for segment_searcher, offset in searcher.leaf_searchers():
            reader = segment_searcher.reader()
            if not reader.doc_count_all():
                continue
            facts = facts_for(reader)
            evaluator = docsets.Evaluator(segment_searcher, searcher, facts, statistics)
            scored = evaluator.live(whoosh_query.Every() if everything else self.query)
            docs = scored.docs
            masks = {
                field: facts.facets[field].mask(values)[docs] for field, values in filters.items()
            }
            if dates.start is not None or dates.end is not None:
                masks[DATE_FILTER] = dates.mask(facts, docs)
            self.segments.append(
                SegmentMatches(offset, facts, docs, scored.scores, masks, evaluator)
            )

    def add_scores(self, words, best: int):
        """Add the scores of ``words`` (``CombinedFields``) to the ``best`` documents by
        relevance that pass the filters: the others, and the total and the counts, stay
        as they were. Documents below the ``best`` scored no more than those in it, and
        added scores are never negative, so the order between the two groups holds."""
        kept = [self._keep(segment) for segment in self.segments]
        scores = [segment.scores[keep] for segment, keep in zip(self.segments, kept, strict=True)]
        scores = [segment_scores for segment_scores in scores if len(segment_scores)]
        if not scores:
            return
        cutoff = _lowest_of_best(np.concatenate(scores), best)
        for segment, keep in zip(self.segments, kept, strict=True):
            chosen = np.flatnonzero(keep & (segment.scores >= cutoff))
            if not len(chosen):
                continue
            extra = segment.evaluator.combined_among(words, segment.docs[chosen])
            segment.scores = segment.scores.copy()
            segment.scores[chosen] += extra

    def _keep(self, segment: SegmentMatches, without: str | None = None) -> np.ndarray:
        """Which of the segment's matching documents pass every filter but ``without``."""
        keep = np.ones(len(segment.docs), dtype=bool)
        for name, mask in segment.masks.items():
            if name != without:
                keep &= mask
        return keep

    def _kept(self, segment: SegmentMatches, without: str | None = None) -> np.ndarray:
        return segment.docs[self._keep(segment, without)]

    @property
    def total(self) -> int:
        return sum(len(self._kept(segment)) for segment in self.segments)

    def counts(self, field: str, without: str | None = None) -> dict[str, int]:
        counts: dict[str, int] = {}
        for segment in self.segments:
            for value, count in (
                segment.facts.facets[field].counts(self._kept(segment, without)).items()
            ):
                counts[value] = counts.get(value, 0) + count
        return counts

    def top_counts(
        self, field: str, limit: int, selected=(), without: str | None = None
    ) -> dict[str, int]:
        """The ``limit`` most frequent values of a multi-valued facet (and the selected
        ones) with their counts: counted into one array numbered across segments
        (``facts.ValueNumbers``), so a facet of thousands of values costs what a small
        one does."""
        counted = []
        for segment in self.segments:
            facet = segment.facts.facets[field]
            numbers = facet.vocabulary.whole_index_numbers(field)
            counted.append((numbers, facet.counted(self._kept(segment, without))))
        names = VALUE_NUMBERS[field].values
        totals = np.zeros(len(names), dtype=np.int64)
        for numbers, counts in counted:
            totals[numbers] += counts  # a segment numbers each of its values once
        present = np.flatnonzero(totals)
        if len(present) > limit:
            # Those at least as frequent as the limit-th, then the most frequent first,
            # ties by value (as the facet lists them).
            present = present[totals[present] >= _lowest_of_best(totals[present], limit)]
            order = sorted(present, key=lambda number: (-totals[number], names[number]))
            present = order[:limit]
        top = {names[number]: int(totals[number]) for number in present}
        numbers = VALUE_NUMBERS[field].number
        for value in selected:
            if value in numbers and totals[numbers[value]]:
                top[value] = int(totals[numbers[value]])
        return top

    def by_relevance(self, limit: int) -> list[tuple[int, float]]:
        """(whole-index number, score) of the ``limit`` best documents that pass every
        filter, best first, ties in index order."""
        scores, numbers = [], []
        for segment in self.segments:
            keep = self._keep(segment)
            scores.append(segment.scores[keep])
            numbers.append(segment.docs[keep].astype(np.int64) + segment.offset)
        if not scores:
            return []
        scores, numbers = np.concatenate(scores), np.concatenate(numbers)
        if len(scores) > limit:
            # Only documents scoring at least the limit-th best can be on the page.
            candidates = scores >= _lowest_of_best(scores, limit)
            scores, numbers = scores[candidates], numbers[candidates]
        order = np.lexsort((numbers, -scores))[:limit]
        return [(int(numbers[i]), float(scores[i])) for i in order]

    def by_title(self, limit: int) -> list[int]:
        """Whole-index numbers of the first ``limit`` documents that pass every filter,
        in the order of their titles (``sort_keys.py``), ties in index order."""
        keys, numbers = [], []
        for segment in self.segments:
            docs = self._kept(segment)
            keys.append(segment.facts.sort_titles[docs])
            numbers.append(docs.astype(np.int64) + segment.offset)
        if not keys:
            return []
        keys, numbers = np.concatenate(keys), np.concatenate(numbers)
        return [int(numbers[i]) for i in np.lexsort((numbers, keys))[:limit]]

    def by_date(self, newest_first: bool, limit: int) -> list[int]:
        """Whole-index numbers of the first ``limit`` documents that pass every filter,
        sorted by date, undated last, ties in index order."""
        keys, numbers = [], []
        for segment in self.segments:
            docs = self._kept(segment)
            starts = segment.facts.date_start[docs].astype(np.int64)
            if newest_first:
                key = -np.where(starts > 0, starts, UNDATED_LAST_NEWEST)
            else:
                key = np.where(starts > 0, starts, UNDATED_LAST_OLDEST)
            keys.append(key)
            numbers.append(docs.astype(np.int64) + segment.offset)
        if not keys:
            return []
        keys, numbers = np.concatenate(keys), np.concatenate(numbers)
        return [int(numbers[i]) for i in np.lexsort((numbers, keys))[:limit]]


def _lowest_of_best(values: np.ndarray, limit: int) -> float:
    """The ``limit``-th highest of the values (−∞ when there are no more than that, so
    that every one of them passes ``>=``)."""
    if len(values) <= limit:
        return -np.inf
    return float(np.partition(values, len(values) - limit)[len(values) - limit])
