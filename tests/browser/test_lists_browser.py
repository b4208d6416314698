"""A researcher's list in Chromium: collected without JavaScript (plain forms) and with it
(the button changes in place, the header's count with it), reordered, noted, shared;
the list and the shared list accessible (axe) at 1280 and 390 px."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def serious_violations(page) -> list[str]:
    return [
        f"{violation['id']}: {violation['help']}"
        for violation in Axe().run(page).response["violations"]
        if violation["impact"] in {"serious", "critical"}
    ]


def test_collecting_without_javascript(chromium_browser, live_server, indexed_seed):
    context = chromium_browser.new_context(java_script_enabled=False, locale="en-GB")
    page = context.new_page()
    page.goto(live_server.url + "/?q=exchanges")
    first_title = page.locator(".result h3").first.inner_text()
    page.locator(".result").first.get_by_role("button", name="Add to my list").click()
    page.wait_for_url(re.compile(r"q=exchanges"))  # back on the results
    assert page.locator("#my-list-count").inner_text() == "1"
    assert page.locator(".result").first.get_by_role("link", name="In my list").count() == 1
    page.get_by_role("button", name="Add all results to my list").click()
    page.wait_for_url(re.compile(r"q=exchanges"))
    assert page.locator("#my-list-count").inner_text() == "3"
    assert "2 entries added to your list." in page.locator(".messages").inner_text()
    page.goto(live_server.url + "/my-list/")
    assert page.locator(".list-entry h2").first.inner_text() == first_title
    page.locator(".list-entry").nth(2).get_by_role("button", name=re.compile("up$")).click()
    titles = page.locator(".list-entry h2").all_inner_texts()
    assert len(titles) == 3 and titles[0] == first_title
    context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_collecting_with_javascript_sharing_and_accessibility(
    page, live_server, indexed_seed, screenshot, width
):
    page.set_viewport_size({"width": width, "height": 900})
    entry = indexed_seed["seed-002-e459417e0b57698a"]
    page.goto(live_server.url + entry.get_absolute_url())
    page.wait_for_function("window.htmx !== undefined")
    page.evaluate("window.__sameDocument = true")
    page.get_by_role("button", name="Add to my list").click()
    page.get_by_role("link", name="In my list").wait_for()
    assert page.evaluate("window.__sameDocument === true")  # changed in place, no reload
    assert page.locator("#my-list-count").inner_text() == "1"
    page.goto(live_server.url + "/?q=Japan")
    page.wait_for_function("window.htmx !== undefined")
    page.locator(".result").get_by_role("button", name="Add to my list").first.click()
    page.locator("#my-list-count", has_text="2").wait_for()
    page.goto(live_server.url + "/my-list/")
    page.get_by_label("Your note").first.fill("Cited in chapter 2 <draft>")
    page.get_by_role("button", name="Save note").first.click()
    page.wait_for_url(re.compile(r"/my-list/"))
    assert "Note saved." in page.locator(".messages").inner_text()
    assert serious_violations(page) == [], f"my list at {width}px"
    screenshot(f"my-list-{width}")
    page.get_by_label("Title").fill("Sapporo and Sakhalin, 2021")
    page.get_by_label("Description").fill("Sources for a paper on regional ties.")
    page.get_by_role("button", name="Share this list").click()
    page.wait_for_url(re.compile(r"/lists/[\w-]{20,}/$"))
    assert page.locator("h1").inner_text() == "Sapporo and Sakhalin, 2021"
    assert "Cited in chapter 2 <draft>" in page.locator(".list-entries").inner_text()
    assert page.locator(".bibliography li").count() == 2
    assert serious_violations(page) == [], f"shared list at {width}px"
    screenshot(f"shared-list-{width}")
