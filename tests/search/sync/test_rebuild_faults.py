"""A rebuild that is killed or fails never leaves the archive stuck: no process left
behind, no lock held, the old index answering and writable, a clear one-line message.
The fast subset of scripts/fault_test.py, with real processes."""

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ADD_ENTRY = """
from archive.models import Entry
Entry.objects.create(title="Saved after the fault", body="{word}", status="published")
"""

HOLD_LOCK_IN_AN_ORPHAN = """
import fcntl, json, os, sys, time
path = sys.argv[1]
handle = open(path, "a+")
fcntl.flock(handle, fcntl.LOCK_EX)
handle.write(json.dumps({"pid": os.getpid(), "command": "old rebuild", "since": time.time()}))
handle.flush()
child = os.fork()
if child == 0:  # the child inherits the locked descriptor, as forked workers did
    quiet = os.open(os.devnull, os.O_RDWR)
    os.dup2(quiet, 1)
    os.dup2(quiet, 2)
    time.sleep(120)
    os._exit(0)
print(child, flush=True)
os._exit(0)  # the process that took the lock is gone; its child still holds it
"""


@pytest.fixture
def corpus_site(process_site):
    """An archive large enough that a rebuild takes a few seconds."""
    process_site.manage("generate_corpus", "--entries", "1500", "--seed", "5", "-v0")
    started = time.monotonic()
    process_site.manage("rebuild_index", "-v0")
    process_site.rebuild_seconds = time.monotonic() - started
    return process_site


def processes_of(site) -> list[int]:
    """Every process whose environment names this site's index folder."""
    marker = f"ARCHIVE_INDEX_DIR={site.index_dir}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                if marker in (entry / "environ").read_bytes().split(b"\0"):
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def wait_until_no_processes(site, seconds=5.0) -> list[int]:
    deadline = time.monotonic() + seconds
    while (left := processes_of(site)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left


def assert_archive_works(site, word: str):
    """The old index answers, agrees with the database, has no lock held, and takes saves."""
    check = site.manage("check_index", check=False)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "held" not in check.stdout
    adding = site.shell(ADD_ENTRY.format(word=word))
    assert adding.wait(timeout=60) == 0, adding.stderr.read()
    assert "1 result" in site.manage("search", word).stdout


def unfinished_generations(site) -> list[str]:
    return [p.name for p in (site.index_dir / "generations").iterdir() if p.name[0] == "."]


def one_line_error(result) -> str:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="finds processes through /proc")
def test_a_rebuild_killed_at_random_moments_leaves_no_process_and_no_lock(corpus_site):
    moments = random.Random().sample(range(1, 100), 3)  # percent of a full rebuild
    for number, percent in enumerate(sorted(moments)):
        rebuild = corpus_site.start("rebuild_index")
        time.sleep(corpus_site.rebuild_seconds * percent / 100)
        rebuild.send_signal(signal.SIGKILL)
        rebuild.wait(timeout=30)
        left = wait_until_no_processes(corpus_site)
        assert not left, f"killed at {percent}%: processes left behind: {left}"
        assert_archive_works(corpus_site, f"afterkill{number}")
    corpus_site.manage("rebuild_index", "-v0")
    assert unfinished_generations(corpus_site) == []
    assert "The index agrees with the database." in corpus_site.manage("check_index").stdout


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="finds workers through /proc")
def test_a_crashed_worker_fails_the_rebuild_at_once_with_a_clear_message(corpus_site):
    rebuild = corpus_site.start("rebuild_index", "--processes", "2")
    deadline = time.monotonic() + 30
    workers = []
    while not workers and time.monotonic() < deadline:
        workers = [pid for pid in processes_of(corpus_site) if b"spawn_main" in cmdline(pid)]
        time.sleep(0.05)
    assert workers, "no worker process was started"
    time.sleep(0.5)
    os.kill(workers[0], signal.SIGKILL)
    killed_at = time.monotonic()
    _, errors = rebuild.communicate(timeout=30)
    assert time.monotonic() - killed_at < 5
    result = subprocess.CompletedProcess(rebuild.args, rebuild.returncode, "", errors)
    assert "an indexing process stopped unexpectedly" in one_line_error(result)
    assert "The current index is unchanged." in errors
    assert not wait_until_no_processes(corpus_site)
    assert unfinished_generations(corpus_site) == []
    assert_archive_works(corpus_site, "afterworkercrash")


def cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def _mount(*args) -> bool:
    return subprocess.run(["mount", *args], capture_output=True).returncode == 0


