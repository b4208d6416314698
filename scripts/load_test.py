#!/usr/bin/env python
"""Load test on loopback: gunicorn with several workers, 20 concurrent searchers (mixed
queries, facet clicks, pages, htmx partials, API) and 2 editors saving entries, for a
bounded time; with --attackers N, also N clients sending the worst queries (leading
wildcards, many prefixes) in a loop. Every client has its own address (sent as
X-Forwarded-For to a site that trusts one proxy; a searcher thread speaks for several
people), so the archive's per-client rate limits apply as in production. Prints a table,
writes JSON, and exits non-zero on any error of an ordinary client, index drift, or a
saved entry that is not searchable.

    .venv/bin/python scripts/load_test.py [--seconds 60] [--searchers 20] [--attackers 4]
        [--entries 300 | --data-dir COPY-OF-AN-ARCHIVE] [--json out.json]
"""

import argparse
import atexit
import json
import os
import platform
import random
import statistics
import sys
import threading
import time
import uuid
from collections import defaultdict
from pathlib import Path

import requests

sys.path.insert(0, os.path.dirname(__file__))
from harness import Editor, Site, latency_rows, percentile  # noqa: E402

QUERIES = [
    "", "Japan", "exchanges", "\"sister city\"", "econom*", "Motegi OR Abe", "Russia -pandemic",
    "title:Russia", "topic:energy", "trade cooperation", "Motgi", "what did the ministers agree",
]  # fmt: skip


# The worst queries of the bounded-cost issue: each held a worker for seconds before.
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from archive.benchmark.worst_queries import WORST_QUERIES as ATTACK_QUERIES  # noqa: E402


def client_headers(kind: str, number: int) -> dict:
    """A client's own address (documentation ranges), as a proxy in front would send it."""
    network = {"searcher": "198.51.100", "attacker": "203.0.113"}[kind]
    return {"X-Forwarded-For": f"{network}.{number + 1}"}


def searcher_requests(rng: random.Random):
    query = rng.choice(QUERIES)
    kind = rng.choice(["page", "partial", "facet", "paging", "api", "entry"])
    params = {"q": query}
    headers = {}
    if kind == "partial":
        headers = {"HX-Request": "true", "HX-Target": "search-body"}
    elif kind == "facet":
        params.update(year=str(rng.randint(1990, 2024)), type=rng.choice(["news", "press_release"]))
    elif kind == "paging":
        params.update(page=str(rng.randint(1, 4)), sort=rng.choice(["newest", "oldest"]))
    path = {"api": "/api/search/", "entry": f"/entries/{rng.randint(1, 300)}/"}.get(kind, "/")
    return kind, path, params, headers


