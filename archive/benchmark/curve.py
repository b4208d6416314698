"""The cost curve: `bench` reports at several sizes (10,000, 100,000, 1,000,000 entries)
as one table, one JSON and one plot, so that what grows faster than the archive shows.

Pure Python over the reports' JSON (no Django); the plot is drawn with matplotlib,
which only the development requirements install (``scripts/cost_curve.py`` draws it)."""

from pathlib import Path

from matplotlib import ticker
from matplotlib.figure import Figure

KINDS = ("term-common", "term-rare", "phrase", "and", "or", "not", "field", "prefix")
KINDS += ("russian", "japanese")


def _p(row: dict, key: str = "p95"):
    return None if row is None else row.get(key)


def _mode(name: str, label: str):
    def figures(report):
        row = report["queries_ms"][name]
        return _p(row["ours_ms"]), _p(row["fts5_ms"])

    return (f"{label}, p95 ms", figures)


def _admin_search_worst(report):
    searches = report["admin_ms"].get("search", {})
    return max((row["first"] for row in searches.values()), default=None), None


def _worst(report):
    return max(report["worst_queries_ms"].values()), None


# One row a measure: (label, function of a report → (ours, FTS5 or None)).
ROWS = (
    ("full rebuild, s", lambda r: (r["rebuild"]["seconds"], r["fts5_build"]["seconds"])),
    (
        "full rebuild, entries a second",
        lambda r: (r["rebuild"]["docs_per_second"], r["fts5_build"]["docs_per_second"]),
    ),
    ("index size, MiB", lambda r: (r["rebuild"]["size_mib"], r["fts5_build"]["size_mib"])),
    _mode("results", "results only"),
    _mode("facets", "results + all facet counts"),
    _mode("snippets", "results + facets + 20 snippets"),
    _mode("filtered", "same, 2 facet filters + date range"),
    _mode("cold", "facets + snippets, postings cache emptied"),
    (
        "first time (API: results + facets + snippets), p95 ms",
        lambda r: (_p(r["first_time_ms"]["ours_ms"]), _p(r["first_time_ms"]["fts5_ms"])),
    ),
    ("HTTP page, p95 ms", lambda r: (_p(r["http_ms"]["page"]), None)),
    ("HTTP partial, p95 ms", lambda r: (_p(r["http_ms"]["partial"]), None)),
    ("HTTP API, p95 ms", lambda r: (_p(r["http_ms"]["api"]), None)),
    (
        "questions (prose), p95 ms",
        lambda r: (_p(r["questions_ms"]["ours_ms"]), _p(r["questions_ms"]["fts5_ms"])),
    ),
    ("related entries, p95 ms", lambda r: (_p(r["related_ms"]), None)),
    ("worst query through the API, ms", _worst),
    ("sitemap index, ms", lambda r: (r["sitemap_ms"]["index"], None)),
    ("sitemap: first file, ms", lambda r: (r["sitemap_ms"]["file"], None)),
    ("sitemap: last file, ms", lambda r: (r["sitemap_ms"].get("last_file"), None)),
    ("OAI-PMH page, slowest depth, ms", lambda r: (r.get("oai_ms", {}).get("slowest"), None)),
    ("citation export of 500 results, first, ms", lambda r: (r["export_ms"]["first"], None)),
    ("list: add one entry, p95 ms", lambda r: (_p(r.get("list_ms", {}).get("add_one_ms")), None)),
    ("list: export 500 as BibTeX, ms", lambda r: (r.get("list_ms", {}).get("export_bib_ms"), None)),
    ("admin entry list, first, ms", lambda r: (r["admin_ms"]["list"]["first"], None)),
    ("admin list by topic, first, ms", lambda r: (r["admin_ms"]["list_by_topic"]["first"], None)),
    (
        "admin list by year, first, ms",
        lambda r: (r["admin_ms"].get("list_by_year", {}).get("first"), None),
    ),
    ("admin search, slowest first request, ms", _admin_search_worst),
    (
        "concept names expanded, first time, p95 ms",
        lambda r: (_p(r["concepts_ms"]["first_time"]["expanded"]), None),
    ),
    ("save → searchable, p95 ms", lambda r: (_p(r["save_to_searchable_ms"]), None)),
    ("peak RSS of the benchmark process, MiB", lambda r: (r["peak_rss_mib"], None)),
    (
        "peak RSS of a rebuild's worker, MiB",
        lambda r: (r.get("peak_rss_rebuild_worker_mib"), None),
    ),
    ("database on disk, MiB", lambda r: (r.get("disk_mib", {}).get("database"), None)),
)


