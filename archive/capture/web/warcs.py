"""A page and what it needs to display, fetched and written as a WARC file (ISO 28500,
WARC/1.1, gzip per record, with warcio): a warcinfo record, then a request and a response
record for each exchange (redirects included), each payload's digest computed by warcio.

The page's resources are those a browser would fetch to show it: images (``src`` and the
first of ``srcset``), stylesheets and icons, scripts (recorded, never run), media sources,
and the fonts and images a stylesheet names (``url(…)``, one level). Each is fetched through
the same guard; one that fails or is refused is left out and counted.
"""

import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import lxml.html
from django.conf import settings
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archive.capture.detection import CaptureRefused
from archive.capture.web.fetching import Exchange, Limits, fetch, user_agent

_CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)['"]?\s*\)""")


@dataclass
class PageCapture:
    page: list[Exchange]  # the redirects, then the page's answer
    resources: list[Exchange] = field(default_factory=list)
    left_out: list[tuple[str, str]] = field(default_factory=list)  # (address, why)

    @property
    def answer(self) -> Exchange:
        return self.page[-1]

    @property
    def exchanges(self) -> list[Exchange]:
        return [*self.page, *self.resources]


def resource_addresses(html: bytes, base: str) -> list[str]:
    """The addresses a page's markup asks a browser to fetch, in document order."""
    try:
        document = lxml.html.fromstring(html)
    except (lxml.etree.ParserError, ValueError):
        return []
    found = []
    for element in document.iter("img", "script", "link", "source", "video", "audio", "input"):
        tag = element.tag
        if tag == "link":
            rel = (element.get("rel") or "").lower().split()
            if not {"stylesheet", "icon", "shortcut", "apple-touch-icon", "preload"} & set(rel):
                continue
            values = [element.get("href")]
        else:
            values = [element.get("src")]
            srcset = element.get("srcset")
            if srcset:
                values.append(srcset.split(",")[0].strip().split(" ")[0])
        found += [urljoin(base, value.strip()) for value in values if value and value.strip()]
    return _usable(found)


def _usable(addresses: list[str]) -> list[str]:
    seen, usable = set(), []
    for address in addresses:
        address = address.split("#")[0]
        if urlsplit(address).scheme in ("http", "https") and address not in seen:
            seen.add(address)
            usable.append(address)
    return usable


def stylesheet_addresses(css: bytes, base: str) -> list[str]:
    return _usable(
        [urljoin(base, match) for match in _CSS_URL.findall(css.decode("utf-8", "replace"))]
    )


def page_title(html: bytes) -> str:
    try:
        title = lxml.html.fromstring(html).findtext(".//title")
    except (lxml.etree.ParserError, ValueError):
        return ""
    return " ".join((title or "").split())[:500]


def capture_page(url: str, limits: Limits) -> PageCapture:
    """The page (CaptureRefused if it cannot be had) and as many of its resources as can."""
    chain = fetch(url, limits)
    captured = PageCapture(chain)
    answer = captured.answer
    if answer.status >= 400:
        raise CaptureRefused(f"{answer.url} answered {answer.status} {answer.reason}".strip())
    if "html" not in answer.content_type and not answer.body.lstrip()[:15].lower().startswith(
        (b"<!doctype html", b"<html")
    ):
        return captured
    wanted = resource_addresses(answer.body, answer.url)
    budget = settings.ARCHIVE_CAPTURE_MAX_RESOURCES
    done: set[str] = {exchange.url for exchange in chain}
    while wanted and len(captured.resources) < budget:
        address = wanted.pop(0)
        if address in done:
            continue
        done.add(address)
        try:
            hops = fetch(address, limits)
        except CaptureRefused as refusal:
            captured.left_out.append((address, str(refusal)))
            if limits.left() <= 0:
                break
            continue
        captured.resources += hops
        if "css" in hops[-1].content_type:
            wanted += [
                more
                for more in stylesheet_addresses(hops[-1].body, hops[-1].url)
                if more not in done
            ]
    captured.left_out += [
        (address, "over the resource limit") for address in wanted if address not in done
    ]
    return captured


def write_warc(captured: PageCapture, path: Path) -> Path:
    with path.open("wb") as output:
        writer = WARCWriter(output, gzip=True, warc_version="WARC/1.1")
        writer.write_record(
            writer.create_warcinfo_record(
                path.name,
                {
                    "software": "RJ Archive capture (warcio)",
                    "format": "WARC File Format 1.1",
                    "http-header-user-agent": user_agent(),
                    "robots": "obey",
                },
            )
        )
        for exchange in captured.exchanges:
            parts = urlsplit(exchange.url)
            target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            request = writer.create_warc_record(
                exchange.url,
                "request",
                http_headers=StatusAndHeaders(
                    f"GET {target} HTTP/1.1", exchange.request_headers, is_http_request=True
                ),
                warc_headers_dict={"WARC-Date": exchange.fetched_at},
            )
            response = writer.create_warc_record(
                exchange.url,
                "response",
                payload=io.BytesIO(exchange.body),
                http_headers=StatusAndHeaders(
                    f"{exchange.status} {exchange.reason}".strip(),
                    exchange.headers,
                    protocol=exchange.http_version,
                ),
                warc_headers_dict={
                    "WARC-IP-Address": exchange.target.address,
                    "WARC-Date": exchange.fetched_at,
                },
            )
            writer.write_request_response_pair(request, response)
    return path
