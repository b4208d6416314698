"""Print the capture test pages to PDF with Chromium (Playwright), so the PDF fixtures
carry a real text layer in English, Russian and Japanese. Run once when the pages change:

    .venv/bin/python scripts/make_capture_pdfs.py
"""

import shutil
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.browser.conftest import CHROMIUM_ARGS as ARGS  # noqa: E402  (the suite's launch)

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "data" / "capture"
PAGES = ("exchange-en", "kuril-ru", "fisheries-ja")


def main():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), args=ARGS)
        page = browser.new_page()
        for name in PAGES:
            page.goto((FIXTURES / f"{name}.html").as_uri())
            page.pdf(path=str(FIXTURES / f"{name}.pdf"), format="A4")
            print(f"{name}.pdf")
        browser.close()


if __name__ == "__main__":
    main()
