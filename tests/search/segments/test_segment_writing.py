"""A rebuild writes segments with array operations (``batch_writer``) in the compact
posting layout (``compact_postings``). Whoosh must read them as it reads its own: the
same terms, postings, positions, field lengths, stored fields and columns as Whoosh's
own writer produces from the same documents; and generations written before keep
working."""

import random

import numpy as np
import pytest
from whoosh import index as whoosh_index
from whoosh import query as whoosh_query
from whoosh.fields import TEXT

from archive.benchmark import corpus
from archive.search.schema import build_schema
from archive.search.segments import batch_writer, facts, varints
from archive.search.segments import format as segment_format
from archive.search.segments.batch_writer import SegmentBuilder, index_locked, replace_content
from archive.search.segments.docsets import term_positions, term_postings
from archive.search.segments.format import SEGMENT_FILES, ArchiveCodec, CompactCodec
from archive.search.segments.held import _CHUNK, TermPostings
from archive.search.sync import indexing

ODD_DOCUMENTS = [
    {"entry_id": "900001", "title": "the of and", "body": "", "summary": "to be or not"},
    {
        "entry_id": "900002",
        "title": "北",
        "body": "北方領土の問題について。日ロ関係",
        "topic": "a ; b",
    },
    {"entry_id": "900003", "title": "Japan's 2024 talks", "body": "Ёлка ёж Москва, Japan’s"},
    {"entry_id": "900004", "title": "Ｔｏｋｙｏ ﬁsh", "body": "the the the Kuril Kuril islands"},
    {"entry_id": "900005", "body": "ロシア と 日本 " * 200, "date_start": 19990101},
]


@pytest.fixture
def documents(db):
    corpus.generate(60, seed=11)
    return list(indexing.documents(published=True)) + ODD_DOCUMENTS


def _index(folder, name, documents, *, batch: bool, limitmb: int = 64):
    folder.mkdir()
    index = whoosh_index.create_in(str(folder), build_schema())
    if batch:
        with index_locked(index):
            builder = SegmentBuilder(index, limitmb)
            for document in documents:
                builder.add(document)
            replace_content(index, builder.finish())
    else:
        writer = index.writer(**SEGMENT_FILES)
        for document in documents:
            writer.add_document(**document)
        writer.commit(optimize=True)
    return whoosh_index.open_dir(str(folder), schema=build_schema())


def _everything(index) -> dict:
    """What a segment holds, read through Whoosh's own reading code."""
    reader = index.reader()
    postings = {}
    for fieldname, term in reader.all_terms():
        matcher = reader.postings(fieldname, term)
        if reader.schema[fieldname].format.supports("positions"):
            postings[fieldname, term] = list(matcher.items_as("positions"))
        else:
            postings[fieldname, term] = [(i, w) for i, w in matcher.items_as("weight")]
    lengths = {
        name: [reader.doc_field_length(doc, name) for doc in range(reader.doc_count_all())]
        for name in ("title", "summary", "body", "topic", "author")
    }
    columns = {name: list(reader.column_reader(name)) for name in ("source_facet", "year_facet")}
    return {
        "postings": postings,
        "lengths": lengths,
        "stored": list(reader.all_stored_fields()),
        "columns": columns,
        "statistics": {
            name: (reader.field_length(name), reader.doc_count()) for name in ("title", "body")
        },
    }


@pytest.mark.parametrize(
    ("chunk", "arrays"),
    [(segment_format.WRITE_CHUNK_BYTES, None), (1, None), (segment_format.WRITE_CHUNK_BYTES, 5)],
    ids=["in-chunks", "term-by-term", "arrays-in-small-pieces"],
)
def test_the_batch_writer_writes_what_whoosh_writes(
    documents, tmp_path, monkeypatch, chunk, arrays
):
    monkeypatch.setattr(segment_format, "WRITE_CHUNK_BYTES", chunk)
    if arrays:  # the encodings and sums a segment's arrays take a piece at a time
        monkeypatch.setattr(varints, "ENCODE_CHUNK", arrays)
        monkeypatch.setattr(batch_writer, "RUN_CHUNK", arrays)
    by_whoosh = _everything(_index(tmp_path / "whoosh", "a", documents, batch=False))
    by_batch = _everything(_index(tmp_path / "batch", "b", documents, batch=True))
    assert by_batch["postings"].keys() == by_whoosh["postings"].keys()
    assert by_batch["postings"] == by_whoosh["postings"]
    assert by_batch["lengths"] == by_whoosh["lengths"]
    assert by_batch["stored"] == by_whoosh["stored"]
    assert by_batch["columns"] == by_whoosh["columns"]
    assert by_batch["statistics"] == by_whoosh["statistics"]
    # The odd documents' positions, as phrases need them: stop words leave gaps at the
    # start only, repeated words keep each place, Japanese pairs follow each other.
    body = by_batch["postings"]
    assert [positions for _, positions in body["body", b"kuril"]] == [[3, 4]]
    assert body["body", "領土".encode()][-1][1] == [2]  # 北方 方領 領土: the third pair