@pytest.mark.skipif(sys.platform != "linux" or os.geteuid() != 0, reason="mounts a tmpfs")
def test_a_rebuild_on_a_full_disk_fails_promptly_and_keeps_the_old_index(process_site):
    site = process_site
    site.index_dir.mkdir(exist_ok=True)
    if not _mount("-t", "tmpfs", "-o", "size=3m", "tmpfs", str(site.index_dir)):
        pytest.skip("this machine does not allow mounting a tmpfs")
    try:
        site.manage("rebuild_index", "-v0")  # a small index fits
        assert_archive_works(site, "beforedisk")
        site.manage("generate_corpus", "--entries", "1500", "--seed", "6", "--force", "-v0")
        started = time.monotonic()
        result = site.manage("rebuild_index", check=False, timeout=120)
        assert time.monotonic() - started < 60
        assert "No space left on device" in one_line_error(result)
        assert unfinished_generations(site) == []
        assert "1 result" in site.manage("search", "beforedisk").stdout
    finally:
        subprocess.run(["umount", "-l", str(site.index_dir)], capture_output=True)


def test_a_lock_whose_holder_is_gone_is_reported_and_cleared_by_fix(process_site):
    site = process_site
    lock = (site.index_dir / "current").resolve() / "MAIN_WRITELOCK"
    holder = subprocess.run(
        [sys.executable, "-c", HOLD_LOCK_IN_AN_ORPHAN, str(lock)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    orphan = int(holder.stdout)
    try:
        check = site.manage("check_index", check=False)
        assert check.returncode != 0
        assert "write lock is held though the process that took it is gone" in check.stdout
        assert f"pid {orphan}" in check.stdout
        fixed = site.manage("check_index", "--fix")
        assert "Cleared the index's write lock" in fixed.stdout
        assert_archive_works(site, "afterorphan")
    finally:
        os.kill(orphan, signal.SIGKILL)


def damaged_index_recovers(damage) -> tuple[bool, int]:
    """Damage one file of the current index; search must say it is being rebuilt (never
    fail), then answer again from a rebuilt index."""
    from io import StringIO

    from django.core.management import call_command

    from archive import search
    from archive.search.sync import storage

    call_command("load_seed", stdout=StringIO())
    search.rebuild()
    damage(storage.current_generation())
    storage.searchers.clear()
    page = search.search(search.SearchRequest(query="Motegi"))
    search.wait_for_background_rebuild(timeout=60)
    return page.available, search.search(search.SearchRequest(query="Motegi")).total


def test_a_deleted_segment_file_is_reported_and_rebuilt(transactional_db):
    def delete_terms(generation):
        next(generation.glob("MAIN_*.trm")).unlink()  # the public index, not the drafts'

    assert damaged_index_recovers(delete_terms) == (False, 1)


def test_a_truncated_segment_file_is_reported_and_rebuilt(transactional_db):
    def truncate_postings(generation):
        postings = next(generation.glob("MAIN_*.pst"))  # the public index, not the drafts'
        postings.write_bytes(postings.read_bytes()[:100])

    assert damaged_index_recovers(truncate_postings) == (False, 1)


def test_health_and_check_index_report_a_write_lock_held_too_long(indexed_seed, client, settings):
    from io import StringIO

    from django.core.management import call_command

    from archive.search.sync import indexing

    assert client.get("/healthz").json()["status"] == "ok"
    settings.ARCHIVE_INDEX_LOCK_ALERT_SECONDS = 0
    with indexing.index_writer():
        health = client.get("/healthz")
        out = StringIO()
        call_command("check_index", stdout=out)
    assert health.status_code == 200  # searching still works
    assert health.json()["status"] == "degraded"
    [report] = health.json()["index_locks"]
    assert report.startswith(f"The index's write lock is held by pid {os.getpid()} (")
    assert f"The index's write lock is held by pid {os.getpid()}" in out.getvalue()
    assert client.get("/healthz").json()["status"] == "ok"  # released


def test_a_database_going_away_fails_the_rebuild_with_one_line(indexed_seed):
    from django.core.management import CommandError, call_command
    from django.db import OperationalError, connection

    from archive.search.sync import storage

    before = storage.current_generation()
    queries = []

    def database_gone(execute, sql, params, many, context):
        queries.append(sql)
        if len(queries) > 2:  # the rebuild has started reading entries
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(database_gone), pytest.raises(CommandError) as failure:
        call_command("rebuild_index", "--processes", "1", "-v0")
    message = str(failure.value)
    assert message == (
        "the rebuild could not read the database: server closed the connection "
        "unexpectedly. The current index is unchanged."
    )
    assert storage.current_generation() == before
    assert [p.name for p in before.parent.iterdir()] == [before.name]


@pytest.mark.skipif(sys.platform != "linux" or os.geteuid() != 0, reason="bind-mounts a folder")
def test_a_rebuild_into_a_read_only_folder_fails_with_one_line(process_site):
    site = process_site
    if not (
        _mount("--bind", str(site.index_dir), str(site.index_dir))
        and _mount("-o", "remount,ro,bind", str(site.index_dir))
    ):
        pytest.skip("this machine does not allow a read-only bind mount")
    try:
        started = time.monotonic()
        result = site.manage("rebuild_index", check=False)
        assert time.monotonic() - started < 60
        line = one_line_error(result)
        assert "Read-only file system" in line and "The current index is unchanged." in line
        assert "0 results" in site.manage("search", "anything").stdout  # still answering
    finally:
        subprocess.run(["umount", "-l", str(site.index_dir)], capture_output=True)