def search_as_people(url: str, number: int, people: int, stop_at: float, record):
    """Searcher thread ``number``, speaking for ``people`` addresses in turn, until
    ``stop_at``: each request's kind, milliseconds and problem (None if none) to ``record``."""
    rng = random.Random(number)
    session = requests.Session()
    turn = 0
    while time.monotonic() < stop_at:
        kind, path, params, headers = searcher_requests(rng)
        headers = {**headers, **client_headers("searcher", number * people + turn % people)}
        turn += 1
        started = time.perf_counter()
        try:
            response = session.get(url + path, params=params, headers=headers, timeout=30)
            problem = (
                None
                if response.status_code in (200, 301, 302, 404)
                else f"{kind} {path} {params}: HTTP {response.status_code}"
            )
        except requests.RequestException as error:
            problem = f"{kind} {path}: {error}"
        record(kind, (time.perf_counter() - started) * 1000, problem)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--searchers", type=int, default=20)
    parser.add_argument("--editors", type=int, default=2)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--attackers", type=int, default=0)
    parser.add_argument("--entries", type=int, default=300, help="generated entries")
    parser.add_argument(
        "--people",
        type=int,
        default=5,
        help="addresses each searcher thread speaks for (a thread searches without pause, "
        "as several people together would; the archive's own rate limits apply to each)",
    )
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    parser.add_argument(
        "--data-dir",
        default=None,
        help="serve (and change) an archive already there (its db.sqlite3 and index/), "
        "e.g. a copy of one made with generate_corpus, instead of a new one",
    )
    parser.add_argument("--json", default=None, help="also write the figures here")
    args = parser.parse_args()

    if args.data_dir:
        print(f"Serving the archive in {args.data_dir}…", flush=True)
    else:
        print(f"Preparing a site (migrate, seed, {args.entries} generated entries, index)…")
    site = Site(
        workers=args.workers,
        corpus=args.entries,
        database_url=args.database_url,
        data_dir=Path(args.data_dir) if args.data_dir else None,
    )
    site.env.update(ARCHIVE_BEHIND_PROXY="true")  # each client's address is its own
    site.start()
    atexit.register(site.stop)  # whatever happens below, the server does not outlive us
    latencies = defaultdict(list)
    errors: list[str] = []
    saved_tokens: list[str] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + args.seconds

    attacks = defaultdict(int)  # status code → count
    attack_latencies: list[float] = []

    def attacker(number: int):
        session = requests.Session()
        session.headers.update(client_headers("attacker", number))
        turn = number
        while time.monotonic() < stop_at:
            query = ATTACK_QUERIES[turn % len(ATTACK_QUERIES)]
            path = "/api/search/" if turn % 2 else "/"
            turn += 1
            started = time.perf_counter()
            try:
                status = session.get(site.url + path, params={"q": query}, timeout=60).status_code
            except requests.RequestException:
                status = "no answer"
            with lock:
                attacks[status] += 1
                attack_latencies.append((time.perf_counter() - started) * 1000)

    def record(kind: str, milliseconds: float, problem: str | None):
        with lock:
            latencies[kind].append(milliseconds)
            if problem:
                errors.append(problem)

    def editor(number: int):
        account = Editor(site, f"editor{number + 1}")
        while time.monotonic() < stop_at:
            token = f"marker{uuid.uuid4().hex[:10]}"
            started = time.perf_counter()
            try:
                response = account.save_entry(token)
                ok = response.status_code == 302
                problem = f"save: HTTP {response.status_code}"
            except requests.RequestException as error:
                ok, problem = False, f"save: {error}"
            with lock:
                latencies["save"].append((time.perf_counter() - started) * 1000)
                if ok:
                    saved_tokens.append(token)
                else:
                    errors.append(problem)
            time.sleep(0.5)

    threads = [
        threading.Thread(target=search_as_people, args=(site.url, n, args.people, stop_at, record))
        for n in range(args.searchers)
    ]
    threads += [threading.Thread(target=editor, args=(n,)) for n in range(args.editors)]
    threads += [threading.Thread(target=attacker, args=(n,)) for n in range(args.attackers)]
    print(
        f"Running {args.searchers} searchers, {args.editors} editors and {args.attackers} "
        f"attackers for {args.seconds:.0f} s…",
        flush=True,
    )
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=args.seconds + 120)

    time.sleep(1)  # let the last after-commit index writes finish
    missing = []
    for number, token in enumerate(saved_tokens):
        # Each check from an address of its own, so that no rate limit answers it.
        checker = {"X-Forwarded-For": f"192.0.2.{number % 250 + 1}"}
        found = requests.get(
            site.url + "/api/search/", params={"q": token}, headers=checker, timeout=30
        ).json()
        if found["total"] != 1:
            missing.append(token)
    site.stop()
    check = site.manage("check_index", check=False)

    rows = latency_rows(latencies)
    search_page = (
        latencies["page"] + latencies["partial"] + latencies["facet"] + latencies["paging"]
    )
    summary = {
        "machine": f"{os.cpu_count()} cores, {platform.processor() or platform.machine()}",
        "seconds": args.seconds,
        "searchers": args.searchers,
        "editors": args.editors,
        "attackers": args.attackers,
        "archive": args.data_dir or f"seed and {args.entries} generated entries",
        "addresses_per_searcher": args.people,
        "gunicorn_workers": args.workers,
        "database": "PostgreSQL" if args.database_url else "SQLite",
        "requests": sum(len(v) for v in latencies.values()),
        "errors": len(errors),
        "search_page_p95_ms": round(percentile(search_page, 0.95), 1),
        "entries_saved": len(saved_tokens),
        "saved_entries_not_searchable": len(missing),
        "check_index": "clean" if check.returncode == 0 else check.stdout.strip(),
        "by_kind": rows,
        "attacker_requests": dict(sorted((str(k), v) for k, v in attacks.items())),
        "attacker_p50_ms": round(statistics.median(attack_latencies), 1)
        if attack_latencies
        else None,
        "attacker_p95_ms": round(percentile(attack_latencies, 0.95), 1),
    }
    print(f"\n{'kind':8} {'requests':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for row in rows:
        print(
            f"{row['kind']:8} {row['requests']:9} {row['p50_ms'] or 0:8.1f} "
            f"{row['p95_ms']:8.1f} {row['p99_ms']:8.1f}"
        )
    for key in ("machine", "database", "requests", "errors", "search_page_p95_ms", "entries_saved",
                "saved_entries_not_searchable", "check_index", "attacker_requests",
                "attacker_p50_ms", "attacker_p95_ms"):  # fmt: skip
        print(f"{key}: {summary[key]}")
    for problem in errors[:10]:
        print("error:", problem)
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(summary, handle, indent=2)
    healthy = not errors and not missing and check.returncode == 0 and saved_tokens
    sys.exit(0 if healthy else 1)


if __name__ == "__main__":
    main()
