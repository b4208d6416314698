"""The page, the API and `search` say what a name also matched in other scripts, with
the thesaurus's switch to search only the words typed (#32)."""

from io import StringIO

import pytest
from django.core.management import call_command

from tests.search.test_names import names  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db


def test_the_page_names_the_forms_and_offers_only_my_words(client, names):  # noqa: F811
    response = client.get("/", {"q": "Lavrov"})
    page = response.content.decode()
    assert "Also matched in other scripts:" in page
    assert '<span class="label">Лавров</span>, <span class="label">ラブロフ</span>' in page
    assert 'class="only-my-words" href="/?q=Lavrov&amp;expand=0"' in page
    only_mine = client.get("/", {"q": "Lavrov", "expand": "0"})
    assert only_mine.context["page"].total == 1
    assert "Also matched in other scripts:" not in only_mine.content.decode()


def test_the_api_lists_the_forms(client, names):  # noqa: F811
    data = client.get("/api/search/", {"q": "ラブロフ"}).json()
    assert data["also_matched_in_other_scripts"] == [
        {"word": "ラブロフ", "forms": ["Lavrov", "Лавров"]}
    ]
    assert data["only_my_words_url"].endswith("expand=0")
    assert data["total"] == 3


def test_the_search_command_says_so(names):  # noqa: F811
    call_command("search", "Kishida", stdout=(out := StringIO()))
    assert "Also matched in other scripts: Кисида, 岸田" in out.getvalue()


@pytest.mark.parametrize(
    "query",
    ["ЛавровLavrov", "L", "Lavrov " * 200, "Ｌａｖｒｏｖ", "Лавров\u0301", "ﾗﾌﾞﾛﾌ", "Лаврóв", "ё"],
)
def test_odd_names_get_an_answer_never_an_error(client, names, query):  # noqa: F811
    response = client.get("/", {"q": query})
    assert response.status_code == 200


def test_editors_see_the_names_an_entry_is_found_by(superuser_client, make_entry):
    from django.urls import reverse

    entry = make_entry(body="セルゲイ・ラブロフ外相は岸田首相と会談した。", language="ja")
    page = superuser_client.get(reverse("admin:archive_entry_change", args=[entry.pk]))
    text = page.content.decode()
    assert "Names as search matches them" in text
    assert "ラブロフ → <code>raburofu (arbrb)</code>" in text
    assert "岸田 → <code>kisida</code>" in text


def test_the_entry_page_marks_the_name_found_in_another_script(client, names):  # noqa: F811
    import re

    from archive.models import Entry

    entry = Entry.objects.get(title="外相会談")
    page = client.get(entry.get_absolute_url(), {"q": "Lavrov"}, follow=True).content.decode()
    assert re.findall(r'<mark id="match-\d+">(.*?)</mark>', page) == ["ラブロフ"]
    only_mine = client.get(entry.get_absolute_url(), {"q": "Lavrov", "expand": "0"}, follow=True)
    assert "<mark" not in only_mine.content.decode().split("<main", 1)[-1]
