"""Totals, filters and facet counts come from numpy arrays over the index segments:
they must agree exactly with Whoosh's own answers and with the database, including
after edits (a second segment) and unpublishing (deleted documents)."""

import pytest
from whoosh import sorting

from archive.benchmark import corpus
from archive.models import Entry, Status
from archive.search.execution import _matches
from archive.search.query.reading import parse
from archive.search.results.facets import FACETS
from archive.search.sync import storage
from tests.search.helpers import ids, run

QUERIES = [
    "japan",
    "russia relations",
    '"russia japan"',
    '"japan and russia"',
    '"exchanges between"',
    "ロシア",
    "日本政府",
    "japan OR energy",
    "japan -energy",
    "title:japan",
    "exch*",
    "Россия",
    "関係",
    "",
]


@pytest.fixture
def changed_corpus(db, committed, monkeypatch):
    from archive import search
    from archive.search.segments.format import CompactCodec
    from archive.search.sync import indexing

    # Small posting blocks, so that reading block by block and skipping blocks are tested.
    monkeypatch.setitem(indexing.SEGMENT_FILES, "codec", CompactCodec(blocklimit=8))
    corpus.generate(150, seed=3)
    search.rebuild()
    entries = list(Entry.objects.order_by("pk"))
    with committed():  # deletions in the first segment…
        Entry.objects.filter(pk__in=[e.pk for e in entries[:30]]).update(status=Status.DRAFT)
    with committed():  # …and a second segment
        for entry in entries[40:50]:
            entry.title = f"{entry.title} Japan energy exchanges"
            entry.save()
    searcher = storage.searchers.get()
    assert len(searcher.leaf_searchers()) > 1 and searcher.reader().has_deletions()
    return searcher


def whoosh_docs(searcher, query) -> set[int]:
    return set(searcher.docs_for_query(query))


def numpy_docs(searcher, text) -> set[int]:
    from archive.search import SearchRequest

    parsed = parse(text, searcher.schema)
    matches = _matches(searcher, parsed, parsed.query, SearchRequest(query=text))
    return {int(docnum) + segment.offset for segment in matches.segments for docnum in segment.docs}


def test_matching_documents_agree_with_whoosh(changed_corpus):
    for text in QUERIES:
        query = parse(text, changed_corpus.schema).query
        assert numpy_docs(changed_corpus, text) == whoosh_docs(changed_corpus, query), text
    for text in ["japan", "japan -energy", ""]:
        _assert_facet_counts_agree(changed_corpus, text)


def _assert_facet_counts_agree(changed_corpus, text):
    from archive.search import SearchRequest

    parsed = parse(text, changed_corpus.schema)
    matches = _matches(changed_corpus, parsed, parsed.query, SearchRequest(query=text))
    groups = {
        facet.name: sorting.FieldFacet(facet.field, allow_overlap=facet.multi_valued)
        for facet in FACETS
    }
    results = changed_corpus.search(
        parsed.query, groupedby=groups, maptype=sorting.Count, limit=None
    )
    assert matches.total == len(results) > 0
    for facet in FACETS:
        expected = {str(k): v for k, v in results.groups(facet.name).items() if k}
        assert matches.counts(facet.field) == expected, facet.name


@pytest.mark.parametrize("text", ["title:japan", "text:russia"])
def test_scores_in_one_field_are_whoosh_bm25(changed_corpus, text):
    from archive.search import SearchRequest

    parsed = parse(text, changed_corpus.schema)
    matches = _matches(changed_corpus, parsed, parsed.query, SearchRequest(query=text))
    ours = matches.by_relevance(10)
    theirs = changed_corpus.search(parsed.query, limit=10)[:10]
    assert len(ours) == len(theirs) == 10
    assert [round(score, 4) for _, score in ours] == [round(hit.score, 4) for hit in theirs]
    assert [docnum for docnum, _ in ours] == [hit.docnum for hit in theirs]


