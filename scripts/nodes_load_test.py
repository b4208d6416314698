#!/usr/bin/env python
"""Load test of two app servers on one database (docs/scaling.md): two gunicorn nodes,
each with its own index folder, the second building its index when it starts; searchers
spread over both; editors saving through each node in turn, each save then looked for on
the *other* node until it is found. Prints a table, writes JSON, and exits non-zero on
any error, a saved entry one node cannot find, or drift between the nodes' indexes.

    scripts/with_postgres.sh .venv/bin/python scripts/nodes_load_test.py [--seconds 60]
        [--searchers 16] [--editors 2] [--workers 2] [--entries 300] [--json out.json]

With DATABASE_URL naming a PostgreSQL server, the nodes share a new database made on it
(and dropped at the end); without, an SQLite file (same machine only).
"""

import argparse
import atexit
import contextlib
import importlib.util
import json
import os
import platform
import sqlite3
import statistics
import sys
import threading
import time
import uuid
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import requests

sys.path.insert(0, os.path.dirname(__file__))
from harness import ROOT, Editor, Site, latency_rows, percentile  # noqa: E402
from load_test import search_as_people  # noqa: E402


def _module_from(path: Path):
    """A module of the archive that is plain Python, loaded without setting Django up."""
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


applied_position = _module_from(ROOT / "archive" / "search" / "sync" / "applied_position.py")

FOUND_WITHIN_SECONDS = 10  # a save not found on the other node by then counts as missing


def fresh_postgres_database(server_url: str) -> str:
    """A new database on the server ``server_url`` names, dropped when we exit."""
    import psycopg

    parts = urlsplit(server_url)
    name = f"rjarchive_nodes_{uuid.uuid4().hex[:8]}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    atexit.register(drop)
    return urlunsplit(parts._replace(path=f"/{name}"))


class Checker:
    """Looks for a marker on a node from addresses of its own (no rate limit answers)."""

    def __init__(self):
        self.turn = 0
        self.session = requests.Session()

    def total(self, node: Site, marker: str) -> int:
        self.turn += 1
        headers = {"X-Forwarded-For": f"192.0.2.{self.turn % 250 + 1}"}
        response = self.session.get(
            node.url + "/api/search/", params={"q": marker}, headers=headers, timeout=30
        )
        response.raise_for_status()
        return response.json()["total"]

    def found(self, node: Site, marker: str) -> bool:
        """Whether a search on the node finds the marker, asked until it does (10 s)."""
        started = time.perf_counter()
        while time.perf_counter() - started < FOUND_WITHIN_SECONDS:
            if self.total(node, marker) == 1:
                return True
            time.sleep(0.01)
        return False


class ChangeLog:
    """The log's position of a saved entry's change, read from the database itself (an
    HTTP request would wait in the nodes' queues and blur the figure)."""

    QUERY = (
        "SELECT MAX(c.position) FROM archive_indexchange c "
        "JOIN archive_entry e ON e.id = c.entry_id WHERE e.title = {mark}"
    )

    def __init__(self, database_url: str):
        self.database_url = database_url

    def position_of(self, title: str) -> int | None:
        if self.database_url.startswith("sqlite:///"):
            with contextlib.closing(sqlite3.connect(self.database_url[len("sqlite:///") :])) as db:
                row = db.execute(self.QUERY.format(mark="?"), [title]).fetchone()
        else:
            import psycopg

            with psycopg.connect(self.database_url) as db:
                row = db.execute(self.QUERY.format(mark="%s"), [title]).fetchone()
        return row[0] if row else None


def index_position(node: Site) -> int:
    """The position the node's index has committed, read from its folder (as the node
    itself reads it: archive/search/sync/applied_position.py)."""
    current = Path(node.env["ARCHIVE_INDEX_DIR"]) / "current"
    try:
        return applied_position.read(current.resolve()) or 0
    except OSError:  # the folder swapped by a rebuild as we read it
        return 0


