"""Real processes against a real SQLite file and index: concurrent editors, and a process
killed between the database commit and the index write."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

CREATE_ENTRIES = """
from archive.models import Entry
for number in range({count}):
    Entry.objects.create(
        title="{tag} report " + str(number), body="Concurrent editors {tag}", status="published"
    )
"""

KILL_AFTER_COMMIT = """
import os, signal
from django.db import transaction
from archive.models import Entry
with transaction.atomic():
    # Registered first, so it runs first after the commit: the index write never happens.
    transaction.on_commit(lambda: os.kill(os.getpid(), signal.SIGKILL))
    Entry.objects.create(title="Killed before indexing", body="Shikotan", status="published")
"""


@pytest.fixture
def site(tmp_path):
    """A migrated database file and an index folder that separate processes share."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "ARCHIVE_DATA_DIR": str(tmp_path),
        "ARCHIVE_INDEX_DIR": str(tmp_path / "index"),
        "ARCHIVE_INDEX_LOCK_TIMEOUT": "10",
    }

    def manage(*args, check=True):
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"manage.py {args} failed:\n{result.stdout}\n{result.stderr}")
        return result

    def start(code):
        return subprocess.Popen(
            [sys.executable, "manage.py", "shell", "-c", code],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    manage("migrate", "-v0")
    manage("rebuild_index", "-v0")
    return manage, start


def test_two_editors_saving_at_once_both_end_up_in_the_index(site):
    manage, start = site
    editors = [start(CREATE_ENTRIES.format(count=15, tag=tag)) for tag in ("alpha", "beta")]
    for editor in editors:
        _, errors = editor.communicate(timeout=120)
        assert editor.returncode == 0, errors
    assert "The index agrees with the database." in manage("check_index").stdout
    assert "15 results" in manage("search", "alpha").stdout
    assert "15 results" in manage("search", "beta").stdout


def test_a_kill_between_commit_and_index_write_is_recovered(site):
    manage, start = site
    killed = start(KILL_AFTER_COMMIT)
    killed.communicate(timeout=60)
    assert killed.returncode == -9
    drift = manage("check_index", check=False)
    assert drift.returncode != 0
    assert "1 missing from the index" in drift.stdout
    assert "1 queued updates not yet applied" in drift.stdout
    # The queued update survives the crash; the next search applies it.
    assert "1 result" in manage("search", "Shikotan").stdout
    assert "The index agrees with the database." in manage("check_index").stdout