def _bm25f(searcher, words: list[str]) -> dict[int, float]:
    """BM25F written out plainly from Whoosh's statistics: for each word, its frequency in
    each field weighted and normalised by the field's length, summed, saturated once."""
    import math

    from archive.search.fields import DEFAULT_FIELD_BOOSTS
    from archive.search.query import ranking

    reader = searcher.reader()
    total = reader.doc_count_all()
    scores: dict[int, float] = {}
    for word in words:
        weighted: dict[int, float] = {}
        frequency = 0
        for field, weight in DEFAULT_FIELD_BOOSTS.items():
            if (field, word) not in reader:
                continue
            frequency = max(frequency, reader.doc_frequency(field, word))
            average = searcher.avg_field_length(field) or 1
            for docnum, tf in reader.postings(field, word).items_as("frequency"):
                length = reader.doc_field_length(docnum, field) or 1
                norm = (1 - ranking.B) + ranking.B * length / average
                weighted[docnum] = weighted.get(docnum, 0.0) + weight * tf / norm
        idf = math.log(1 + (total - frequency + 0.5) / (frequency + 0.5))
        for docnum, tf in weighted.items():
            score = idf * tf * (ranking.K1 + 1) / (tf + ranking.K1)
            scores[docnum] = scores.get(docnum, 0.0) + score
    return scores


@pytest.mark.parametrize(
    "text, words", [("japan", ["japan"]), ("russia relations", ["russia", "relat"])]
)
def test_relevance_scores_are_true_bm25f_over_the_fields(changed_corpus, text, words):
    from archive.search import SearchRequest

    parsed = parse(text, changed_corpus.schema)
    matches = _matches(changed_corpus, parsed, parsed.query, SearchRequest(query=text))
    ours = matches.by_relevance(10)
    expected = _bm25f(changed_corpus, words)
    if len(words) > 1:  # all the words must match
        expected = {d: s for d, s in expected.items() if _has_all(changed_corpus, d, words)}
    best = sorted(expected.items(), key=lambda item: (-item[1], item[0]))[:10]
    assert len(ours) == 10
    assert [round(score, 4) for _, score in ours] == [round(score, 4) for _, score in best]


def _has_all(searcher, docnum, words):
    from archive.search.fields import DEFAULT_FIELD_BOOSTS

    reader = searcher.reader()
    return all(
        any(
            (field, word) in reader and docnum in reader.postings(field, word).all_ids()
            for field in DEFAULT_FIELD_BOOSTS
        )
        for word in words
    )


def test_filtered_totals_match_the_database(changed_corpus):
    page = run("", filters={"language": ["ru"], "type": ["news", "article"]}, per_page=100)
    expected = Entry.objects.filter(
        status=Status.PUBLISHED, language="ru", document_type__in=["news", "article"]
    )
    assert page.total == expected.count()
    assert set(ids(page)) <= set(expected.values_list("pk", flat=True))
    languages = next(facet for facet in page.facets if facet.name == "language")
    counts = {value.value: value.count for value in languages.values}
    # The language facet is counted without its own filter: every language shows.
    assert counts["en"] == (
        Entry.objects.filter(
            status=Status.PUBLISHED, language="en", document_type__in=["news", "article"]
        ).count()
    )


def test_date_filtered_and_sorted_pages_match_the_database(changed_corpus):
    page = run("", date_from="1990", date_to="1999", sort="oldest", per_page=50)
    published = Entry.objects.filter(status=Status.PUBLISHED).exclude(date=None)
    in_range = [e for e in published if _overlaps(e, 19900101, 19991231)]
    assert page.total == len(in_range)
    dates = [hit.entry.date for hit in page.hits]
    assert dates == sorted(dates)
    newest = run("", sort="newest", per_page=20)
    assert [hit.entry.date for hit in newest.hits] == sorted(
        (e.date for e in published), reverse=True
    )[:20]


def _overlaps(entry, start, end):
    from archive.search import date_number, period

    first, last = period(entry.date, entry.date_precision)
    return date_number(last) >= start and date_number(first) <= end


def test_reading_postings_among_a_few_documents_skips_blocks_but_loses_nothing(
    changed_corpus,
):
    from archive.search.segments.docsets import term_postings

    checked = 0
    for segment, _ in changed_corpus.leaf_searchers():
        reader = segment.reader()
        term = max(reader.lexicon("body"), key=lambda t: reader.doc_frequency("body", t))
        full = term_postings(reader, "body", term, values=True)
        if len(full.docs) <= 32:  # a few blocks at least
            continue
        for wanted in (full.docs[::7], full.docs[-3:], full.docs[:2]):
            sparse = term_postings(reader, "body", term, values=True, among=wanted)
            expected = full.among(wanted)
            assert sparse.docs.tolist() == expected.docs.tolist() == wanted.tolist()
            assert sparse.frequencies.tolist() == expected.frequencies.tolist()
            assert sparse.values == expected.values
            checked += 1
    assert checked


