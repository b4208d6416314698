"""Real processes against a real database and index: concurrent editors, and a process
killed between the database commit and the index write."""

import pytest

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
def site(process_site):
    return process_site.manage, process_site.shell


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
