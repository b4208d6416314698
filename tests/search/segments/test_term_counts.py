"""A rebuild counts the terms of names, facets, ids and the vocabulary itself
(``term_counts``) and holds them as Whoosh's ``field.index`` would have them held: the
same terms, weights, encoded values and field lengths for every field it counts."""

from whoosh.fields import KEYWORD, TEXT
from whoosh.system import pack_uint

from archive.search.schema import build_schema
from archive.search.segments.compact_postings import encode_field, encode_term
from archive.search.segments.held import TermPostings
from archive.search.segments.term_counts import counting_for, keeps_frequencies

VALUES = [
    "",
    "one",
    "Lavrov lavrov Lavrov",
    "k:lavrov|Lavrov t:arbrb|Лавров  s:arbrb|ラブロフ\tk:lavrov|Lavrov\nend",
    "Kuril Islands, Russia ,, Japan,Kuril Islands , ",
    " padded id ",
    "the of and 2024 Japan's Japan’s talks",
    "北方領土の問題について。日ロ関係 ﾗﾌﾞﾛﾌ Ёлка ёж Москва",
    "ＴＯＫＹＯ ﬁsh",
]


def _held_by_counts(field, value) -> tuple:
    postings = TermPostings()
    counts = counting_for(field)(value)
    boost = field.format.field_boost
    length = postings.add_counts(7, counts, boost, keeps_frequencies(field))
    return length, list(postings.by_term())


def _held_by_whoosh(field, value) -> tuple:
    postings = TermPostings()
    length = postings.add_document(7, list(field.index(value)))
    return length, list(postings.by_term())


def test_every_field_counted_here_is_held_as_whoosh_would_index_it():
    schema = build_schema()
    counted = {name for name, field in schema.items() if counting_for(field)}
    # The plain kinds: names' keys, facets of one and of several values, ids, vocabulary.
    assert {"name_key", "topic_facet", "language_facet", "entry_id", "vocabulary"} <= counted
    assert not counted & {"title", "body", "date_start"}  # positions; numbers: Whoosh's
    for name in sorted(counted):
        for value in VALUES:
            expected = _held_by_whoosh(schema[name], value)
            assert _held_by_counts(schema[name], value) == expected, (name, value)


def test_a_field_analysed_otherwise_is_left_to_whoosh():
    # Lower-cased keywords and Whoosh's own word analysis are not reproduced here.
    assert counting_for(KEYWORD(lowercase=True)) is None
    assert counting_for(TEXT()) is None


def test_a_boosted_field_is_weighted_as_whoosh_weights_it():
    field = KEYWORD(field_boost=2.0, scorable=True)
    held = _held_by_counts(field, "a b a")
    assert held == _held_by_whoosh(field, "a b a")
    assert held == (3, [(b"a", [(7, 4.0, pack_uint(2))]), (b"b", [(7, 2.0, pack_uint(1))])])


def test_held_postings_encode_as_each_term_alone_would():
    postings = TermPostings()
    for docnum in range(300):
        terms = [b"en", b"news"] if docnum % 3 else [b"ja", b"journal", b"news"]
        postings.add_document(
            docnum, [(term, docnum % 4 + 1, float(docnum % 4 + 1), b"") for term in terms]
        )
    field_postings, terms = postings.arranged()
    assert terms == [b"en", b"ja", b"journal", b"news"]
    by_term = dict(postings.by_term())
    for term, (data, weight, df, highest, first, last) in zip(
        terms, encode_field(field_postings), strict=True
    ):
        docs = [docnum for docnum, _, _ in by_term[term]]
        weights = [w for _, w, _ in by_term[term]]
        assert data == encode_term(docs, weights, [v for _, _, v in by_term[term]])
        assert (weight, df, highest, first, last) == (
            sum(weights),
            len(docs),
            max(weights),
            docs[0],
            docs[-1],
        )


def test_a_weight_that_is_not_a_whole_number_is_left_to_the_term_by_term_writer():
    postings = TermPostings()
    postings.add_document(0, [(b"boosted", 1, 1.5, b"")])
    assert postings.arranged() is None
    assert list(postings.by_term()) == [(b"boosted", [(0, 1.5, b"")])]