def curve(reports: list[dict]) -> dict:
    """The reports ordered by size, each row's figures at every size."""
    ordered = sorted(reports, key=lambda report: report["indexed_entries"])
    sizes = [report["indexed_entries"] for report in ordered]
    rows = []
    for label, figures in ROWS:
        values = [_safe(figures, report) for report in ordered]
        rows.append(
            {
                "measure": label,
                "ours": [ours for ours, _ in values],
                "fts5": [fts5 for _, fts5 in values],
            }
        )
    by_kind = {
        kind: [report["first_time_ms"]["ours_p95_by_kind"].get(kind) for report in ordered]
        for kind in KINDS
    }
    steps = [report.get("steps_seconds", {}) for report in ordered]
    return {
        "machine": ordered[0]["machine"] if ordered else "",
        "sizes": sizes,
        "rows": rows,
        "first_time_p95_by_kind": by_kind,
        "steps_seconds": steps,
    }


def _safe(figures, report):
    try:
        return figures(report)
    except (KeyError, TypeError, ValueError):  # a report from before the measure existed
        return None, None


def growth(values: list, sizes: list[int]) -> str:
    """How a figure grew against the entries between the two largest sizes (where a cost
    that grows faster than the archive shows): the ratio of the figures over the ratio
    of the sizes (1 = as fast as the archive, above 1 = faster)."""
    pairs = [(v, s) for v, s in zip(values, sizes, strict=True) if v]
    if len(pairs) < 2:
        return ""
    (first, small), (last, large) = pairs[-2], pairs[-1]
    return f"{(last / first) / (large / small):.2f}"


def markdown(result: dict) -> str:
    sizes = result["sizes"]
    heads = " / ".join(f"{size:,}" for size in sizes)
    lines = [
        f"| measure | ours at {heads} | FTS5 at {heads} | growth ÷ size growth, last step |",
        "| --- | --- | --- | --- |",
    ]
    for row in result["rows"]:
        ours = " / ".join(_cell(value) for value in row["ours"])
        fts5 = " / ".join(_cell(value) for value in row["fts5"]) if any(row["fts5"]) else ""
        lines.append(f"| {row['measure']} | {ours} | {fts5} | {growth(row['ours'], sizes)} |")
    return "\n".join(lines)


def _cell(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, float) and value >= 100:
        return f"{value:,.0f}"
    return f"{value:,}" if isinstance(value, int) else f"{value:g}"


def plot(result: dict, destination: Path) -> Path:
    """Two panels: first-time p95 by query kind (ours, and FTS5's over the mix) against
    the entries, and the full rebuild's time (ours, FTS5's), both on log–log axes."""
    sizes = result["sizes"]
    figure = Figure(figsize=(12, 5), dpi=110)  # no pyplot: no window, no global state
    latency, rebuild = figure.subplots(1, 2)
    for kind, values in result["first_time_p95_by_kind"].items():
        latency.plot(sizes, values, marker="o", linewidth=1.2, label=kind)
    first = _row(result, "first time (API: results + facets + snippets), p95 ms")
    latency.plot(sizes, first["fts5"], color="black", linestyle="--", marker="s",
                 label="FTS5, whole mix")  # fmt: skip
    latency.axhline(150, color="grey", linewidth=0.8, linestyle=":")
    latency.set(xscale="log", yscale="log", xlabel="entries", ylabel="p95, ms",
                title="First-time query p95 by kind (API)")  # fmt: skip
    latency.legend(fontsize=7, ncol=2)
    seconds = _row(result, "full rebuild, s")
    rebuild.plot(sizes, seconds["ours"], marker="o", label="ours (2 processes)")
    rebuild.plot(sizes, seconds["fts5"], marker="s", linestyle="--", label="FTS5")
    rebuild.set(xscale="log", yscale="log", xlabel="entries", ylabel="seconds",
                title="Full rebuild time")  # fmt: skip
    rebuild.legend(fontsize=8)
    plain = ticker.FuncFormatter(lambda value, _: f"{value:g}")
    for axes in (latency, rebuild):
        axes.grid(True, which="both", linewidth=0.3)
        axes.set_xticks(sizes, [f"{size:,}" for size in sizes])
        axes.xaxis.set_minor_formatter(ticker.NullFormatter())
        axes.yaxis.set_major_formatter(plain)
        axes.yaxis.set_minor_formatter(plain)
        axes.tick_params(axis="y", which="minor", labelsize=7)
    figure.suptitle(f"RJ Archive cost curve — {result['machine']}", fontsize=10)
    figure.tight_layout()
    figure.savefig(destination)
    return destination


def _row(result: dict, measure: str) -> dict:
    return next(row for row in result["rows"] if row["measure"] == measure)
