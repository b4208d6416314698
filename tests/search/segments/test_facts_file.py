"""A segment's facts are written once beside it and read by every process: at 1,000,000
entries a new process's first search spent 57 s building them from postings, longer than
a web worker may take, so every new worker was killed before its first answer."""

import os

import numpy as np
import pytest

from archive import search
from archive.search.segments import facts, facts_file, merging
from archive.search.sync import storage


def _segment_readers():
    _, index = storage.open_current()
    reader = index.reader()
    return reader, [leaf for leaf, _ in reader.leaf_readers()]


def _side_files() -> set[str]:
    folder = storage.open_current()[0]
    return {name for name in os.listdir(folder) if name.endswith(facts_file.EXTENSION)}


def _answer(query="Japan"):
    found = search.search(search.SearchRequest(query=query, per_page=50))
    return found.total, found.entry_ids, found.facets, found.timeline


def _same(built, stored):
    assert stored.facets.keys() == built.facets.keys()
    for name in ("date_start", "date_end", "entry_ids", "sort_titles"):
        assert np.array_equal(getattr(stored, name), getattr(built, name))
    for fieldname, facet in built.facets.items():
        read = stored.facets[fieldname]
        assert read.vocabulary.values == facet.vocabulary.values
        for array in ("starts", "ordinals", "owners"):
            if hasattr(facet, array):
                assert np.array_equal(getattr(read, array), getattr(facet, array))


def test_a_rebuild_writes_each_segments_facts_and_a_new_process_reads_them(
    indexed_seed, monkeypatch
):
    before = _answer()
    reader, leaves = _segment_readers()
    try:
        for leaf in leaves:
            path = facts_file.path_of(leaf)
            assert os.path.exists(path)
            stored = facts.read_side_file(leaf)
            _same(facts.build(leaf), stored)
    finally:
        reader.close()
    facts.clear()  # as a process that has read no facts yet
    monkeypatch.setattr(facts, "build", lambda reader: pytest.fail("built from postings"))
    assert _answer() == before
    assert before[0] > 0 and before[2] and before[3]  # entries, facets, years counted


def test_an_unreadable_side_file_is_built_again_and_written_whole(indexed_seed):
    before = _answer()
    reader, leaves = _segment_readers()
    try:
        path = facts_file.path_of(leaves[0])
    finally:
        reader.close()
    with open(path, "wb") as file:
        file.write(b"\x10\x00\x00\x00\x00\x00\x00\x00{not json")
    facts.clear()
    assert _answer() == before
    assert facts_file.read(path)


def test_saved_segments_get_theirs_from_the_first_search_and_lose_them_when_merged(
    indexed_seed, make_entry, committed, monkeypatch
):
    monkeypatch.setattr(merging, "LARGEST_MERGED", 3)  # the seed's rebuild: one "large"
    rebuilt = _side_files()
    with committed():
        make_entry(title="Saved once", body="Shikotan visa talks.")
    search.catch_up()
    assert _side_files() == rebuilt  # a save writes no side file…
    assert _answer("Shikotan")[0] == 1
    first_saved = _side_files() - rebuilt
    assert len(first_saved) == 1  # …the first search that needs its facts does
    for number in range(11):
        with committed():
            make_entry(title=f"Saved {number}", body="Shikotan visa talks.")
        search.catch_up()
        _answer("Shikotan")
    assert not first_saved & _side_files()  # merged away, its side file with it
    assert rebuilt <= _side_files()
    assert _answer("Shikotan")[0] == 12


def test_facet_arrays_are_held_in_the_narrowest_integers_that_fit(indexed_seed):
    reader, leaves = _segment_readers()
    try:
        for leaf in leaves:
            stored = facts.read_side_file(leaf)
            for fieldname, facet in stored.facets.items():
                values = len(facet.vocabulary.values)
                assert facet.ordinals.itemsize == (1 if values < 127 else 2), fieldname
                if hasattr(facet, "owners"):
                    assert facet.owners.itemsize <= 2  # a seed segment's few documents
                    assert facet.starts.itemsize <= 2
    finally:
        reader.close()
    assert facts.smallest_integers(255) is np.uint8
    assert facts.smallest_integers(256) is np.uint16
    assert facts.smallest_integers(127, signed=True) is np.int8
    assert facts.smallest_integers(40_000, signed=True) is np.int32
    assert facts.smallest_integers(2**40) is np.int64
