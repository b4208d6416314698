"""The search page in a real Chromium: htmx updates, URLs, history, no-JS, accessibility."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STATUS = "#search-status"


def mark_page(page):
    """A flag that survives only as long as no full page load happens."""
    page.evaluate("window.__sameDocument = true")


def still_same_document(page) -> bool:
    return page.evaluate("window.__sameDocument === true")


def test_typing_updates_results_without_a_reload(page, live_server, indexed_seed):
    page.goto(live_server.url + "/")
    page.wait_for_function("window.htmx !== undefined")
    mark_page(page)
    page.locator("#q").press_sequentially("Motegi", delay=30)
    page.wait_for_selector(f"{STATUS}:has-text('1 result for “Motegi”')")
    assert page.locator(".result").count() == 1
    assert re.search(r"\?q=Motegi$", page.url)
    assert still_same_document(page)
    assert page.locator("#q").evaluate("el => el === document.activeElement")


def test_typing_replaces_the_address_and_a_filter_adds_a_step(page, live_server, indexed_seed):
    page.goto(live_server.url + "/")
    page.wait_for_function("window.htmx !== undefined")
    before = page.evaluate("history.length")
    for part in ("Ja", "pa", "n"):  # a pause after each part: three searches while typing
        page.locator("#q").press_sequentially(part, delay=20)
        page.wait_for_timeout(600)
    page.wait_for_url(re.compile(r"\?q=Japan$"))
    assert page.evaluate("history.length") == before
    page.locator("#facet-type + ul a", has_text="Press release").click()
    page.wait_for_url(re.compile(r"type=press_release"))
    assert page.evaluate("history.length") == before + 1
    page.go_back()
    page.wait_for_url(re.compile(r"\?q=Japan$"))


def test_the_keyboard_skips_to_the_results_and_follows_a_chosen_filter(
    page, live_server, indexed_seed
):
    page.goto(live_server.url + "/?q=Japan")
    page.wait_for_function("window.htmx !== undefined")
    skip = page.get_by_role("link", name="Skip to results")
    skip.focus()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "results-heading"
    page.locator("#facet-type + ul a", has_text="Press release").click()
    page.wait_for_selector(f"{STATUS}:has-text('1 result')")
    # Playwright's own waiting (a polled string predicate is eval'd in the page, which the
    # Content-Security-Policy refuses: the wait failed whenever focus came late).
    expect(page.locator("#results-heading")).to_be_focused()


def test_on_a_phone_the_filters_come_first_behind_their_button(
    page, live_server, indexed_seed, screenshot
):
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(live_server.url + "/?q=Japan")
    page.wait_for_function("window.htmx !== undefined")
    button = page.locator(".filters summary")
    first_result = page.locator(".result").first
    assert button.bounding_box()["y"] < first_result.bounding_box()["y"]
    assert not page.locator("#facet-type").is_visible()  # folded
    screenshot("search-phone-filters-folded")
    button.click()
    assert page.locator("#facet-type").is_visible()
    page.locator("#facet-type + ul a", has_text="Press release").click()
    page.wait_for_selector(f"{STATUS}:has-text('1 result')")
    assert page.locator("#facet-type").is_visible()  # unfolding is remembered
    screenshot("search-phone-filters-open")


def test_clicking_a_facet_narrows_results_and_updates_the_url(
    page, live_server, indexed_seed, screenshot
):
    page.goto(live_server.url + "/?q=Japan")
    page.wait_for_function("window.htmx !== undefined")
    mark_page(page)
    page.locator("#facet-type + ul a", has_text="Press release").click()
    page.wait_for_url(re.compile(r"type=press_release"))
    page.wait_for_selector(f"{STATUS}:has-text('1 result')")
    assert page.locator(".chip").inner_text().startswith("Document type: Press release")
    assert still_same_document(page)
    screenshot("search-desktop-filtered")
    page.go_back()
    page.wait_for_url(re.compile(r"\?q=Japan$"))
    page.wait_for_selector(".result >> nth=2")
    assert page.locator(".result").count() == 3
    assert page.locator("#q").input_value() == "Japan"


def test_back_restores_the_previous_query(page, live_server, indexed_seed):
    page.goto(live_server.url + "/")
    page.wait_for_function("window.htmx !== undefined")
    page.locator("#q").fill("Motegi")
    page.locator("#q").press("Enter")
    page.wait_for_url(re.compile(r"q=Motegi"))
    page.locator("#q").fill("palladium")
    page.locator("#q").press("Enter")
    page.wait_for_url(re.compile(r"q=palladium"))
    page.wait_for_selector(f"{STATUS}:has-text('palladium')")
    page.go_back()
    page.wait_for_url(re.compile(r"q=Motegi"))
    assert page.locator("#q").input_value() == "Motegi"
    assert "Toshimitsu Motegi" in page.locator(".results").inner_text()


def test_a_pasted_url_reproduces_the_search(page, live_server, indexed_seed):
    page.goto(live_server.url + "/?q=exchanges&year=2021&year=undated&sort=oldest")
    assert page.locator("#q").input_value() == "exchanges"
    assert page.locator(".result").count() == 2
    assert page.locator(".facet-value.selected").count() == 2
    assert page.locator("#sort").input_value() == "oldest"
    titles = page.locator(".result h3").all_inner_texts()
    assert titles[0].startswith("Russia and Japan extend")  # dated before undated


def test_the_page_works_without_javascript(chromium_browser, live_server, indexed_seed):
    context = chromium_browser.new_context(java_script_enabled=False, locale="en-GB")
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.locator("#q").fill("exchanges")
    page.locator("#q").press("Enter")
    page.wait_for_url(re.compile(r"q=exchanges"))
    assert page.locator(".result").count() == 3
    page.locator("#facet-year + ul a", has_text="Undated").click()
    page.wait_for_url(re.compile(r"year=undated"))
    assert page.locator(".result").count() == 1
    page.locator("#sort").select_option("newest")
    page.locator("noscript button, .results-bar button").first.click()
    page.wait_for_url(re.compile(r"sort=newest"))
    context.close()


def test_results_count_is_announced_to_screen_readers(page, live_server, indexed_seed):
    page.goto(live_server.url + "/")
    status = page.locator(STATUS)
    assert status.get_attribute("role") == "status"
    assert status.get_attribute("aria-live") == "polite"


@pytest.mark.parametrize("width", [1280, 390])
def test_no_serious_accessibility_violations(page, live_server, indexed_seed, screenshot, width):
    page.set_viewport_size({"width": width, "height": 900})
    entry = indexed_seed["seed-002-e459417e0b57698a"]
    for name, path in (
        ("search", "/?q=exchanges&topic=economy"),
        ("entry", entry.get_absolute_url() + "?q=virus"),
        ("empty", "/?q=Motgi"),
    ):
        page.goto(live_server.url + path)
        results = Axe().run(page)
        serious = [
            f"{violation['id']}: {violation['help']}"
            for violation in results.response["violations"]
            if violation["impact"] in {"serious", "critical"}
        ]
        assert serious == [], f"{name} at {width}px: {serious}"
        screenshot(f"{name}-{width}")


def test_entry_page_copy_controls_put_citations_and_links_on_the_clipboard(
    chromium_browser, live_server, indexed_seed
):
    context = chromium_browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = context.new_page()
    entry = indexed_seed["seed-000-2a775db45f4373d4"]
    page.goto(live_server.url + entry.get_absolute_url())
    page.get_by_role("button", name="Copy link to paragraph 2").click()
    page.wait_for_selector("#copy-status:has-text('Link copied.')")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == live_server.url + entry.get_absolute_url() + "#p2"
    page.locator(".copy-citation").nth(1).click()
    page.wait_for_selector("#copy-status:has-text('Citation copied.')")
    apa = "Russia and Japan extend Year of interregional and sister city exchanges. (2021, "
    assert page.evaluate("navigator.clipboard.readText()").startswith(apa + "November 22).")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "entry-citations.png"), full_page=True)
    context.close()


def test_pages_run_under_the_content_security_policy(page, live_server, indexed_seed):
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.goto(live_server.url + "/?q=Japan")
    page.wait_for_function("window.htmx !== undefined")
    page.locator("#sort").select_option("oldest")
    page.wait_for_url(re.compile(r"sort=oldest"))
    page.locator("#from").fill("2021")
    page.locator("#from").press("Tab")
    page.wait_for_url(re.compile(r"from=2021"))
    page.wait_for_selector(f"{STATUS}:has-text('1 result')")
    entry = indexed_seed["seed-003-f3c71f01dee03dc8"]
    page.goto(live_server.url + entry.get_absolute_url())
    page.goto(live_server.url + "/admin/login/")
    assert violations == []


def test_the_topic_tree_unfolds_and_its_box_narrows_it(page, live_server, topic_tree, screenshot):
    """#31, 10: topics as a tree with counts; "Show all" then a box that keeps the
    broader topics a match sits under; the keyboard goes on from the box."""
    page.goto(live_server.url + "/?q=harbour")
    page.wait_for_function("window.htmx !== undefined")
    topics = page.locator("#facet-values-topic > li")
    assert topics.count() == 10
    page.get_by_role("link", name="Show all 15 (Topic)").click()
    expect(page.locator("#filter-topic")).to_be_focused()
    assert topics.count() == 15
    screenshot("search-topic-tree")
    page.keyboard.type("gas")
    shown = page.locator("#facet-values-topic > li:not([hidden]) .label")
    expect(page.locator("#facet-values-topic > li:not([hidden])")).to_have_count(3)
    assert shown.all_inner_texts() == ["Economy", "Energy", "Gas"]
    screenshot("search-topic-tree-filtered")
    page.locator("#filter-topic").fill("")
    expect(page.locator("#facet-values-topic > li:not([hidden])")).to_have_count(15)
