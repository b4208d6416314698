"""Capture by address, against a local web server the tests run: the page and its
resources into a WARC that warcio checks, the draft made from it, and the fetch guard
(private addresses, redirects, loops, errors, sizes, time, robots.txt, other schemes)."""

import contextlib
import subprocess
import sys
import threading
import time
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from warcio.archiveiterator import ArchiveIterator

from archive.capture.originals import originals_storage
from archive.capture.services import CaptureFailed
from archive.capture.web.capturing import capture_address
from archive.models import Entry
from tests.capture.conftest import assert_valid_wacz, fixture_bytes, stored_files

pytestmark = pytest.mark.django_db
STEALING_SCRIPT = b"fetch('/steal?' + document.cookie)"
ROBOTS = b"User-agent: *\nDisallow: /private/\n"
STYLESHEET = "@font-face{src:url('/fonts/N.woff2')} .b{background:url(/img/bg.png)}"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99"
    b"=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)


def article() -> bytes:
    """The capture fixture's article with 20 resources: 10 images, 4 stylesheets (each
    naming a font and an image), 4 scripts, an icon and a srcset."""
    tags = "".join(f'<img src="/img/{n}.png" alt="">' for n in range(10))
    tags += "".join(f'<link rel="stylesheet" href="/css/{n}.css">' for n in range(4))
    tags += "".join(f'<script src="/js/{n}.js"></script>' for n in range(4))
    tags += '<link rel="icon" href="/favicon.png"><img srcset="/img/wide.png 2x" alt="">'
    page = fixture_bytes("exchange-en.html").decode()
    return page.replace("</body>", tags + "</body>").encode()


class Site(BaseHTTPRequestHandler):
    routes: dict = {}

    def log_message(self, *args):
        pass

    def do_GET(self):
        route = self.routes.get(self.path.split("?")[0])
        if route is None:
            self.send_response(404)
            self.end_headers()
            return
        status, headers, body = route(self) if callable(route) else route
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(body)


@pytest.fixture
def site(settings):
    settings.ARCHIVE_CAPTURE_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    server = ThreadingHTTPServer(("127.0.0.1", 0), Site)
    port = server.server_address[1]
    base = f"http://127.0.0.1:{port}"
    html = {"Content-Type": "text/html; charset=utf-8"}

    def slow(handler):
        time.sleep(3)
        return 200, html, b"<html><body>late</body></html>"

    Site.routes = {
        "/article.html": (200, html, article()),
        **{f"/img/{n}.png": (200, {"Content-Type": "image/png"}, PNG) for n in range(10)},
        "/img/wide.png": (200, {"Content-Type": "image/png"}, PNG),
        "/img/bg.png": (200, {"Content-Type": "image/png"}, PNG),
        "/favicon.png": (200, {"Content-Type": "image/png"}, PNG),
        **{
            f"/css/{n}.css": (
                200,
                {"Content-Type": "text/css"},
                STYLESHEET.replace("N", str(n)).encode(),
            )
            for n in range(4)
        },
        **{
            f"/fonts/{n}.woff2": (200, {"Content-Type": "font/woff2"}, b"wOF2" + bytes(64))
            for n in range(4)
        },
        **{
            f"/js/{n}.js": (
                200,
                {"Content-Type": "text/javascript"},
                b"fetch('/steal?'+document.cookie)",
            )
            for n in range(4)
        },
        "/moved": (301, {"Location": "/article.html"}, b""),
        "/to-loopback": (302, {"Location": f"http://127.0.0.2:{port}/article.html"}, b""),
        "/to-metadata": (302, {"Location": "http://169.254.169.254/latest/meta-data/"}, b""),
        "/to-private": (302, {"Location": "http://10.0.0.1/"}, b""),
        "/to-ipv6-loopback": (302, {"Location": f"http://[::1]:{port}/article.html"}, b""),
        "/loop": (302, {"Location": "/loop"}, b""),
        "/error": (500, html, b"<html><body>Internal error</body></html>"),
        "/big": (200, html, b"<html><body>" + b"x" * 600_000 + b"</body></html>"),
        "/slow": slow,
        "/doc.pdf": (200, {"Content-Type": "application/pdf"}, fixture_bytes("exchange-en.pdf")),
        "/robots.txt": (
            200,
            {"Content-Type": "text/plain"},
            b"User-agent: *\nDisallow: /private/\n",
        ),
        "/private/page.html": (200, html, article()),
    }
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base
    server.shutdown()
    server.server_close()


def warc_inside(wacz: Path) -> Path:
    """The WARC a WACZ package holds, written beside it."""
    path = wacz.with_suffix(".warc.gz")
    with zipfile.ZipFile(wacz) as package:
        path.write_bytes(package.read("archive/data.warc.gz"))
    return path


