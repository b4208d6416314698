"""Importing a WARC or WACZ made elsewhere (ArchiveWeb.page, Browsertrix, another copy of
this archive): checked, hashed, its main page found and made a draft; a damaged or hostile
archive refused with its reason, no draft, nothing stored."""

import gzip
import io
import json
import zipfile

import pytest

from archive.capture.said import shown
from archive.capture.services import CaptureFailed, capture
from archive.models import Entry
from tests.capture.conftest import (
    ARTICLE,
    HTML,
    assert_valid_wacz,
    fixture_bytes,
    stored_files,
    wacz_of,
    warc,
)

pytestmark = pytest.mark.django_db
PAGE = fixture_bytes("exchange-en.html")
OTHER_PAGE = b"<html><head><title>Site index</title></head><body><p>Links only</p></body></html>"


def rezip(data: bytes, change) -> bytes:
    """The WACZ with ``change(members)`` applied to its {name: bytes}."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        members = {name: package.read(name) for name in package.namelist()}
    change(members)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for name, content in members.items():
            package.writestr(name, content)
    return out.getvalue()


def test_a_warc_made_elsewhere_becomes_a_draft_from_its_page(originals_dir):
    data = warc(
        ("https://www.city.sapporo.jp/", 302, {"Location": ARTICLE}, b""),
        (ARTICLE, 200, HTML, PAGE),
        ("https://www.city.sapporo.jp/logo.png", 200, {"Content-Type": "image/png"}, b"PNG"),
    )
    result = capture(io.BytesIO(data), "crawl.warc.gz")
    entry = result.entry
    assert entry.status == "draft"
    assert entry.title == "Sapporo and Yuzhno-Sakhalinsk renew their student exchange"
    assert entry.originals.get().file.content_type == "application/warc"


def test_a_wacz_import_finds_the_page_its_pages_list_names(tmp_path, originals_dir):
    data = wacz_of(
        warc(
            ("https://www.city.sapporo.jp/", 200, HTML, OTHER_PAGE),
            (ARTICLE, 200, HTML, PAGE),
        ),
        tmp_path,
    )
    result = capture(io.BytesIO(data), "ArchiveWeb.page export.wacz")
    assert result.entry.title == "Sapporo and Yuzhno-Sakhalinsk renew their student exchange"
    assert result.entry.originals.get().file.content_type == "application/wacz"
    notes = " ".join(shown(note) for note in result.extraction.report()["notes"])
    assert ARTICLE in notes and "2 responses" in notes


def test_our_wacz_passes_webrecorders_checker_and_round_trips_to_the_same_hash(
    tmp_path, originals_dir
):
    data = wacz_of(warc((ARTICLE, 200, HTML, PAGE)), tmp_path)
    assert_valid_wacz(tmp_path / "made.wacz")
    first = capture(io.BytesIO(data), "page.wacz").entry
    sha256 = first.originals.get().file.sha256
    # Another archive (here: this one, emptied) imports the file downloaded from the first.
    downloaded = (originals_dir / first.originals.get().file.storage_name).read_bytes()
    Entry.objects.all().delete()
    again = capture(io.BytesIO(downloaded), "downloaded.wacz").entry
    assert again.pk != first.pk and again.originals.get().file.sha256 == sha256
    assert again.title == first.title


def _bomb(members):
    members["archive/padding.warc"] = b"\0" * (30 * 1024 * 1024)


def _escape(members):
    members["../../etc/cron.d/evil"] = b"* * * * * root sh"


def _absolute(members):
    members["/tmp/evil"] = b"x"


def _tampered_warc(members):
    warc_bytes = bytearray(members["archive/data.warc.gz"])
    members["archive/data.warc.gz"] = bytes(warc_bytes[:-40]) + bytes(40)


def _no_datapackage(members):
    del members["datapackage.json"]


def _datapackage_changed(members):
    package = json.loads(members["datapackage.json"])
    package["title"] = "Rewritten after it was signed"
    members["datapackage.json"] = json.dumps(package).encode()


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (_bomb, "zip bomb"),
        (_escape, "a path outside the package (../../etc/cron.d/evil)"),
        (_absolute, "a path outside the package (/tmp/evil)"),
        (_tampered_warc, "archive/data.warc.gz in the WACZ file differs from the hash"),
        (_no_datapackage, "has no datapackage.json"),
        (_datapackage_changed, "datapackage.json differs from its digest"),
    ],
)
def test_a_hostile_or_damaged_wacz_is_refused_and_leaves_nothing(
    tmp_path, originals_dir, change, reason
):
    data = rezip(wacz_of(warc((ARTICLE, 200, HTML, PAGE)), tmp_path), change)
    with pytest.raises(CaptureFailed) as failure:
        capture(io.BytesIO(data), "upload.wacz")
    assert reason in failure.value.reason
    assert not Entry.objects.exists() and stored_files(originals_dir) == []


def test_a_warc_whose_record_differs_from_its_digest_is_refused(originals_dir):
    data = warc((ARTICLE, 200, HTML, PAGE))
    plain = gzip.decompress(data).replace(b"Yuzhno-Sakhalinsk", b"Yuzhno-Sakhalinzk")
    with pytest.raises(CaptureFailed) as failure:
        capture(io.BytesIO(gzip.compress(plain)), "changed.warc.gz")
    assert "differs from the digest it declares" in failure.value.reason
    assert not Entry.objects.exists() and stored_files(originals_dir) == []


def test_a_zip_that_is_not_a_web_archive_is_refused(originals_dir):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("report.docx", b"not an archive")
    with pytest.raises(CaptureFailed) as failure:
        capture(io.BytesIO(out.getvalue()), "report.wacz")
    assert "not a web page, a PDF" in failure.value.reason
    assert stored_files(originals_dir) == []


def test_a_web_archive_without_a_page_is_refused(originals_dir):
    data = warc(("https://example.org/logo.png", 200, {"Content-Type": "image/png"}, b"PNG"))
    with pytest.raises(CaptureFailed) as failure:
        capture(io.BytesIO(data), "images.warc.gz")
    assert "holds no web page" in failure.value.reason