def test_the_facts_a_rebuild_writes_are_those_its_segments_postings_give(documents, tmp_path):
    """A segment's facets and dates are taken from the terms its writer had in hand,
    not read back: the same facts as built from the segment's postings."""
    odd = {"entry_id": "900006", "topic_facet": "", "language_facet": "", "date_start": 0}
    index = _index(tmp_path / "facts", "f", [*documents, odd], batch=True)
    reader = index.reader()
    stored = facts.read_side_file(reader)
    built = facts.build(reader)
    assert stored.facets.keys() == built.facets.keys()
    for name in ("date_start", "date_end", "entry_ids", "sort_titles"):
        assert np.array_equal(getattr(stored, name), getattr(built, name)), name
    for fieldname, facet in built.facets.items():
        assert stored.facets[fieldname].vocabulary.values == facet.vocabulary.values
        for array in ("starts", "ordinals", "owners"):
            if hasattr(facet, array):
                assert np.array_equal(
                    getattr(stored.facets[fieldname], array), getattr(facet, array)
                )
    assert set(built.date_start.tolist()) > {0, 19990101}
    assert any(len(facet.vocabulary.values) > 2 for facet in built.facets.values())


def test_a_small_memory_budget_writes_several_segments_with_the_same_content(documents, tmp_path):
    index = whoosh_index.create_in(str(tmp_path), build_schema())
    with index_locked(index):
        builder = SegmentBuilder(index, limitmb=1)
        builder.budget = 5_000  # occurrences: a few documents a segment
        for document in documents:
            builder.add(document)
        replace_content(index, builder.finish())
    index = whoosh_index.open_dir(str(tmp_path), schema=build_schema())
    with index.searcher() as searcher:
        assert len(searcher.reader().leaf_readers()) > 2
        assert searcher.doc_count() == len(documents)
        phrase = whoosh_query.Phrase("body", ["kuril", "island"])
        assert [hit["entry_id"] for hit in searcher.search(phrase)] == ["900004"]


def test_a_worker_near_its_memory_setting_writes_its_segment_before_the_budget(
    documents, tmp_path, monkeypatch
):
    """The occurrences' budget would hold every document in one segment; the process's
    memory, with what writing would add, reaches the setting after the second check."""
    index = whoosh_index.create_in(str(tmp_path), build_schema())
    monkeypatch.setattr(batch_writer, "RESIDENT_EVERY", 2)
    readings = iter([100 * 1_048_576, 512 * 1_048_576])
    monkeypatch.setattr(batch_writer, "resident_bytes", lambda: next(readings, 0))
    with index_locked(index):
        builder = SegmentBuilder(index, limitmb=512)
        segments = []
        for document in documents[:4]:
            builder.add(document)
            segments.append(len(builder.segments))
        replace_content(index, builder.finish())
    assert segments == [0, 0, 0, 1]  # checked after the 2nd (under) and 4th (over)
    index = whoosh_index.open_dir(str(tmp_path), schema=build_schema())
    with index.searcher() as searcher:
        assert searcher.doc_count() == 4


def test_a_worker_reads_its_resident_memory():
    assert batch_writer.resident_bytes() > 10 * 1_048_576  # Python, Django, numpy loaded


def test_whoosh_matchers_step_and_skip_through_compact_lists(documents, tmp_path, monkeypatch):
    monkeypatch.setitem(SEGMENT_FILES, "codec", CompactCodec(blocklimit=8))
    index = _index(tmp_path / "small-blocks", "c", documents, batch=True)
    reader = index.reader()
    term = max(reader.lexicon("body"), key=lambda t: reader.doc_frequency("body", t))
    every = [docnum for docnum, _ in reader.postings("body", term).all_items()]
    assert len(every) == reader.doc_frequency("body", term) > 20
    matcher = reader.postings("body", term)
    matcher.skip_to(every[17])
    assert matcher.id() == every[17]
    assert matcher.skip_to(every[-1]) is None and matcher.id() == every[-1]
    found = term_postings(reader, "body", term, values=True, among=np.array(every[3:5]))
    assert found.docs.tolist() == every[3:5]
    owners, positions = term_positions(found, np.ones(2, dtype=bool))
    expected = [
        (docnum, position)
        for docnum, value in reader.postings("body", term).items_as("positions")
        if docnum in every[3:5]
        for position in value
    ]
    assert list(zip(owners.tolist(), positions.tolist(), strict=True)) == expected