def stored(entry) -> Path:
    link = entry.originals.get()
    return Path(originals_storage().path(link.file.storage_name))


def test_a_page_and_its_resources_become_a_checked_warc_and_a_draft(site):
    result = capture_address(site + "/article.html")
    entry = result.entry
    assert result.created and entry.status == "draft"
    assert entry.title == "Sapporo and Yuzhno-Sakhalinsk renew their student exchange"
    assert entry.partial_date.iso() == "2021-11-22" and "Sapporo" in entry.body
    # The 20 resources the page names, the fixture's own photo, and the 4 fonts and one
    # background image its stylesheets name (fetched once).
    assert result.resources == 26 and result.left_out == []
    link = entry.originals.get()
    assert link.file.content_type == "application/wacz" and link.filename.endswith(".wacz")
    wacz = stored(entry)
    assert_valid_wacz(wacz)
    path = warc_inside(wacz)
    check = subprocess.run(
        [str(Path(sys.executable).parent / "warcio"), "check", str(path)],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    with path.open("rb") as stream:
        targets = [
            record.rec_headers.get_header("WARC-Target-URI")
            for record in ArchiveIterator(stream)
            if record.rec_type == "response"
        ]
    assert targets[0] == site + "/article.html"
    assert (
        site + "/js/0.js" in targets and site + "/fonts/3.woff2" in targets
    )  # scripts kept, not run
    assert "/steal" not in " ".join(targets)


def test_a_redirect_is_followed_and_recorded(site):
    result = capture_address(site + "/moved")
    with warc_inside(stored(result.entry)).open("rb") as stream:
        statuses = [
            record.http_headers.get_statuscode()
            for record in ArchiveIterator(stream)
            if record.rec_type == "response"
        ][:2]
    assert statuses == ["301", "200"]


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/to-loopback", "127.0.0.2, a private, loopback"),
        ("/to-metadata", "169.254.169.254, a private, loopback, link-local"),
        ("/to-private", "10.0.0.1, a private"),
        ("/to-ipv6-loopback", "::1, a private, loopback"),
        ("/loop", "redirects more than 10 times"),
        ("/error", "answered 500"),
        ("/big", "larger than the limit"),
        ("/slow", "did not answer in time"),
        ("/private/page.html", "robots.txt asks archives not to fetch it"),
    ],
)
def test_bad_addresses_are_refused_with_a_reason_and_leave_nothing(
    site, settings, originals_dir, path, reason
):
    settings.ARCHIVE_CAPTURE_MAX_BYTES = 500_000
    settings.ARCHIVE_CAPTURE_SECONDS = 1.5
    with pytest.raises(CaptureFailed) as failure:
        capture_address(site + path)
    assert reason in failure.value.reason
    assert not Entry.objects.exists() and stored_files(originals_dir) == []


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("javascript:alert(1)", "only http and https"),
        ("data:text/html,<p>hi</p>", "only http and https"),
        ("http://user:secret@example.org/", "user name or password"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254"),
        ("http://[::1]/", "::1"),
    ],
)
def test_other_schemes_and_private_hosts_are_refused_before_any_fetch(address, reason):
    with pytest.raises(CaptureFailed) as failure:
        capture_address(address)
    assert reason in failure.value.reason


def test_the_local_server_itself_needs_the_exception_setting(site, settings):
    settings.ARCHIVE_CAPTURE_ALLOWED_NETWORKS = []
    with pytest.raises(CaptureFailed, match="127.0.0.1, a private, loopback"):
        capture_address(site + "/article.html")


def test_an_editor_may_override_robots_txt(site):
    assert capture_address(site + "/private/page.html", ignore_robots=True).created


def test_a_pdf_at_an_address_is_captured_as_a_pdf(site):
    entry = capture_address(site + "/doc.pdf").entry
    assert entry.originals.get().file.content_type == "application/pdf"
    assert entry.original_url == site + "/doc.pdf" and "Sapporo" in entry.body


def test_the_command_captures_addresses_beside_files(site):
    out = StringIO()
    call_command("capture", site + "/article.html", stdout=out, stderr=StringIO())
    assert "a WACZ of the page and 26 resources; 0 left out" in out.getvalue()
    assert Entry.objects.count() == 1


def test_an_editor_pastes_addresses_in_the_admin(site, editor_client):
    url = "/admin/archive/entry/add-from-address/"
    listing = editor_client.get("/admin/archive/entry/").content.decode()
    assert url in listing
    response = editor_client.post(url, {"addresses": f"{site}/article.html\n\n{site}/error\n"})
    assert response.status_code == 302
    page = editor_client.get(response["Location"]).content.decode()
    assert "Captured:" in page and "answered 500" in page
    assert Entry.objects.count() == 1
    assert editor_client.post(url, {"addresses": "javascript:alert(1)"}).status_code == 200
