"""A captured page replayed in Chromium by ReplayWeb.page on the replay origin: its images
and styles shown, and its scripts unable to read the archive's cookies or its admin."""

import contextlib
import io
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from PIL import Image

from archive.capture.web.capturing import capture_address
from archive.models import Status
from tests.capture.conftest import fixture_bytes

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def red_square() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (16, 16), (220, 20, 60)).save(out, "PNG")
    return out.getvalue()


STYLE = b"body{background:#fdf6e3} h1{color:rgb(178, 34, 34);border-bottom:4px solid #268bd2}"


def probe(archive: str) -> bytes:
    """What a hostile page would try: read cookies, read the archive's admin."""
    return (
        "document.addEventListener('DOMContentLoaded', function () {"
        "  var out = document.createElement('p'); out.id = 'probe';"
        "  out.textContent = 'cookies=[' + document.cookie + ']';"
        "  document.body.appendChild(out);"
        f"  fetch('{archive}/admin/', {{credentials: 'include'}})"
        "    .then(function (r) { return r.text(); })"
        "    .then(function (t) {"
        "      out.dataset.admin = t.indexOf('RJ Archive') >= 0 ? 'read' : 'not the archive';"
        "    })"
        "    .catch(function () { out.dataset.admin = 'blocked'; });"
        "});"
    ).encode()


@pytest.fixture
def site(settings, live_server):
    settings.ARCHIVE_CAPTURE_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    page = fixture_bytes("exchange-en.html").decode()
    images = "".join(f'<img src="/img/{n}.png" alt="" width="64" height="64">' for n in range(3))
    page = page.replace(
        "</head>",
        '<link rel="stylesheet" href="/style.css"><script src="/probe.js"></script></head>',
    )
    page = page.replace("</body>", f'<p class="figures">{images}</p></body>').encode()
    routes = {
        "/article.html": ("text/html; charset=utf-8", page),
        "/style.css": ("text/css", STYLE),
        "/probe.js": ("text/javascript", probe(live_server.url)),
        **{f"/img/{n}.png": ("image/png", red_square()) for n in range(3)},
    }

    class Site(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            kind, body = routes.get(self.path, ("text/plain", b""))
            self.send_response(200 if self.path in routes else 404)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Site)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_the_archived_copy_replays_with_its_images_and_styles_and_cannot_reach_the_archive(
    page, live_server, site, settings, screenshot
):
    # The archive at localhost, its replays at 127.0.0.1: two origins, as in production.
    settings.ARCHIVE_REPLAY_ORIGIN = live_server.url.replace("localhost", "127.0.0.1")
    settings.ARCHIVE_BASE_URL = live_server.url
    entry = capture_address(site + "/article.html").entry
    entry.status = Status.PUBLISHED
    entry.save()
    entry.originals.update(public=True)
    # A reader's browser holds the archive's cookies (one a script could read).
    page.context.add_cookies(
        [
            {"name": "sessionid", "value": "archive-session-secret", "url": live_server.url},
            {"name": "csrftoken", "value": "archive-csrf-secret", "url": live_server.url},
        ]
    )
    page.goto(live_server.url + entry.get_absolute_url())
    link = page.get_by_role("link", name="Archived copy, captured")
    assert "UTC" in link.inner_text()
    assert page.locator(".archived-copy code").inner_text() == entry.originals.get().file.sha256
    screenshot("entry-archived-copy")
    link.click()
    page.wait_for_url(settings.ARCHIVE_REPLAY_ORIGIN + "/replay/**")

    def replayed_frame():
        for frame in page.frames:
            if "mp_/" in frame.url and "article.html" in frame.url:
                return frame
        return None

    for _attempt in range(60):
        frame = replayed_frame()
        if frame is not None and frame.locator("#probe[data-admin]").count():
            break
        page.wait_for_timeout(500)
    else:
        pytest.fail("the archived page was not replayed: " + str([f.url for f in page.frames]))
    assert "Sapporo and Yuzhno-Sakhalinsk" in frame.locator("h1").inner_text()
    # Its styles and images came from the capture.
    assert frame.evaluate("getComputedStyle(document.querySelector('h1')).color") == (
        "rgb(178, 34, 34)"
    )
    loaded = "[...document.querySelectorAll('.figures img')].filter(i => i.naturalWidth === 16)"
    for _attempt in range(40):  # the probe runs at DOMContentLoaded, before images load
        if frame.evaluate(loaded + ".length") == 3:
            break
        page.wait_for_timeout(250)
    assert frame.evaluate(loaded + ".length") == 3
    # Its script saw none of the archive's cookies and could not read its admin.
    probe_text = frame.locator("#probe").inner_text()
    assert "secret" not in probe_text and probe_text.startswith("cookies=[")
    # (ReplayWeb.page sends its fetch into the capture, where there is no such page.)
    assert frame.locator("#probe").get_attribute("data-admin") in ("blocked", "not the archive")
    screenshot("replay-archived-copy")
