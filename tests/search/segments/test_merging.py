"""A commit merges small segments in tiers and never a rebuild's: after a rebuild of
1,000,000 entries (33 segments of ~30,000) Whoosh's own policy merged 26 of them on the
first save, for most of an hour, with saves waiting on the write lock."""

from dataclasses import dataclass

from archive import search
from archive.search.segments import merging
from archive.search.sync import storage


@dataclass
class Segment:
    entries: int

    def doc_count_all(self) -> int:
        return self.entries


def sizes(segments) -> list[int]:
    return sorted(segment.entries for segment in segments)


def test_a_million_entry_rebuilds_segments_are_never_merged():
    rebuilt = [Segment(30_303) for _ in range(33)]
    assert merging.segments_to_merge(rebuilt + [Segment(1)] * 3) == []
    # Ten saves' one-entry segments are merged, and only they.
    assert sizes(merging.segments_to_merge(rebuilt + [Segment(1)] * 10)) == [1] * 10


def test_one_tier_at_a_time_the_smallest_first_and_nothing_of_ten_thousand_or_more():
    segments = [Segment(5)] * 9 + [Segment(50)] * 10 + [Segment(600)] * 12
    assert sizes(merging.segments_to_merge(segments)) == [50] * 10
    assert merging.segments_to_merge([Segment(10_000)] * 20) == []
    assert sizes(merging.segments_to_merge([Segment(9_999)] * 10)) == [9_999] * 10


def _segment_ids() -> set[str]:
    _, index = storage.open_current()
    return {segment.segment_id() for segment in index._segments()}


def test_saves_merge_their_own_segments_and_leave_the_rebuilds_as_written(
    indexed_seed, make_entry, committed, monkeypatch
):
    # The seed's rebuild wrote one segment of 3 entries: counted here as a large one.
    monkeypatch.setattr(merging, "LARGEST_MERGED", 3)
    rebuilt = _segment_ids()
    for number in range(12):
        with committed():
            make_entry(title=f"Saved {number}", body="Shikotan visa talks.")
        search.catch_up()
    after = _segment_ids()
    assert rebuilt <= after  # the rebuild's segment untouched
    assert len(after) < len(rebuilt) + 12  # ten one-entry segments merged into one
    found = search.search(search.SearchRequest(query="Shikotan", per_page=50, facets=False))
    assert found.total == 12