def test_a_generation_written_before_the_compact_layout_is_still_read(tmp_path):
    """Whoosh's own Positions values and blocks (ArchiveCodec): read as before, and still
    right once merged with segments written now."""
    old_schema = build_schema()
    for name in ("title", "summary", "body", "source", "topic", "author", "identifier"):
        old_schema._fields[name] = TEXT(analyzer=old_schema[name].analyzer, phrase=True)
    index = whoosh_index.create_in(str(tmp_path), old_schema)
    writer = index.writer(codec=ArchiveCodec(blocklimit=8, compression=0), compound=False)
    for n in range(20):
        writer.add_document(entry_id=f"old-{n}", body="kuril islands talks " * (n % 3 + 1))
    writer.commit()

    def kuril_islands(index):
        with index.searcher() as searcher:
            phrase = whoosh_query.Phrase("body", ["kuril", "island"])
            reader = searcher.reader()
            positions = []
            for leaf in reader.leaf_readers():
                reader_of_leaf = leaf[0]
                postings = term_postings(reader_of_leaf, "body", "kuril", values=True)
                positions.extend(term_positions(postings, np.ones(len(postings.docs), bool))[1])
            return len(searcher.search(phrase, limit=None)), sorted(set(positions))

    current = whoosh_index.open_dir(str(tmp_path), schema=build_schema())
    assert kuril_islands(current) == (20, [0, 3, 6])
    writer = current.writer(codec=CompactCodec(blocklimit=8), compound=False)
    writer.add_document(entry_id="new", body="more kuril islands")
    writer.commit(optimize=True)  # old and new values in one segment
    merged = whoosh_index.open_dir(str(tmp_path), schema=build_schema())
    assert kuril_islands(merged) == (21, [0, 1, 3, 6])


def _phrases_in(documents, analyzer, lengths=(2, 3)):
    """Runs of neighbouring indexed words from the documents' bodies."""
    phrases = []
    for document in documents:
        words = [token.text for token in analyzer(document.get("body", ""))]
        for length in lengths:
            phrases.extend(tuple(words[i : i + length]) for i in range(0, len(words) - 3, 37))
    return list(dict.fromkeys(phrases))


def test_phrases_of_frequent_words_are_answered_from_pairs_exactly(documents, tmp_path):
    from archive.search.segments import common_pairs
    from archive.search.segments.docsets import Evaluator, segment_key
    from archive.search.segments.facts import facts_for

    index = _index(tmp_path / "pairs", "p", documents, batch=True)
    phrases = _phrases_in(documents, index.schema["body"].analyzer)
    phrases += [("japan", "russia"), ("kuril", "island"), ("relat", "relat"), ("北方", "方領")]
    with index.searcher() as searcher:
        leaf = searcher.leaf_searchers()[0][0]
        reader = leaf.reader()
        pairs = common_pairs.of_segment(reader, segment_key(reader))["body"]
        listed = [p for p in phrases if pairs.documents(*p[:2]) is not None]
        assert len(listed) > 20 and len(listed) < len(phrases)  # some, not all
        evaluator = Evaluator(leaf, searcher, facts_for(reader))
        for words in phrases:
            phrase = whoosh_query.Phrase("body", list(words))
            expected = sorted(phrase.docs(leaf))
            assert evaluator.live(phrase).docs.tolist() == expected, words


def test_a_rebuild_gives_each_word_to_the_vocabulary_once_a_segment(documents, tmp_path):
    """ "Did you mean" suggests from the vocabulary field: every word of the titles,
    texts, sources and authors (unstemmed, three letters or more, not a stop word), each
    once in the segment rather than once per entry."""
    from archive.search.analysis import vocabulary_analyzer

    index = whoosh_index.create_in(str(tmp_path), build_schema())
    with index_locked(index):
        builder = SegmentBuilder(index, 64, vocabulary=True)
        for document in documents:
            builder.add(document)
        replace_content(index, builder.finish())
    index = whoosh_index.open_dir(str(tmp_path), schema=build_schema())
    reader = index.reader()
    analyzer = vocabulary_analyzer()
    expected = {
        token.text
        for document in documents
        for name in ("title", "summary", "body", "source", "author")
        for token in analyzer(document.get(name, ""))
    }
    found = {term.decode() for term in reader.lexicon("vocabulary")}
    assert found == expected and "kuril" in found and "the" not in found
    assert all(reader.doc_frequency("vocabulary", word) == 1 for word in ("kuril", "елка"))


def test_a_fields_postings_come_out_by_term_then_document_across_chunks():
    """The other fields' postings are held in columns and read in chunks: a term whose
    documents straddle a chunk's end comes out whole, in the order Whoosh writes."""
    draw = random.Random(7)
    postings = TermPostings()
    added = []
    for docnum in range(_CHUNK + 5_000):
        for term in draw.sample([b"en", b"ja", b"ru", b"news", b"journal-article"], 2):
            value = b"" if term != b"news" else bytes([docnum % 3])
            postings.add_document(docnum, [(term, 1, 1.0, value)])
            added.append((term, docnum, 1.0, value))
    written = [
        (term, docnum, weight, value)
        for term, group in postings.by_term()
        for docnum, weight, value in group
    ]
    assert written == sorted(added, key=lambda posting: (posting[0], posting[1]))
    assert len({term for term, _ in postings.by_term()}) == 5  # each term's group once