def test_warming_up_reads_every_segments_arrays_before_the_first_search(indexed_seed):
    from archive import search
    from archive.search.segments import facts as segment_facts
    from archive.search.segments.docsets import segment_key
    from archive.search.sync import storage

    segment_facts._cache.clear()
    search.warm_up()
    searcher = storage.searchers.get()
    segments = [segment_key(sub.reader()) for sub, _ in searcher.leaf_searchers()]
    assert segments and all(segment in segment_facts._cache for segment in segments)
    facts = segment_facts._cache[segments[0]]
    assert "body" in facts._lengths and "title" in facts._lengths


def test_caches_never_mix_segments_of_different_indexes(
    make_entry, committed, empty_index, settings, tmp_path, monkeypatch
):
    """Whoosh names segments at random: two indexes in one process may hold segments of
    the same name (forced here), and must not share cached arrays."""
    from whoosh.codec.base import Segment

    from archive import search
    from archive.models import Entry
    from archive.search.sync import storage
    from tests.search.helpers import run

    def languages():
        return {v.value for f in run("salmon").facets if f.name == "language" for v in f.values}

    def rebuild_with_a_fixed_segment_name():
        with monkeypatch.context() as patch:
            patch.setattr(Segment, "_random_id", classmethod(lambda cls, size=16: "same" * 4))
            search.rebuild()

    with committed():
        make_entry(title="Salmon quotas", language="en")
    rebuild_with_a_fixed_segment_name()
    assert languages() == {"en"}
    with committed():
        Entry.objects.update(language="ru")
    settings.ARCHIVE_INDEX_DIR = tmp_path / "another-index"
    storage.searchers.clear()
    rebuild_with_a_fixed_segment_name()  # another index, a segment of the same name
    assert languages() == {"ru"}


@pytest.mark.parametrize("field", ["people_facet", "places_facet", "organizations_facet"])
def test_the_most_frequent_values_agree_with_every_count(changed_corpus, field):
    """People, places and organizations are counted into one array numbered across
    segments and only the most frequent kept: the same values and counts as counting
    every value in every segment, ties by value."""
    from archive import search

    most = 0
    for text in QUERIES:
        parsed = parse(text, changed_corpus.schema)
        matches = _matches(changed_corpus, parsed, parsed.query, search.SearchRequest(query=text))
        every = matches.counts(field)
        most = max(most, len(every))
        for limit in (1, 5, 30):
            expected = sorted(every.items(), key=lambda item: (-item[1], item[0]))[:limit]
            assert matches.top_counts(field, limit) == dict(expected), (text, limit)
        # A selected value is counted even when it is not among the most frequent.
        if len(every) > 1:
            rarest = min(every, key=lambda value: (every[value], value))
            assert matches.top_counts(field, 1, selected=[rarest])[rarest] == every[rarest]
    assert most > 30  # more values than any limit tried: the cut was tested


@pytest.mark.parametrize("text", ["japan", '"russia japan"', "japan -energy", "日本政府", "exch*"])
def test_what_no_entry_holds_is_left_out_with_the_same_matches_and_scores(changed_corpus, text):
    """A thesaurus' labels searched in every field are mostly words no entry holds: they
    become NullQuery once, before any segment is read, and nothing else changes."""
    import numpy as np
    from whoosh import query as q

    from archive.search import SearchRequest
    from archive.search.segments import docsets

    parsed = parse(text, changed_corpus.schema)
    query = q.AndNot(
        q.Or(
            [
                parsed.query,
                q.Phrase("body", ["zzqx", "japan"]),
                q.Term("title", "zzqx"),
                q.And([q.Term("body", "japan"), q.Term("summary", "zzqx")]),
                q.Phrase("body", ["japan", "russia"]),
            ],
            scale=0.9,
        ),
        q.Term("body", "zzqy"),
    )
    matches = _matches(changed_corpus, parsed, query, SearchRequest(query=text))
    wanted = matches.query.a.subqueries
    assert wanted[1] is wanted[2] is wanted[3].subqueries[1] is matches.query.b is q.NullQuery
    assert wanted[3].subqueries[0] == q.Term("body", "japan")
    assert wanted[4] == q.Phrase("body", ["japan", "russia"])
    segments = [
        (leaf, offset)
        for leaf, offset in changed_corpus.leaf_searchers()
        if leaf.reader().doc_count_all()
    ]
    assert len(segments) == len(matches.segments) > 1
    for (leaf, _), segment in zip(segments, matches.segments, strict=True):
        evaluator = docsets.Evaluator(leaf, changed_corpus, segment.facts)
        whole = evaluator.live(query)  # every part read in every segment
        assert np.array_equal(whole.docs, segment.docs)
        assert np.allclose(whole.scores, segment.scores)
    assert matches.total > 0
