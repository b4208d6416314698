"""manage.py verify_captures: every stored capture read back and re-hashed; one that
changed or went missing named with its entries, and the command fails."""

import io
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from archive.capture.services import capture
from tests.capture.conftest import ARTICLE, HTML, fixture_bytes, wacz_of, warc

pytestmark = pytest.mark.django_db


@pytest.fixture
def stored(tmp_path, originals_dir):
    """A capture (WACZ) and a saved page (HTML), and where the capture's file lives."""
    data = wacz_of(warc((ARTICLE, 200, HTML, fixture_bytes("exchange-en.html"))), tmp_path)
    entry = capture(io.BytesIO(data), "page.wacz").entry
    capture(io.BytesIO(fixture_bytes("kuril-ru.html")), "kuril-ru.html")
    file = entry.originals.get().file
    return entry, file, originals_dir / file.storage_name


def run(*args) -> str:
    out = StringIO()
    call_command("verify_captures", *args, stdout=out)
    return out.getvalue()


def test_unchanged_captures_are_reported_as_such(stored):
    assert "1 file verified: 1 unchanged, 0 changed, 0 missing." in run()
    assert "2 files verified: 2 unchanged" in run("--all")


def test_a_changed_capture_is_named_with_its_entry_and_the_command_fails(stored):
    entry, file, path = stored
    path.write_bytes(path.read_bytes()[:-1] + b"!")
    out = StringIO()
    with pytest.raises(CommandError, match="1 stored file is not as it was stored"):
        call_command("verify_captures", stdout=out)
    assert f"CHANGED {file.sha256} (entries #{entry.pk})" in out.getvalue()
    assert "0 unchanged, 1 changed, 0 missing" in out.getvalue()


def test_a_missing_capture_is_named_and_json_says_it_per_file(stored):
    entry, file, path = stored
    path.unlink()
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("verify_captures", "--json", stdout=out)
    [line] = out.getvalue().splitlines()
    assert json.loads(line) == {
        "sha256": file.sha256,
        "state": "missing",
        "found": None,
        "entries": [entry.pk],
    }
