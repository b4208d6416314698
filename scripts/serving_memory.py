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
import sys
import time
from pathlib import Path

import requests

sys.path.insert(0, os.path.dirname(__file__))
from harness import Site, percentile  # noqa: E402

RATE_GROUPS = ("search", "api", "export", "suggest", "wildcard")
QUERY_MIX = (
    "import json; from archive.benchmark.queries import query_mix; "
    "print(json.dumps(query_mix({seed}, {size})))"
)


def memory_mib(pid: int) -> dict:
    """A worker's resident memory: peak and now, and now's two parts: its own (anonymous:
    objects, arrays) and the index's files it has mapped (shared with every process
    through the page cache, and given back by the kernel when memory runs short)."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in {"VmHWM", "VmRSS", "RssAnon", "RssFile"}:
            fields[name] = round(int(value.split()[0]) / 1024, 1)
    return {
        "peak_mib": fields.get("VmHWM"),
        "now_mib": fields.get("VmRSS"),
        "own_mib": fields.get("RssAnon"),
        "mapped_files_mib": fields.get("RssFile"),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", type=Path, default=None)
    options = parser.parse_args()

    site = Site(workers=options.workers, data_dir=options.data_dir.resolve())
    # One client sends the whole mix: per-client limits would answer it with 429s (the
    # wildcard limit, ten a minute, first), which measures nothing.
    site.env.update({f"ARCHIVE_RATE_LIMIT_{group.upper()}": "" for group in RATE_GROUPS})
    output = site.manage(
        "shell", "-v0", "-c", QUERY_MIX.format(seed=options.seed, size=options.queries)
    ).stdout
    mix = json.loads(output.strip().splitlines()[-1])
    site.start()
    try:
        workers = site.worker_pids()
        baseline = {pid: memory_mib(pid) for pid in workers}
        timings = {"page": [], "partial": [], "api": []}
        session = requests.Session()
        for number, (_kind, query) in enumerate(mix + mix):  # every worker sees the mix
            for kind, path, headers in (
                ("page", "/", {}),
                ("partial", "/", {"HX-Request": "true", "HX-Target": "search-body"}),
                ("api", "/api/search/", {}),
            ):
                started = time.perf_counter()
                response = session.get(f"{site.url}{path}", params={"q": query}, headers=headers)
                elapsed = (time.perf_counter() - started) * 1000
                if response.status_code != 200:
                    raise SystemExit(f"{path}?q={query!r} answered {response.status_code}")
                if number >= len(mix):  # the second pass: warm caches, as in service
                    timings[kind].append(elapsed)
        report = {
            "queries": len(mix),
            "workers": options.workers,
            "latency_ms": {
                kind: {
                    "p50": round(percentile(values, 0.5), 1),
                    "p95": round(percentile(values, 0.95), 1),
                }
                for kind, values in timings.items()
            },
            "worker_memory_before": baseline,
            "worker_memory_after": {pid: memory_mib(pid) for pid in workers},
        }
    finally:
        site.stop()
    print(json.dumps(report, indent=2))
    if options.json:
        options.json.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
