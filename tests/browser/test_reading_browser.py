"""Reading an entry in a real Chromium: reached from a search, on a phone, and printed."""

import io
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from pypdf import PdfReader

from tests.browser.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def serious_violations(page) -> list[str]:
    return [
        f"{violation['id']}: {violation['help']}"
        for violation in Axe().run(page).response["violations"]
        if violation["impact"] in {"serious", "critical"}
    ]


def overflows(page) -> bool:
    return page.evaluate(
        "document.scrollingElement.scrollWidth > document.scrollingElement.clientWidth"
    )


def reach_from_search(page, live_server, query: str, result: int = 0):
    page.goto(f"{live_server.url}/?q={query}")
    page.locator(".result h3 a").nth(result).click()
    page.wait_for_selector(".search-context .position")


def test_arriving_keeps_the_title_and_the_search_bar_in_view(page, live_server, db, make_entry):
    from archive import search

    make_entry(
        title="Fisheries consultations, autumn session",
        body="\n\n".join(f"Paragraph {n} on quotas and inspections." for n in range(120))
        + "\n\nThe delegations finally agreed on kelp harvesting.",
    )
    search.rebuild()
    page.set_viewport_size({"width": 390, "height": 700})
    reach_from_search(page, live_server, "kelp")
    page.wait_for_selector("mark#match-1.current")  # entry.js has run
    height = page.viewport_size["height"]
    for kept in (page.locator("h1"), page.locator(".search-context")):
        box = kept.bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= height
    assert page.locator("#match-status").inner_text() == "Match 1 of 1"


@pytest.mark.parametrize("width", [320, 390, 1280])
def test_an_entry_reached_from_a_search(page, live_server, indexed_seed, screenshot, width):
    page.set_viewport_size({"width": width, "height": 800})
    page.emulate_media(reduced_motion="reduce")  # no smooth scrolling between steps
    reach_from_search(page, live_server, "exchanges", result=1)
    assert page.locator(".search-context .position").inner_text() == "2 of 3 for “exchanges”"
    # The first mark is the current one; the title and the search's bar stay in view.
    page.wait_for_selector("mark#match-1.current")  # entry.js has run
    height = page.viewport_size["height"]
    for kept in (page.locator("h1"), page.locator(".search-context")):
        box = kept.bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= height
    status = page.locator("#match-status")
    total = page.locator("mark[id^='match-']").count()
    assert total >= 3
    assert status.inner_text() == f"Match 1 of {total}"
    page.get_by_role("button", name="Next match").click()
    page.wait_for_selector(f"#match-status:has-text('Match 2 of {total}')")
    assert page.locator("mark#match-2").evaluate("el => el === document.activeElement")
    page.get_by_role("button", name="Previous match").click()
    page.wait_for_selector(f"#match-status:has-text('Match 1 of {total}')")
    page.get_by_role("button", name="Previous match").click()
    # Round to the last.
    page.wait_for_selector(f"#match-status:has-text('Match {total} of {total}')")
    assert not overflows(page)
    assert serious_violations(page) == []
    screenshot(f"entry-from-search-{width}")
    page.get_by_role("link", name="Next ›").click()
    assert page.locator(".search-context .position").inner_text() == "3 of 3 for “exchanges”"
    page.get_by_role("link", name="← Back to results").click()
    page.wait_for_url(re.compile(r"/\?q=exchanges#hit-3$"))
    assert page.locator("#hit-3").is_visible()


def test_highlighting_turns_off_and_on(page, live_server, indexed_seed):
    reach_from_search(page, live_server, "exchanges")
    page.get_by_role("link", name="Turn off highlighting").click()
    page.wait_for_url(re.compile(r"hl=0"))
    assert page.locator("mark").count() == 0
    assert page.locator(".search-context .position").is_visible()  # the context stays
    page.get_by_role("link", name="Highlight the searched words").click()
    page.wait_for_selector("mark#match-1")


@pytest.mark.parametrize("width", [320, 390])
def test_on_a_phone_the_text_takes_the_whole_width(page, live_server, indexed_seed, width):
    page.set_viewport_size({"width": width, "height": 800})
    entry = indexed_seed["seed-000-2a775db45f4373d4"]
    page.goto(live_server.url + entry.get_absolute_url())
    paragraph = page.locator("#p2")
    text, body = paragraph.locator("p").bounding_box(), page.locator(".body").bounding_box()
    assert text["width"] >= body["width"] - 1  # no column beside the text
    tools = paragraph.locator(".paragraph-tools")
    assert tools.evaluate("el => getComputedStyle(el).opacity") == "0"
    paragraph.locator("p").click()  # a tap shows the paragraph's link
    assert tools.evaluate("el => getComputedStyle(el).opacity") == "1"
    assert paragraph.get_by_role("link", name="Link to paragraph 2").is_visible()
    page.keyboard.press("Tab")
    assert not overflows(page)
    citations = page.locator(".cite")
    assert citations.evaluate("el => el.scrollWidth <= el.clientWidth")


def test_printed_entry_keeps_the_text_and_citation_only(page, live_server, indexed_seed):
    entry = indexed_seed["seed-000-2a775db45f4373d4"]
    page.goto(f"{live_server.url}{entry.get_absolute_url()}?q=exchanges&hit=1")
    page.emulate_media(media="print")
    for hidden in (".site-header", ".search-context", ".match-bar", ".copy-citation", ".related"):
        assert all(not element.is_visible() for element in page.locator(hidden).all()), hidden
    assert page.locator("#p2 .anchor").is_visible()  # paragraph numbers
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "entry-print.png"), full_page=True)
    pdf = page.pdf(format="A4", print_background=True)
    (ARTIFACTS / "entry-print.pdf").write_bytes(pdf)
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    flat = " ".join(text.split())
    assert "Russia and Japan extend Year of interregional and sister city exchanges" in flat
    assert f"/entries/{entry.pk}/" in flat.replace(" ", "")  # the permalink
    assert "Chicago" in flat and "APA" in flat  # the citations
    assert "¶2" in flat
    for absent in ("Back to results", "Copy link", "Turn off highlighting", "Related entries"):
        assert absent not in flat, absent
