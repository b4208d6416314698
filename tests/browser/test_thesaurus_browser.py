"""The thesaurus in a real Chromium: the "also searched" line, turning expansion off and
on without a reload, and a concept page, with no serious accessibility violation."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from archive.thesaurus.services import load_thesaurus_file, seed_thesaurus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STATUS = "#search-status"


@pytest.fixture
def seed_with_thesaurus(indexed_seed):
    load_thesaurus_file(seed_thesaurus())
    return indexed_seed


def serious_violations(page) -> list[str]:
    return [
        f"{violation['id']}: {violation['help']}"
        for violation in Axe().run(page).response["violations"]
        if violation["impact"] in {"serious", "critical"}
    ]


def test_a_russian_name_finds_the_english_entry_and_says_so(
    page, live_server, seed_with_thesaurus, screenshot
):
    page.goto(live_server.url + "/?q=Мотэги")
    page.wait_for_function("window.htmx !== undefined")
    page.wait_for_selector(f"{STATUS}:has-text('1 result')")
    also = page.locator(".also-searched")
    assert "Also searched:" in also.inner_text()
    assert "茂木敏充" in also.inner_text() and "Toshimitsu Motegi" in also.inner_text()
    assert serious_violations(page) == []
    screenshot("thesaurus-also-searched")

    page.evaluate("window.__sameDocument = true")
    also.get_by_role("link", name="search only my words").click()
    page.wait_for_url(re.compile(r"expand=0"))
    page.wait_for_selector(f"{STATUS}:has-text('0 results')")
    assert page.evaluate("window.__sameDocument === true")  # htmx, no reload
    page.get_by_role("link", name="Also search other names").click()
    page.wait_for_url(re.compile(r"\?q=%D0%9C%D0%BE%D1%82%D1%8D%D0%B3%D0%B8$"))
    page.wait_for_selector(f"{STATUS}:has-text('1 result')")


def test_a_concept_page_lists_its_names_and_entries(
    page, live_server, seed_with_thesaurus, screenshot
):
    page.goto(live_server.url + "/?q=Motegi")
    page.locator(".also-searched a", has_text="Toshimitsu Motegi").click()
    page.wait_for_url(re.compile(r"/concepts/toshimitsu-motegi/$"))
    assert page.locator("h1").inner_text() == "Toshimitsu Motegi"
    names = page.locator(".concept-names").inner_text()
    assert "Тосимицу Мотэги" in names and "茂木敏充" in names
    assert page.locator(".concept-entries li").count() == 1
    assert serious_violations(page) == []
    screenshot("thesaurus-concept")
