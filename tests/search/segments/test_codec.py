"""The compact posting layout on its own (``segments/compact_postings.py`` and
``varints.py``): what one encoder writes, the reader gives back, block by block; the
two encoders agree; and Whoosh's matcher interface steps and skips through a list."""

import random

import numpy as np
import pytest

from archive.search.segments import varints
from archive.search.segments.compact_postings import (
    FLOAT_WEIGHTS,
    HEADER,
    NO_WEIGHTS,
    WHOLE_WEIGHTS,
    CompactLeafMatcher,
    FieldPostings,
    encode_field,
    encode_term,
)
from archive.search.segments.format import CompactPositions


class Postfile:
    """What a matcher reads a posting list from: bytes at an offset."""

    def __init__(self, data: bytes, offset: int = 0):
        self.data = b"\x99" * offset + data

    def get(self, offset: int, length: int) -> bytes:
        return self.data[offset : offset + length]


def _matcher(data: bytes, offset: int = 7):
    return CompactLeafMatcher(Postfile(data, offset), offset, len(data), CompactPositions())


def _random_postings(rng, terms: int):
    lists = []
    for _ in range(terms):
        count = rng.choice([1, 2, 7, 8, 9, 40, 300])
        ids = sorted(rng.sample(range(5_000), count))
        positions = [sorted(rng.sample(range(1, 3_000), rng.randint(1, 5))) for _ in ids]
        lists.append((ids, positions))
    return lists


def test_both_encoders_write_the_same_bytes():
    rng = random.Random(5)
    lists = _random_postings(rng, 40)
    positions_format = CompactPositions()
    by_python = [
        encode_term(
            ids,
            [float(len(p)) for p in positions],
            [positions_format.encode(p) for p in positions],
            block_size=8,
        )
        for ids, positions in lists
    ]
    values = [positions_format.encode(p) for ids, positions in lists for p in positions]
    sizes = [len(ids) for ids, _ in lists]
    field = FieldPostings(
        term_starts=np.concatenate(([0], np.cumsum(sizes))),
        docs=np.array([i for ids, _ in lists for i in ids]),
        weights=np.array([len(p) for _, positions in lists for p in positions]),
        value_bytes=np.frombuffer(b"".join(values), dtype=np.uint8),
        value_lengths=np.array([len(v) for v in values]),
    )
    by_numpy = [data for data, *_ in encode_field(field, block_size=8)]
    assert by_numpy == by_python


def test_variable_length_integers_round_trip():
    values = np.array([0, 1, 127, 128, 300, 16_383, 16_384, 2**31 - 1, 2**35, 5], dtype=np.int64)
    data, counts = varints.encode_array(values)
    assert bytes(data) == varints.encode(values.tolist())
    assert counts.tolist() == [1, 1, 1, 2, 2, 2, 3, 5, 6, 1]
    assert varints.decode_array(bytes(data)).tolist() == values.tolist()
    assert varints.decode(bytes(data)) == values.tolist()
    with pytest.raises(ValueError):
        varints.decode_array(bytes(data), count=3)


def test_variable_length_integers_encoded_a_chunk_at_a_time_are_the_same_bytes(monkeypatch):
    rng = np.random.default_rng(7)
    values = rng.integers(0, 2**33, size=1000) >> rng.integers(0, 33, size=1000)
    monkeypatch.setattr(varints, "ENCODE_CHUNK", len(values))
    whole, counts = varints.encode_array(values)
    for chunk in (1, 3, 64, 999):
        monkeypatch.setattr(varints, "ENCODE_CHUNK", chunk)
        data, chunk_counts = varints.encode_array(values)
        assert bytes(data) == bytes(whole) == varints.encode(values.tolist())
        assert chunk_counts.tolist() == counts.tolist()
    assert varints.decode_array(bytes(whole)).tolist() == values.tolist()


def test_a_posting_list_reads_back_what_was_written_in_every_block():
    positions_format = CompactPositions()
    ids = [3, 4, 9, 200, 201, 202, 5000, 70000, 70001, 123456]
    positions = [[1], [1, 2], [5, 9, 40], [2], [3, 4], [1], [7, 8], [9], [10], [11, 12, 13]]
    values = [positions_format.encode(p) for p in positions]
    data = encode_term(ids, [float(len(p)) for p in positions], values, block_size=4)
    found_ids, weights, encoded = _matcher(data).read(values=True)
    assert found_ids.tolist() == ids
    assert weights.tolist() == [len(p) for p in positions]
    assert [positions_format.decode_positions(v) for v in encoded.items()] == positions


def test_reading_among_some_documents_decodes_only_their_blocks():
    ids = list(range(0, 4000, 10))  # 400 postings: 100 blocks of 4
    data = encode_term(ids, [1.0] * len(ids), [b""] * len(ids), block_size=4)
    found, _, _ = _matcher(data).read(values=False, among=np.array([15, 20, 3990]))
    assert 20 in found.tolist() and 3990 in found.tolist()
    assert len(found) <= 3 * 4  # the blocks that may hold them, not the whole list
    assert set(found.tolist()) <= set(ids)


@pytest.mark.parametrize(
    ("weights", "kind"),
    [
        ([1.0, 1.0, 1.0], NO_WEIGHTS),
        ([1.0, 3.0, 2.0], WHOLE_WEIGHTS),
        ([0.5, 2.25, 1.0], FLOAT_WEIGHTS),
    ],
)
def test_weights_are_stored_as_compactly_as_they_allow(weights, kind):
    data = encode_term([1, 5, 9], weights, [b"", b"", b""])
    assert HEADER.unpack(data[: HEADER.size])[3] == kind
    assert _matcher(data).read(values=False)[1].tolist() == pytest.approx(weights)


def test_whoosh_steps_and_skips_through_a_compact_list():
    ids = list(range(1, 1000, 3))
    data = encode_term(ids, [1.0] * len(ids), [b""] * len(ids), block_size=8)
    matcher = _matcher(data)
    stepped = []
    while matcher.is_active():
        stepped.append(matcher.id())
        matcher.next()
    assert stepped == ids
    matcher.reset()
    matcher.skip_to(500)
    assert matcher.id() == 502  # the first posting at or after 500
    matcher.skip_to(2000)
    assert not matcher.is_active()


def test_a_truncated_list_of_integers_is_refused():
    data = varints.encode([300, 70000])
    with pytest.raises(ValueError):
        varints.decode_array(data[:-1], count=2)