def seconds_until_applied(node: Site, position: int, since: float) -> float | None:
    while time.perf_counter() - since < FOUND_WITHIN_SECONDS:
        if index_position(node) >= position:
            return time.perf_counter() - since
        time.sleep(0.002)
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--searchers", type=int, default=16, help="spread over both nodes")
    parser.add_argument("--editors", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per node")
    parser.add_argument("--entries", type=int, default=300, help="generated entries")
    parser.add_argument(
        "--people",
        type=int,
        default=25,
        help="addresses each searcher thread speaks for (enough that no person exceeds the "
        "archive's per-client limits even when the threads are not slowed by saturation)",
    )
    parser.add_argument("--json", default=None, help="also write the figures here")
    args = parser.parse_args()

    server = os.environ.get("DATABASE_URL", "")
    postgres = server.startswith(("postgres://", "postgresql://"))
    database_url = fresh_postgres_database(server) if postgres else None
    print(f"Preparing node one (migrate, seed, {args.entries} generated entries, index)…")
    one = Site(workers=args.workers, corpus=args.entries, database_url=database_url)
    one.env.update(ARCHIVE_BEHIND_PROXY="true")
    one.name = "node-one"
    two = one.another_node("node-two")
    nodes = [one, two]
    for node in nodes:
        atexit.register(node.stop)
    one.start()
    started = time.perf_counter()
    two.start()  # healthy once it has built its own index from the database
    join_seconds = time.perf_counter() - started
    print(f"Node two built its index and joined in {join_seconds:.1f} s.", flush=True)

    latencies = defaultdict(list)
    to_other_node: list[float] = []  # save answered → the other node's index has it
    change_log = ChangeLog(one.env["DATABASE_URL"])
    errors: list[str] = []
    saved: list[str] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + args.seconds

    def searcher(number: int):
        node = nodes[number % 2]

        def record(kind: str, milliseconds: float, problem: str | None):
            with lock:
                latencies[kind].append(milliseconds)
                if problem:
                    errors.append(f"{node.name} {problem}")

        search_as_people(node.url, number, args.people, stop_at, record)

    def editor(number: int):
        accounts = [Editor(node, f"editor{number % 2 + 1}") for node in nodes]
        checker = Checker()
        turn = number
        while time.monotonic() < stop_at:
            saving, other = turn % 2, (turn + 1) % 2
            turn += 1
            marker = f"marker{uuid.uuid4().hex[:10]}"
            begun = time.perf_counter()
            try:
                response = accounts[saving].save_entry(marker)
                ok = response.status_code == 302
                problem = f"save on {nodes[saving].name}: HTTP {response.status_code}"
            except requests.RequestException as error:
                ok, problem = False, f"save on {nodes[saving].name}: {error}"
            with lock:
                latencies["save"].append((time.perf_counter() - begun) * 1000)
                if not ok:
                    errors.append(problem)
                    continue
                saved.append(marker)
            # The save's change is committed and numbered before the admin answers; the
            # other node's follower applies it, woken by NOTIFY (or its poll), with no
            # search asking: from the answer until that node's index has committed it.
            answered = time.perf_counter()
            position = change_log.position_of(f"Load test entry {marker}")
            applied = seconds_until_applied(nodes[other], position or 0, answered)
            found = checker.found(nodes[other], marker)  # and a search there finds it
            with lock:
                if applied is not None:
                    to_other_node.append(applied * 1000)
                if position is None or applied is None or not found:
                    errors.append(f"{marker} not applied or not found on {nodes[other].name}")
            time.sleep(0.3)

    threads = [threading.Thread(target=searcher, args=(n,)) for n in range(args.searchers)]
    threads += [threading.Thread(target=editor, args=(n,)) for n in range(args.editors)]
    print(f"Running {args.searchers} searchers and {args.editors} editors on two nodes "
          f"for {args.seconds:.0f} s…", flush=True)  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=args.seconds + 120)

    time.sleep(1)
    checker = Checker()
    missing = {node.name: [m for m in saved if checker.total(node, m) != 1] for node in nodes}
    health = {node.name: requests.get(node.url + "/healthz", timeout=10).json() for node in nodes}
    for node in nodes:
        node.stop()
    checks = {node.name: node.manage("check_index", check=False) for node in nodes}
    counts = {name: status.get("indexed_entries") for name, status in health.items()}
    drift = (
        sum(len(markers) for markers in missing.values())
        + (max(counts.values()) - min(counts.values()))
        + sum(check.returncode != 0 for check in checks.values())
    )

    rows = latency_rows(latencies)
    summary = {
        "machine": f"{os.cpu_count()} cores, {platform.processor() or platform.machine()}",
        "database": "PostgreSQL (LISTEN/NOTIFY)" if postgres else "SQLite (polling)",
        "nodes": 2,
        "gunicorn_workers_per_node": args.workers,
        "seconds": args.seconds,
        "searchers": args.searchers,
        "editors": args.editors,
        "second_node_join_seconds": round(join_seconds, 1),
        "requests": sum(len(values) for values in latencies.values()),
        "errors": len(errors),
        "entries_saved": len(saved),
        "save_to_searchable_on_other_node_ms": {
            "p50": round(statistics.median(to_other_node), 1) if to_other_node else None,
            "p95": round(percentile(to_other_node, 0.95), 1),
            "max": round(max(to_other_node), 1) if to_other_node else None,
        },
        "saved_entries_missing": {name: len(markers) for name, markers in missing.items()},
        "indexed_entries": counts,
        "positions": {
            name: [status.get("index_position"), status.get("change_log_head")]
            for name, status in health.items()
        },
        "check_index": {
            name: "clean" if check.returncode == 0 else check.stdout.strip()
            for name, check in checks.items()
        },
        "drift": drift,
        "by_kind": rows,
    }
    print(f"\n{'kind':8} {'requests':>9} {'p50 ms':>8} {'p95 ms':>8}")
    for row in rows:
        print(f"{row['kind']:8} {row['requests']:9} {row['p50_ms'] or 0:8.1f} {row['p95_ms']:8.1f}")
    for key, value in summary.items():
        if key != "by_kind":
            print(f"{key}: {value}")
    for problem in errors[:10]:
        print("error:", problem)
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(summary, handle, indent=2)
    sys.exit(0 if not errors and drift == 0 and saved else 1)


if __name__ == "__main__":
    main()
