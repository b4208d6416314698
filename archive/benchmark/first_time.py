"""The "first time" row: every query of the mix asked once, as a search box meets most
questions, in a process whose caches start as a server's do after it starts (emptied,
then ``warm_up()``), through the API (results, all facet counts and 20 snippets), beside
FTS5 doing the same work once per query."""

from django.test import Client

from archive import search
from archive.benchmark.editors import PageFailed
from archive.benchmark.fts5 import to_fts5
from archive.benchmark.measures import percentiles, timed


def fresh_caches():
    """The search caches as a server has them right after it starts and warms up."""
    search.empty_caches()
    search.warm_up()


def measure_first_time(mix, fts) -> dict:
    fresh_caches()
    client = Client()
    # A server has loaded its middleware and URLs before traffic reaches it (its load
    # balancer's health checks come first); the test client loads them on its first
    # request, 150 ms that no query should be charged with.
    client.get("/healthz")

    def ask(query: str):
        response = client.get("/api/search/", {"q": query})
        if response.status_code != 200:  # a 429 or a 503 would be timed as if answered
            raise PageFailed(f"/api/search/?q={query} answered {response.status_code}")

    ours = [timed(lambda q=q: ask(q)) for _, q in mix]
    theirs = [timed(lambda q=q: fts.search(to_fts5(q), facets=True, snippets=True)) for _, q in mix]
    by_kind: dict[str, list[float]] = {}
    for (kind, _), elapsed in zip(mix, ours, strict=True):
        by_kind.setdefault(kind, []).append(elapsed)
    ours_p, fts_p = percentiles(ours), percentiles(theirs)
    return {
        "ours_ms": ours_p,
        "fts5_ms": fts_p,
        "ratio_p95": round(ours_p["p95"] / max(fts_p["p95"], 0.01), 2),
        "ours_p95_by_kind": {kind: percentiles(times)["p95"] for kind, times in by_kind.items()},
    }
