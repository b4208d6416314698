"""The array evaluator on its own (``segments/docsets.py``): on a small index written in
the compact layout, each query kind matches exactly the documents Whoosh's own matchers
match, scored as Whoosh's BM25F scores them, and its set operations keep what they must."""

import numpy as np
import pytest
from whoosh import index as whoosh_index
from whoosh import query as whoosh_query
from whoosh.scoring import BM25F

from archive.search.query.ranking import CombinedFields
from archive.search.schema import build_schema
from archive.search.segments.batch_writer import SegmentBuilder, index_locked, replace_content
from archive.search.segments.docsets import Evaluator, sorted_intersection
from archive.search.segments.facts import facts_for

DOCUMENTS = [
    {"entry_id": "1", "title": "Sakhalin ferry", "body": "The ferry from Wakkanai to Korsakov"},
    {"entry_id": "2", "title": "Fisheries talks", "body": "Crab and pollock quotas near Sakhalin"},
    {"entry_id": "3", "title": "Ferry season", "body": "The Sakhalin ferry season opens in June"},
    {"entry_id": "4", "title": "Visas", "body": "Visa-free exchanges for the islands' residents"},
    {"entry_id": "5", "title": "Pollock", "body": "Pollock pollock pollock, and one ferry"},
]


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    folder = tmp_path_factory.mktemp("evaluator")
    index = whoosh_index.create_in(str(folder), build_schema())
    with index_locked(index):
        builder = SegmentBuilder(index, 16)
        for document in DOCUMENTS:
            builder.add(document)
        replace_content(index, builder.finish())
    return whoosh_index.open_dir(str(folder), schema=build_schema())


def _evaluated(index, query) -> dict[str, float]:
    with index.searcher() as searcher:
        (segment, _), *_ = searcher.leaf_searchers()
        scored = Evaluator(segment, searcher, facts_for(segment.reader())).live(query)
        ids = [searcher.stored_fields(int(doc))["entry_id"] for doc in scored.docs]
        return dict(zip(ids, scored.scores.tolist(), strict=True))


def _by_whoosh(index, query) -> dict[str, float]:
    with index.searcher(weighting=BM25F()) as searcher:
        return {hit["entry_id"]: hit.score for hit in searcher.search(query, limit=None)}


def term(field, text):
    return whoosh_query.Term(field, text)


@pytest.mark.parametrize(
    "query",
    [
        term("body", "ferri"),
        term("title", "ferri"),
        whoosh_query.And([term("body", "ferri"), term("body", "sakhalin")]),
        whoosh_query.Or([term("body", "crab"), term("body", "visa")]),
        whoosh_query.AndNot(term("body", "ferri"), term("body", "wakkanai")),
        whoosh_query.Phrase("body", ["sakhalin", "ferri"]),
    ],
    ids=["term", "title", "and", "or", "and-not", "phrase"],
)
def test_each_query_kind_matches_and_scores_as_whoosh_does(index, query):
    ours, theirs = _evaluated(index, query), _by_whoosh(index, query)
    assert ours.keys() == theirs.keys()
    for entry_id, score in theirs.items():
        assert ours[entry_id] == pytest.approx(score, rel=1e-5)


def test_a_prefix_matches_every_word_it_covers_each_match_alike(index):
    found = _evaluated(index, whoosh_query.Prefix("body", "poll"))
    assert found == {"2": 1.0, "5": 1.0}  # "pollock" three times scores as once


def test_an_excluded_word_is_never_brought_back(index):
    query = whoosh_query.AndNot(term("body", "ferri"), term("body", "wakkanai"))
    assert set(_evaluated(index, query)) == {"3", "5"}
    query = whoosh_query.And([term("body", "ferri"), whoosh_query.Not(term("body", "wakkanai"))])
    assert set(_evaluated(index, query)) == {"3", "5"}


@pytest.mark.parametrize("longer", [300, 80], ids=["binary search", "merge"])
def test_sorted_intersection_agrees_with_numpy(longer):
    """Both ways (a much longer array searched, or two of similar lengths merged) give
    numpy's answer, in the shorter array's type."""
    rng = np.random.default_rng(3)
    for _ in range(50):
        first = np.unique(rng.integers(0, 500, rng.integers(0, 80)))
        second = np.unique(rng.integers(0, 500, rng.integers(0, longer))).astype(np.int32)
        found = sorted_intersection(first, second)
        assert found.tolist() == np.intersect1d(first, second).tolist()
        shorter = first if len(first) <= len(second) else second
        assert found.dtype == shorter.dtype


def test_words_scored_at_chosen_documents_score_as_they_do_everywhere(index):
    """What feedback adds to a question's best entries (``combined_among``) is each
    word's BM25F score at those entries: the same as scoring the word over the segment."""
    words = [
        CombinedFields([("title", "ferri", 2.0), ("body", "ferri", 1.0)], boost=0.5),
        CombinedFields([("title", "pollock", 2.0), ("body", "pollock", 1.0)], boost=0.25),
    ]
    with index.searcher() as searcher:
        (segment, _), *_ = searcher.leaf_searchers()
        evaluator = Evaluator(segment, searcher, facts_for(segment.reader()))
        everywhere = np.zeros(len(DOCUMENTS))
        for word in words:
            scored = evaluator.live(word)
            everywhere[scored.docs] += scored.scores
        chosen = np.array([0, 1, 3, 4], dtype=np.int32)  # "Ferry season" left out
        among = evaluator.combined_among(words, chosen)
    assert among == pytest.approx(everywhere[chosen])
    assert among[2] == 0.0  # "Visas" holds neither word
    assert among[3] > 0 and among[0] > 0
