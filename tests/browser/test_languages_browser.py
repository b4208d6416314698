"""The interface in English, Russian and Japanese in a real Chromium: the search page, a
filtered search and an entry page at desktop and phone widths, each with the right
`lang`, no serious accessibility violation and nothing wider than the screen."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from archive.web.languages import permalink

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PREFIXES = {"en": "", "ru": "/ru", "ja": "/ja"}
EXPECTED = {
    "en": "1 result for “Motegi”",
    "ru": "1 результат по запросу «Motegi»",
    "ja": "「Motegi」の検索結果 1 件",
}


def serious_violations(page) -> list[str]:
    return [
        f"{violation['id']}: {violation['help']}"
        for violation in Axe().run(page).response["violations"]
        if violation["impact"] in {"serious", "critical"}
    ]


def overflowing(page) -> list[str]:
    """Elements wider than the viewport (what would scroll sideways on a phone)."""
    return page.evaluate(
        """() => [...document.querySelectorAll('main *, header *')]
            .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1)
            .map(el => el.tagName + '.' + el.className)"""
    )


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("language", ["en", "ru", "ja"])
def test_each_language_reads_well_at_desktop_and_phone_widths(
    page, live_server, indexed_seed, screenshot, language, width
):
    page.set_viewport_size({"width": width, "height": 900})
    prefix = PREFIXES[language]
    entry = indexed_seed["seed-002-e459417e0b57698a"]
    for name, path in (
        ("search", f"{prefix}/?q=Motegi"),
        ("filtered", f"{prefix}/?q=exchanges&topic=economy"),
        ("entry", f"{prefix}{permalink(entry)}?q=virus"),
    ):
        page.goto(live_server.url + path)
        assert page.locator("html").get_attribute("lang") == language
        if name == "search":
            assert page.locator("#search-status").inner_text() == EXPECTED[language]
        assert serious_violations(page) == [], f"{name} in {language} at {width}px"
        assert overflowing(page) == [], f"{name} in {language} at {width}px"
        screenshot(f"{name}-{language}-{width}")


def test_the_switcher_changes_the_language_and_keeps_the_search(page, live_server, indexed_seed):
    page.goto(live_server.url + "/?q=Motegi")
    page.locator(".language-switcher button", has_text="Русский").click()
    page.wait_for_url(live_server.url + "/ru/?q=Motegi")
    assert page.locator("#search-status").inner_text() == EXPECTED["ru"]
    # Remembered: an English address now opens in Russian.
    page.goto(live_server.url + "/?q=Motegi")
    page.wait_for_url(live_server.url + "/ru/?q=Motegi")
