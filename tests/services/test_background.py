"""The after-commit worker names and OCR readings share (archive/background.py)."""

import pytest
from django.db import transaction

from archive.background import AfterCommitWork


@pytest.mark.parametrize("mode", ["background", "now", "off"])
def test_work_is_done_after_the_commit_where_the_setting_says(settings, transactional_db, mode):
    settings.ARCHIVE_TEST_WORK = mode
    done = []
    work = AfterCommitWork("test-work", done.append, "ARCHIVE_TEST_WORK")
    with transaction.atomic():
        work.after_commit("first")
        assert done == []  # never before the commit
    work.wait_until_done()
    assert done == ([] if mode == "off" else ["first"])


def test_a_failure_is_logged_and_the_thread_goes_on(settings, transactional_db, caplog):
    settings.ARCHIVE_TEST_WORK = "background"
    done = []

    def perform(item):
        if item == "bad":
            raise RuntimeError("broken")
        done.append(item)

    work = AfterCommitWork("test-work", perform, "ARCHIVE_TEST_WORK")
    work.after_commit("bad")
    work.after_commit("good")
    work.wait_until_done()
    assert done == ["good"] and "test-work failed for bad" in caplog.text
