#!/usr/bin/env python
"""Kill `rebuild_index` with SIGKILL at each moment of a rebuild of an existing archive
(before its workers start, just after, midway, while the workers write their segments,
and as the new generation is swapped in), and check after each: no process of the
rebuild left within 5 s, no lock held, the old index answering and agreeing with the
database, and a save made afterwards searchable. Then one rebuild runs to the end.

    .venv/bin/python scripts/kill_rebuild.py --data-dir var/bench
"""

import argparse
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, os.path.dirname(__file__))
from harness import PYTHON, ROOT, processes_of  # noqa: E402

ADD_ENTRY = (
    "from archive.models import Entry; "
    "Entry.objects.create(title='Saved after a killed rebuild', body='{word}', status='published')"
)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", required=True, type=Path)
    args = parser.parse_args()
    data = args.data_dir.resolve()
    index_dir = data / "index"
    env = {
        **os.environ,
        "ARCHIVE_DATA_DIR": str(data),
        "ARCHIVE_INDEX_DIR": str(index_dir),
        "DATABASE_URL": os.environ.get("DATABASE_URL", f"sqlite:///{data / 'db.sqlite3'}"),
    }

    def manage(*arguments, check=True):
        result = subprocess.run(
            [PYTHON, "manage.py", *arguments], cwd=ROOT, env=env, capture_output=True, text=True
        )
        if check and result.returncode:
            raise SystemExit(f"manage.py {arguments} failed:\n{result.stdout}{result.stderr}")
        return result

    def start_rebuild():
        return subprocess.Popen(
            [PYTHON, "manage.py", "rebuild_index"], cwd=ROOT, env=env,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, bufsize=0,
        )  # fmt: skip

    print("A full rebuild first, to time it…", flush=True)
    started = time.monotonic()
    manage("rebuild_index", "-v0")
    full = time.monotonic() - started
    print(f"  {full:.0f} s")
    generations = index_dir / "generations"

    def all_sent(process):
        """Read the progress bar until every entry was sent to the workers."""
        buffer = b""
        while process.poll() is None:
            buffer += process.stdout.read(256)
            tail = buffer[-200:].decode(errors="replace")
            if "entries" in tail:
                done, _, total = tail.rsplit("]", 1)[-1].split("entries")[0].strip().partition("/")
                if done and done == total:
                    return True
        return False

    def swapped(process):
        """Wait until the unfinished generation has been renamed (the swap is next)."""
        while process.poll() is None:
            if any(p.name.startswith(".unfinished-") for p in generations.iterdir()):
                break
            time.sleep(0.01)
        while process.poll() is None:
            if not any(p.name.startswith(".unfinished-") for p in generations.iterdir()):
                return True
            time.sleep(0.001)
        return False

    moments = [
        ("before the workers start", lambda p: time.sleep(0.5)),
        ("as the workers start", lambda p: time.sleep(3)),
        ("midway", lambda p: time.sleep(full / 2)),
        ("while the workers write their segments", lambda p: all_sent(p) and time.sleep(2)),
        ("at the swap", swapped),
    ]
    failures = 0
    for name, wait in moments:
        rebuild = start_rebuild()
        wait(rebuild)
        ran = rebuild.poll() is None
        rebuild.send_signal(signal.SIGKILL)
        rebuild.wait()
        left = processes_of(index_dir, seconds=5)
        check = manage("check_index", check=False)
        word = f"afterkill{uuid.uuid4().hex[:8]}"
        manage("shell", "-c", ADD_ENTRY.format(word=word))
        found = "1 result" in manage("search", word).stdout
        ok = not left and check.returncode == 0 and "held" not in check.stdout and found
        failures += not ok
        print(
            f"{'PASS' if ok else 'FAIL'} killed {name}{'' if ran else ' (it had finished)'}: "
            f"processes left {left or 'none'}; check_index "
            f"{'clean' if check.returncode == 0 else check.stdout.strip()}; "
            f"locks {'held' if 'held' in check.stdout else 'free'}; save afterwards "
            f"{'searchable' if found else 'NOT searchable'}",
            flush=True,
        )
    manage("rebuild_index", "-v0")
    leftovers = [p.name for p in generations.iterdir() if p.name.startswith(".")]
    clean = manage("check_index", check=False).returncode == 0 and not leftovers
    print(f"{'PASS' if clean else 'FAIL'} a full rebuild afterwards; leftovers: {leftovers}")
    sys.exit(1 if failures or not clean else 0)


if __name__ == "__main__":
    main()
