"""A segment's terms looked up through a memory map (``segments/terms_file.py``) answer
what Whoosh's own reads of the same file answer, present terms and absent ones alike,
in a segment of separate files and inside a compound one."""

import random

import pytest
from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3Codec
from whoosh.fields import ID, KEYWORD, TEXT, Schema
from whoosh.reading import TermNotFound

from archive.search.segments.format import SEGMENT_FILES
from archive.search.segments.terms_file import MappedTermsReader

WORDS = ["treaty", "Курилы", "北方領土", "ｶﾀｶﾅ", "ё", "a", "x" * 300, "naïve", "2024"]


def _schema():
    return Schema(body=TEXT(), tags=KEYWORD(commas=True), key=ID(stored=True))


@pytest.fixture(params=[False, True], ids=["separate-files", "compound"])
def segment(request, tmp_path):
    rng = random.Random(3)
    index = whoosh_index.create_in(str(tmp_path), _schema())
    writer = index.writer(**{**SEGMENT_FILES, "compound": request.param})
    for number in range(400):
        words = rng.sample(WORDS, 3) + [f"w{rng.randrange(2000)}" for _ in range(20)]
        writer.add_document(body=" ".join(words), tags=",".join(words[:2]), key=f"k{number}")
    writer.commit()
    reader = index.reader()
    yield reader, index.storage
    reader.close()


def _whooshs_own(reader, storage):
    """A plain Whoosh terms reader over the same segment's file."""
    segment = reader._segment
    if segment.is_compound():
        storage = segment.open_compound_file(storage)
    return W3Codec.terms_reader(segment.codec(), storage, segment)


def test_each_look_up_answers_as_whooshs_own_reads(segment):
    reader, storage = segment
    mapped = reader._terms
    assert isinstance(mapped, MappedTermsReader) and mapped._bytes is not None
    own = _whooshs_own(reader, storage)
    present = list(own.terms())
    assert len(present) > 2000
    absent = [(field, text + b"~") for field, text in present[::50]]
    absent += [("body", b""), ("tags", b"w1"), ("nowhere", b"treaty"), ("key", b"k400")]
    for term in present:
        assert term in mapped
        assert mapped.doc_frequency(*term) == own.doc_frequency(*term)
        assert mapped.frequency(*term) == own.frequency(*term)
        mine, theirs = mapped.term_info(*term), own.term_info(*term)
        assert (mine.doc_frequency(), mine.weight(), mine.min_id(), mine.max_id()) == (
            theirs.doc_frequency(),
            theirs.weight(),
            theirs.min_id(),
            theirs.max_id(),
        )
    for term in absent:
        assert term not in mapped and term not in own
        with pytest.raises(TermNotFound):
            mapped.term_info(*term)
        with pytest.raises(KeyError):
            mapped.doc_frequency(*term)
    own.close()


def test_the_segment_reader_reads_through_it(segment):
    reader, _ = segment
    assert reader.doc_frequency("key", "k7") == 1
    assert reader.doc_frequency("key", "k400") == 0
    assert ("body", "treaty") in reader and ("body", "treatz") not in reader
    assert [docnum for docnum in reader.postings("key", "k7").all_ids()] == [7]
