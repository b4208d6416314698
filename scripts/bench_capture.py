"""Time capture by address against a local site: a page with 20 resources (10 images, 4
stylesheets each naming a font and an image, 4 scripts, an icon, a srcset), fetched
through the guard into a WARC, packaged as WACZ, extracted and made a draft, in a
throwaway database. Prints each run and the median; the target is under 5 s a page.

    .venv/bin/python scripts/bench_capture.py [--runs 5] [--delay-ms 0]

``--delay-ms`` makes the site answer each request that much later (a slower site).
"""

import argparse
import contextlib
import io
import os
import statistics
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def site_routes() -> dict[str, tuple[str, bytes]]:
    from PIL import Image

    def image(n: int) -> bytes:
        out = io.BytesIO()
        Image.new("RGB", (320, 200), (20 * n % 255, 90, 160)).save(out, "PNG")
        return out.getvalue()

    page = (ROOT / "tests" / "data" / "capture" / "exchange-en.html").read_text()
    tags = "".join(f'<img src="/img/{n}.png" alt="">' for n in range(10))
    tags += "".join(f'<link rel="stylesheet" href="/css/{n}.css">' for n in range(4))
    tags += "".join(f'<script src="/js/{n}.js"></script>' for n in range(4))
    tags += '<link rel="icon" href="/favicon.png"><img srcset="/img/wide.png 2x" alt="">'
    routes = {
        "/article.html": (
            "text/html; charset=utf-8",
            page.replace("</body>", tags + "</body>").encode(),
        )
    }
    routes.update({f"/img/{n}.png": ("image/png", image(n)) for n in range(10)})
    routes.update(
        {"/img/wide.png": ("image/png", image(11)), "/favicon.png": ("image/png", image(12))}
    )
    routes.update({"/img/bg.png": ("image/png", image(13))})
    for n in range(4):
        css = f"@font-face{{src:url('/fonts/{n}.woff2')}} .b{{background:url(/img/bg.png)}}"
        routes[f"/css/{n}.css"] = ("text/css", css.encode())
        routes[f"/fonts/{n}.woff2"] = ("font/woff2", b"wOF2" + os.urandom(30_000))
        routes[f"/js/{n}.js"] = ("text/javascript", b"console.log('recorded, never run');" * 200)
    routes["/robots.txt"] = ("text/plain", b"User-agent: *\nAllow: /\n")
    return routes


def serve(routes, delay: float) -> tuple[ThreadingHTTPServer, str]:
    class Site(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            time.sleep(delay)
            path = self.path.split("?")[0]
            kind, body = routes.get(path, ("text/plain", b""))
            self.send_response(200 if path in routes else 404)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Site)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--delay-ms", type=float, default=0)
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-capture-"))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="rjsite.settings",
        ARCHIVE_DATA_DIR=str(folder),
        ARCHIVE_ORIGINALS_DIR=str(folder / "originals"),
        ARCHIVE_ENTITIES_ON_SAVE="off",
        ARCHIVE_FOLLOW_CHANGES="false",
        ARCHIVE_CAPTURE_ALLOWED_NETWORKS="127.0.0.1/32",
    )
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from archive.capture.verification import captures, verify
    from archive.capture.web.capturing import capture_address
    from archive.models import Entry

    server, base = serve(site_routes(), options.delay_ms / 1000)
    seconds = []
    for run in range(1, options.runs + 1):
        Entry.objects.all().delete()  # each run captures anew (the same page is one entry)
        started = time.perf_counter()
        result = capture_address(f"{base}/article.html?run={run}")
        elapsed = time.perf_counter() - started
        seconds.append(elapsed)
        link = result.entry.originals.get()
        print(
            f"run {run}: {elapsed:.2f} s — {result.resources} resources fetched, "
            f"{len(result.left_out)} left out, WACZ {link.file.size / 1024:.0f} KB"
        )
    started = time.perf_counter()
    verdicts = list(verify(captures()))
    verified = time.perf_counter() - started
    server.shutdown()
    print(
        f"capture of a page with 20 resources: median {statistics.median(seconds):.2f} s, "
        f"max {max(seconds):.2f} s over {len(seconds)} runs (target < 5 s); "
        f"verify_captures of {len(verdicts)} captures: {verified * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
