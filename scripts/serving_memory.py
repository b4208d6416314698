#!/usr/bin/env python
"""Serve an existing benchmark archive with gunicorn (production settings), send it the
benchmark's query mix through HTTP, and print the latencies and each worker's resident
memory (peak and current), which the in-process benchmark cannot show.

    .venv/bin/python scripts/serving_memory.py --data-dir var/bench100k [--queries 200]

The data folder is one that `manage.py bench` filled (db.sqlite3 and index/).
"""

import argparse
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

sys.path.insert(0, os.path.dirname(__file__))
from harness import PYTHON, ROOT, free_port  # noqa: E402


def environment(data_dir: Path, static_root: Path) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "rjsite.settings",
        "PRODUCTION": "true",
        "ARCHIVE_HTTPS": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{data_dir / 'db.sqlite3'}",
        "ARCHIVE_DATA_DIR": str(data_dir),
        "ARCHIVE_INDEX_DIR": str(data_dir / "index"),
        "STATIC_ROOT": str(static_root),
    }


def query_mix(env: dict, seed: int, size: int) -> list[list[str]]:
    program = (
        "import json; from archive.benchmark.queries import query_mix; "
        f"print(json.dumps(query_mix({seed}, {size})))"
    )
    output = subprocess.run(
        [PYTHON, "manage.py", "shell", "-v0", "-c", program],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def memory_mib(pid: int) -> dict:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in {"VmHWM", "VmRSS"}:
            fields[name] = round(int(value.split()[0]) / 1024, 1)
    return {"peak_mib": fields.get("VmHWM"), "now_mib": fields.get("VmRSS")}


def workers_of(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def percentile(values, fraction):
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(fraction * len(ordered)))], 1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", type=Path, default=None)
    options = parser.parse_args()

    data_dir = options.data_dir.resolve()
    static_root = Path(tempfile.mkdtemp(prefix="rjarchive-static-"))
    env = environment(data_dir, static_root)
    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    mix = query_mix(env, options.seed, options.queries)
    port = free_port()
    server = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "rjsite.wsgi", "-w", str(options.workers)]
        + ["-b", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=ROOT,
        env=env,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if requests.get(f"{url}/healthz", timeout=5).ok:
                    break
            except requests.ConnectionError:
                time.sleep(0.2)
        workers = workers_of(server.pid)
        baseline = {pid: memory_mib(pid) for pid in workers}
        timings = {"page": [], "partial": [], "api": []}
        session = requests.Session()
        for number, (_kind, query) in enumerate(mix + mix):  # every worker sees the mix
            for kind, path, headers in (
                ("page", "/", {}),
                ("partial", "/", {"HX-Request": "true"}),
                ("api", "/api/search/", {}),
            ):
                started = time.perf_counter()
                response = session.get(f"{url}{path}", params={"q": query}, headers=headers)
                elapsed = (time.perf_counter() - started) * 1000
                if response.status_code != 200:
                    raise SystemExit(f"{path}?q={query!r} answered {response.status_code}")
                if number >= len(mix):  # the second pass: warm caches, as in service
                    timings[kind].append(elapsed)
        report = {
            "queries": len(mix),
            "workers": options.workers,
            "latency_ms": {
                kind: {"p50": percentile(values, 0.5), "p95": percentile(values, 0.95)}
                for kind, values in timings.items()
            },
            "worker_memory_before": baseline,
            "worker_memory_after": {pid: memory_mib(pid) for pid in workers},
        }
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(json.dumps(report, indent=2))
    if options.json:
        options.json.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
