#!/usr/bin/env python
"""Fault tests on loopback, each bounded in time: kill -9 of a server worker during index
writes, of rebuild_index midway and of an import midway; a full disk and a read-only
index folder; a deleted and a truncated index file. After each, the site must still
serve, no database row may be lost or half-written, and the index must recover
(automatically, or with check_index --fix). Prints one line per scenario; exit 1 on any
failure.

    .venv/bin/python scripts/fault_test.py [--only NAME ...]
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import requests

sys.path.insert(0, os.path.dirname(__file__))
from harness import PYTHON, ROOT, Editor, Site, processes_of  # noqa: E402

COUNT_MARKED = (
    "from archive.models import Entry; "
    "print(Entry.objects.filter(title__startswith='Load test entry').count(), "
    "Entry.objects.filter(title__startswith='Load test entry', body='').count())"
)


def count_entries(site: Site) -> int:
    code = "from archive.models import Entry; print(Entry.objects.count())"
    return int(site.manage("shell", "-v0", "-c", code).stdout.strip())


def index_recovers(site: Site) -> str:
    """check_index clean, or made clean by --fix; returns how."""
    if site.manage("check_index", check=False).returncode == 0:
        return "index clean"
    site.manage("check_index", "--fix")
    site.manage("check_index")
    return "index repaired by check_index --fix"


def serves(site: Site) -> bool:
    page = requests.get(site.url + "/", params={"q": "Japan"}, timeout=30)
    entry = requests.get(site.url + "/entries/1/", timeout=30)
    return page.status_code in (200, 503) and entry.status_code == 200


def worker_killed_during_index_writes(site: Site) -> str:
    site.start()
    editor = Editor(site, "editor1")
    saved, failed, stop = [], [], threading.Event()

    def save_loop():
        while not stop.is_set():
            token = f"marker{uuid.uuid4().hex[:10]}"
            try:
                response = editor.save_entry(token)
                (saved if response.status_code == 302 else failed).append(token)
            except requests.RequestException:
                failed.append(token)  # its worker was killed mid-request

    thread = threading.Thread(target=save_loop)
    thread.start()
    kills = 0
    for _ in range(4):
        time.sleep(1.5)
        workers = site.worker_pids()
        if workers:
            os.kill(workers[0], signal.SIGKILL)
            kills += 1
    time.sleep(1)
    stop.set()
    thread.join(timeout=60)
    assert serves(site), "the site stopped serving"
    site.stop()
    code = (
        "from archive.models import Entry; import json; print(json.dumps(list("
        "Entry.objects.filter(title__startswith='Load test entry').values_list('title', 'body'))))"
    )
    rows = json.loads(site.manage("shell", "-v0", "-c", code).stdout)
    titles = {title for title, _ in rows}
    lost = [token for token in saved if f"Load test entry {token}" not in titles]
    half = [title for title, body in rows if not body]
    assert not lost, f"{len(lost)} confirmed saves lost"
    assert not half, f"{len(half)} half-written rows"
    return f"{kills} workers killed, {len(saved)} saves confirmed and kept, {index_recovers(site)}"


def rebuild_killed_midway(site: Site) -> str:
    before = site.manage("check_index", check=False)
    process = subprocess.Popen(
        [PYTHON, "manage.py", "rebuild_index"], cwd=ROOT, env=site.env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    generations = Path(site.env["ARCHIVE_INDEX_DIR"]) / "generations"
    existing = set(generations.iterdir())
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (set(generations.iterdir()) - existing):
        time.sleep(0.02)
    time.sleep(0.3)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert before.returncode == 0
    left = processes_left(site)
    assert not left, f"processes left behind by the killed rebuild: {left}"
    after = site.manage("check_index", check=False)
    assert after.returncode == 0, "the current index was damaged by a killed rebuild"
    assert "held" not in after.stdout, after.stdout
    site.start()
    token = f"marker{uuid.uuid4().hex[:8]}"
    assert Editor(site, "editor1").save_entry(token).status_code == 302
    site.stop()
    assert "1 result" in site.manage("search", token).stdout, "a save after the kill"
    site.manage("rebuild_index")
    leftovers = len(list(generations.iterdir()))
    return (
        f"rebuild killed (exit {process.returncode}); no process left; old index kept "
        f"answering and took a save; next rebuild ok, {leftovers} generations on disk"
    )


def processes_left(site: Site, seconds: float = 5.0) -> list[int]:
    """Processes of this site's commands still running after ``seconds``."""
    server = {site.server.pid} if site.server else set()
    return processes_of(site.env["ARCHIVE_INDEX_DIR"], seconds, ignore=server)


