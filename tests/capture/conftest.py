"""Capture fixtures: an originals storage of the test's own, the fixture files, and PDFs
made broken on purpose."""

import io
import subprocess
import zlib
from pathlib import Path

import pytest
from pypdf import PdfWriter
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archive.capture.webarchives import write_wacz

WACZ_CHECKER = Path(__file__).resolve().parents[2] / ".venv-wacz" / "bin" / "wacz"
FIXTURES = Path(__file__).resolve().parents[1] / "data" / "capture"
OCR_PAGES = Path(__file__).resolve().parents[1] / "data" / "ocr" / "pages"


@pytest.fixture(autouse=True)
def originals_dir(settings, tmp_path):
    """Every test keeps originals in a folder of its own."""
    folder = tmp_path / "originals-store"
    settings.STORAGES = {
        **settings.STORAGES,
        "originals": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(folder)},
        },
    }
    return folder


def stored_files(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.is_file()) if folder.exists() else []


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def encrypted_pdf() -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(fixture_bytes("exchange-en.pdf")))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def image_only_pdf() -> bytes:
    """A page with no text layer, as a scanner makes."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def bomb_pdf() -> bytes:
    """A page whose 80 KB content stream inflates to 80 MB."""
    stream = zlib.compress(b" " * 80_000_000, 9)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def assert_valid_wacz(path: Path):
    """Webrecorder's own checker (py-wacz's ``wacz validate``, installed by ``make
    wacz-check``) finds the package valid."""
    assert WACZ_CHECKER.exists(), "run `make wacz-check` to install the WACZ checker"
    check = subprocess.run(
        [str(WACZ_CHECKER), "validate", "-f", str(path)], capture_output=True, text=True
    )
    assert check.returncode == 0 and "is valid" in check.stdout, check.stdout + check.stderr


# Web archives ----------------------------------------------------------------------------


def warc(*answers: tuple[str, int, dict, bytes]) -> bytes:
    """A gzipped WARC/1.1 of response records, as any warcio-based crawler writes."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True, warc_version="WARC/1.1")
    for url, status, headers, body in answers:
        writer.write_record(
            writer.create_warc_record(
                url,
                "response",
                payload=io.BytesIO(body),
                http_headers=StatusAndHeaders(
                    f"{status} {'OK' if status == 200 else 'Found'}",
                    list(headers.items()),
                    protocol="HTTP/1.1",
                ),
                warc_headers_dict={"WARC-Date": "2026-12-05T12:03:00Z"},
            )
        )
    return out.getvalue()


HTML = {"Content-Type": "text/html; charset=utf-8"}
ARTICLE = "https://www.city.sapporo.jp/news/exchange.html"


def wacz_of(warc_bytes: bytes, tmp_path: Path, url: str = ARTICLE) -> bytes:
    source = tmp_path / "made-elsewhere.warc.gz"
    source.write_bytes(warc_bytes)
    return write_wacz(
        source, tmp_path / "made.wacz", url=url, captured_at="2026-12-05T12:03:00Z", title=""
    ).read_bytes()
