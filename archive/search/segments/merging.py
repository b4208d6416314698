"""Which segments a commit merges: small ones in tiers, never a rebuild's.

Whoosh's default (MERGE_SMALL) sorts the segments by size and merges every one up to the
first point where their total is under a Fibonacci number of their count. A rebuild of
1,000,000 entries writes 33 segments of about 30,000 entries; the first save after it
then merged 26 of them (780,000 entries) through Whoosh's Python merge, holding the
index's write lock for most of an hour while saves waited. With 4 segments (100,000
entries) the point was never reached, so nothing showed it.

Here a commit merges only segments smaller than ``LARGEST_MERGED`` entries (what saves
write, one commit each), and only when ``MERGE_FACTOR`` of them have the same order of
magnitude (1–9, 10–99, …): each entry is rewritten once per tier, a few times in all,
and a rebuild's segments are never rewritten (a deleted entry in one stays marked
deleted until the next rebuild, as Whoosh reads it).
"""

from collections import defaultdict

from whoosh.reading import SegmentReader

LARGEST_MERGED = 10_000  # entries: larger segments (a rebuild's) are left as they are
MERGE_FACTOR = 10  # segments of one tier merged together


def segments_to_merge(segments: list) -> list:
    """The smallest tier holding MERGE_FACTOR segments under LARGEST_MERGED, or none."""
    tiers = defaultdict(list)
    for segment in segments:
        count = segment.doc_count_all()
        if count < LARGEST_MERGED:
            tiers[len(str(max(count, 1)))].append(segment)
    for _, tier in sorted(tiers.items()):
        if len(tier) >= MERGE_FACTOR:
            return tier
    return []


def merge_small_tiers(writer, segments: list) -> list:
    """A Whoosh merge policy (``writer.commit(mergetype=…)``): merges one tier of small
    segments into the segment being written; returns the segments kept as they are."""
    merged = segments_to_merge(segments)
    for segment in merged:
        reader = SegmentReader(writer.storage, writer.schema, segment)
        writer.add_reader(reader)
        reader.close()
    merged_ids = {id(segment) for segment in merged}
    return [segment for segment in segments if id(segment) not in merged_ids]
