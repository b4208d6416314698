"""A search for Lavrov in each interface language finds Лавров and ラブロフ and says so
(#32), with screenshots."""

import pytest

from tests.browser.test_languages_browser import PREFIXES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SAID = {
    "en": "Also matched in other scripts:",
    "ru": "Найдено и в других письменностях:",
    "ja": "他の文字表記でも一致：",
}


@pytest.mark.parametrize("language", ["en", "ru", "ja"])
def test_lavrov_is_found_in_every_script(page, live_server, make_entry, screenshot, language):
    from archive import search

    for title, body, written_in in [
        ("Встреча министров", "Сергей Лавров встретился с послом Японии.", "ru"),
        ("外相会談", "セルゲイ・ラブロフ外相は岸田首相と会談した。", "ja"),
        ("Lavrov in Tokyo", "Foreign Minister Lavrov spoke in Tokyo.", "en"),
        ("Другой министр", "Министр Лавренов открыл выставку.", "ru"),
    ]:
        make_entry(title=title, body=body, language=written_in)
    search.rebuild()
    page.goto(f"{live_server.url}{PREFIXES[language]}/?q=Lavrov")
    matched = page.locator(".also-matched")
    assert SAID[language] in matched.inner_text()
    assert "Лавров" in matched.inner_text() and "ラブロフ" in matched.inner_text()
    titles = page.locator(".result h3").all_inner_texts()
    assert titles[0] == "Lavrov in Tokyo"
    assert set(titles) == {"Lavrov in Tokyo", "Встреча министров", "外相会談"}
    screenshot(f"names-lavrov-{language}")