def import_killed_midway(site: Site) -> str:
    folder = site.folder / "big-import"
    folder.mkdir()
    entries = [
        {"id": f"bulk-{n}", "title": f"Bulk entry {n}", "body": "Bulk body " * 50,
         "language": "en", "status": "published", "date": "2001"}
        for n in range(3000)
    ]  # fmt: skip
    (folder / "manifest.json").write_text(json.dumps({"entries": entries}))
    before = count_entries(site)
    process = subprocess.Popen(
        [PYTHON, "manage.py", "import_entries", str(folder)], cwd=ROOT, env=site.env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    time.sleep(2.5)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    after_kill = count_entries(site)
    assert after_kill in (before, before + 3000), f"partial import: {after_kill - before} rows"
    site.manage("import_entries", str(folder), timeout=900)
    assert count_entries(site) == before + 3000
    return (
        f"import killed (exit {process.returncode}) with {after_kill - before} of 3000 rows "
        "written; "
        f"re-run imported all 3000; {index_recovers(site)}"
    )


def _mount(*args) -> bool:
    return subprocess.run(["mount", *args], capture_output=True).returncode == 0


def full_disk(site: Site) -> str:
    index_dir = Path(site.env["ARCHIVE_INDEX_DIR"])
    if not _mount("-t", "tmpfs", "-o", "size=1m", "tmpfs", str(index_dir)):
        return "SKIPPED: mounting a small filesystem needs root"
    try:
        started = time.monotonic()
        rebuild = site.manage("rebuild_index", check=False)  # fills the tiny disk, and fails
        seconds = time.monotonic() - started
        assert rebuild.returncode != 0 and "No space left on device" in rebuild.stderr
        assert "Traceback" not in rebuild.stderr, rebuild.stderr
        generations = index_dir / "generations"
        assert not [path for path in generations.iterdir() if path.name.startswith(".")]
        assert not processes_left(site)
        site.start(require_healthy=False)
        editor = Editor(site, "editor2")
        statuses = [
            editor.save_entry(f"marker{uuid.uuid4().hex[:8]}").status_code for _ in range(5)
        ]
        assert all(status == 302 for status in statuses), statuses
        assert serves(site), "the site stopped serving"
        site.stop()
        assert _mount("-o", "remount,size=256m", str(index_dir))
        how = index_recovers(site)
    finally:
        site.stop()
        subprocess.run(["umount", str(index_dir)], capture_output=True)
    site.manage("check_index", "--fix")
    return (
        f"rebuild failed in {seconds:.1f} s with one line, no partial generation; saves kept "
        f"(5/5) and pages served while the index disk was full; {how}"
    )


def read_only_index(site: Site) -> str:
    index_dir = Path(site.env["ARCHIVE_INDEX_DIR"])
    if not (
        _mount("--bind", str(index_dir), str(index_dir))
        and _mount("-o", "remount,ro,bind", str(index_dir))
    ):
        return "SKIPPED: a read-only bind mount needs root"
    try:
        site.start()
        editor = Editor(site, "editor2")
        token = f"marker{uuid.uuid4().hex[:8]}"
        saved = editor.save_entry(token)
        assert saved.status_code == 302, f"save answered {saved.status_code}"
        assert serves(site), "the site stopped serving"
        queued = site.manage("check_index", check=False)
        assert "queued updates not yet applied" in queued.stdout, queued.stdout
        site.stop()
    finally:
        site.stop()
        subprocess.run(["umount", str(index_dir)], capture_output=True)
    site.manage("sync_index")
    found = site.manage("search", token).stdout
    assert "1 result" in found, found
    return f"save kept and queued while read-only; applied by sync_index; {index_recovers(site)}"


def _damage_index(site: Site, damage) -> str:
    current = Path(site.env["ARCHIVE_INDEX_DIR"]) / "current"
    # A segment of the public index (MAIN_…), not of the drafts index beside it.
    segment = next(
        path
        for path in current.resolve().iterdir()
        if path.suffix == damage[0] and path.name.startswith("MAIN_")
    )
    damage[1](segment)
    site.start(require_healthy=False)
    health = requests.get(site.url + "/healthz", timeout=30)
    search_page = requests.get(site.url + "/", params={"q": "Japan"}, timeout=30)
    entry_page = requests.get(site.url + "/entries/1/", timeout=30)
    assert entry_page.status_code == 200
    # Damage is noticed when the index is opened (health) or when a search reads the file.
    assert health.status_code == 503 or search_page.status_code == 503, "damage unnoticed"
    # search() starts a rebuild in the background: wait for it to bring search back.
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        searched = requests.get(site.url + "/", params={"q": "Japan"}, timeout=30)
        if searched.status_code == 200:
            break
        time.sleep(0.5)
    recovered = requests.get(site.url + "/", params={"q": "Japan"}, timeout=30).status_code
    site.stop()
    assert recovered == 200
    return (
        f"health {health.status_code}, search {search_page.status_code}, entry page 200 "
        f"while damaged; rebuilt automatically; {index_recovers(site)}"
    )


def deleted_index_file(site: Site) -> str:
    return _damage_index(site, (".trm", lambda path: path.unlink()))


def truncated_index_file(site: Site) -> str:
    return _damage_index(site, (".pst", lambda path: path.write_bytes(path.read_bytes()[:100])))


SCENARIOS = [
    worker_killed_during_index_writes,
    rebuild_killed_midway,
    import_killed_midway,
    full_disk,
    read_only_index,
    deleted_index_file,
    truncated_index_file,
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", default=None)
    args = parser.parse_args()
    failures = 0
    for scenario in SCENARIOS:
        if args.only and scenario.__name__ not in args.only:
            continue
        started = time.monotonic()
        site = Site(workers=3, corpus=1500)
        try:
            outcome = "PASS " + scenario(site)
        except Exception as error:  # A failed scenario is reported; the next one runs.
            failures += 1
            outcome = f"FAIL {type(error).__name__}: {error}"
        finally:
            site.stop()
        print(f"{scenario.__name__:36} {time.monotonic() - started:5.1f}s  {outcome}", flush=True)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
