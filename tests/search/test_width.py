"""Half-width katakana are the same words as full-width ones (#31, item 9): ﾗﾌﾞﾛﾌ finds
ラブロフ, and a text written in half-width is found by the usual spelling."""

import pytest

from tests.search.helpers import run, titles


@pytest.fixture
def lavrov(empty_index, make_entry, committed):
    with committed():
        make_entry(title="ラブロフ外相が来日", body="ラブロフ外相は東京で会談した。", language="ja")
        make_entry(title="ｶﾞﾙｰｼﾞﾝ大使の発言", body="ｶﾞﾙｰｼﾞﾝ大使が記者会見を開いた。", language="ja")


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("ﾗﾌﾞﾛﾌ", "ラブロフ外相が来日"),
        ("ﾗﾌﾞﾛﾌ外相は東京で何を話し、誰と会談したのか", "ラブロフ外相が来日"),  # a question
        ("ガルージン", "ｶﾞﾙｰｼﾞﾝ大使の発言"),
    ],
)
def test_half_width_and_full_width_katakana_find_each_other(lavrov, query, found):
    assert titles(run(query))[:1] == [found]
