"""The benchmark: rebuild, query latencies for four kinds of work, HTTP, save-to-search
latency and memory, each beside SQLite FTS5 doing the same work on the same entries."""

import os
import platform
import resource
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.test import Client

from archive import search
from archive.benchmark import corpus
from archive.benchmark.editors import measure_admin, measure_export, measure_sitemap
from archive.benchmark.first_time import measure_first_time
from archive.benchmark.fts5 import Fts5Baseline, fts5_or_query, to_fts5
from archive.benchmark.harvest import measure_harvest
from archive.benchmark.lists import measure_lists
from archive.benchmark.measures import percentiles, timed
from archive.benchmark.queries import query_mix, questions
from archive.benchmark.worst_queries import WORST_QUERIES
from archive.models import Entry
from archive.thesaurus.models import Concept
from archive.thesaurus.services import load_thesaurus_file, seed_thesaurus

FILTERS = {"language": "en", "type": "news", "from": "1990", "to": "2010"}
# The kinds of work measured beside FTS5 that include 20 highlighted snippets.
SNIPPET_MODES = {"snippets", "filtered", "cold"}
FTS_FILTERS = {"language": "en", "type": "news", "from": 19900101, "to": 20101231}
SAVES = 60  # saved one after the other, each timed until a search finds it


def machine() -> str:
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {model}"


def timed_ours(query: str, mode: str) -> float:
    """``cold``: the ``snippets`` work with the postings cache emptied first (untimed), as
    for a word no recent search has used."""
    if mode == "cold":
        search.empty_postings_cache()
    return timed(lambda: ours(query, mode))


def ours(query: str, mode: str):
    filters, date_from, date_to = (), "", ""
    if mode == "filtered":
        filters = (("language", ("en",)), ("type", ("news",)))
        date_from, date_to = FILTERS["from"], FILTERS["to"]
    request = search.SearchRequest(
        query=query,
        filters=filters,
        date_from=date_from,
        date_to=date_to,
        facets=mode != "results",
        snippets=mode in SNIPPET_MODES,
    )
    return search.search(request)


def measure_mode(mode: str, mix, fts) -> dict:
    """Latency percentiles of ours and FTS5 over the mix for one kind of work."""
    our_times = [timed_ours(q, mode) for _, q in mix]
    fts_times = [
        timed(
            lambda q=q: fts.search(
                to_fts5(q),
                facets=mode != "results",
                snippets=mode in SNIPPET_MODES,
                filters=FTS_FILTERS if mode == "filtered" else None,
            )
        )
        for _, q in mix
    ]
    ours_p, fts_p = percentiles(our_times), percentiles(fts_times)
    by_kind = {}
    for (kind, _), elapsed in zip(mix, our_times, strict=True):
        by_kind.setdefault(kind, []).append(elapsed)
    return {
        "ours_ms": ours_p,
        "fts5_ms": fts_p,
        "ratio_p50": round(ours_p["p50"] / max(fts_p["p50"], 0.01), 2),
        "ratio_p95": round(ours_p["p95"] / max(fts_p["p95"], 0.01), 2),
        "ours_p95_by_kind": {kind: percentiles(values)["p95"] for kind, values in by_kind.items()},
    }


def measure_expansion(client) -> dict:
    """The seed thesaurus loaded, each concept's preferred names (English, Russian,
    Japanese) searched through the API with expansion and with only the words typed,
    each asked twice (the second time with the postings cache as a busy server has it):
    what searching the other names adds, and what the expansion step itself costs (the
    thesaurus check and the query's rewriting)."""
    load_thesaurus_file(seed_thesaurus())
    names = [
        name
        for concept in Concept.objects.prefetch_related("labels")
        for name in concept.preferred_labels().values()
    ]
    client.get("/api/search/", {"q": names[0]})  # the thesaurus read once, as a server would
    first, again = {"expanded": [], "typed": []}, {"expanded": [], "typed": []}
    for name in names:
        for times in (first, again):
            times["typed"].append(
                timed(lambda q=name: client.get("/api/search/", {"q": q, "expand": "0"}))
            )
            times["expanded"].append(timed(lambda q=name: client.get("/api/search/", {"q": q})))
    step = [timed(expansion) for expansion in search.expansion_steps(names)]

    def figures(times):
        added = [with_names - alone for with_names, alone in zip(*times.values(), strict=True)]
        return {
            "expanded": percentiles(times["expanded"]),
            "only_words_typed": percentiles(times["typed"]),
            "added": percentiles(added),
        }

    return {
        "queries": len(names),
        "first_time": figures(first),
        "again": figures(again),
        "expansion_step": percentiles(step),
    }


class Steps:
    """Names each step on the progress line and keeps how long it took (seconds)."""

    def __init__(self, progress):
        self.progress, self.seconds = progress, {}
        self._current, self._started = None, 0.0

    def __call__(self, name: str):
        self.finish()
        self.progress(name)
        self._current, self._started = name.rstrip("…"), time.perf_counter()

    def finish(self):
        if self._current is not None:
            self.seconds[self._current] = round(time.perf_counter() - self._started, 1)
            self._current = None


def database_bytes() -> int | None:
    """The database's size on disk: the SQLite file (and its write-ahead log), or
    PostgreSQL's own count."""
    if connection.vendor == "sqlite":
        name = Path(connection.settings_dict["NAME"])
        files = [path for path in (name, name.with_name(name.name + "-wal")) if path.exists()]
        return sum(path.stat().st_size for path in files) if files else None  # None: in memory
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database())")
            return cursor.fetchone()[0]
    return None


def _mib(size: int | None) -> float | None:
    return None if size is None else round(size / 1_048_576, 1)


def run(entries: int, seed: int, queries: int, work_dir: Path, progress=print) -> dict:
    work_dir.mkdir(parents=True, exist_ok=True)
    report = {"machine": machine(), "entries": entries, "seed": seed, "queries": queries}
    progress = Steps(progress)

    have = corpus.generated_count(seed)
    if have < entries:
        progress(f"Generating {entries - have} entries…")
        started = time.perf_counter()
        corpus.generate(entries, seed)
        report["generate_seconds"] = round(time.perf_counter() - started, 1)
    total = Entry.objects.filter(status="published").count()
    report["indexed_entries"] = total

    progress("Rebuilding the index…")
    rebuild = search.rebuild(processes=min(2, os.cpu_count() or 1))
    report["rebuild"] = {
        "documents": rebuild.documents,
        "seconds": round(rebuild.seconds, 1),
        "docs_per_second": round(rebuild.documents_per_second),
        "size_mib": round(rebuild.size_bytes / 1_048_576, 1),
    }
    progress("Building the FTS5 baseline…")
    fts = Fts5Baseline(work_dir / "fts5.sqlite3")
    built = fts.build()
    report["fts5_build"] = {
        "documents": built["documents"],
        "seconds": round(built["seconds"], 1),
        "docs_per_second": round(built["documents"] / built["seconds"]),
        "size_mib": round(built["size_bytes"] / 1_048_576, 1),
    }
    fts.connect()

    mix = query_mix(seed, queries)
    # First, while no query of the mix has been asked in this process.
    progress("Query mix, each query asked once with a server's fresh caches…")
    report["first_time_ms"] = measure_first_time(mix, fts)
    ours("warm up", "snippets")
    modes = {}
    for mode in ("results", "facets", "snippets", "filtered"):
        progress(f"Query mix: {mode}…")
        modes[mode] = measure_mode(mode, mix, fts)
    report["queries_ms"] = modes
    cache = search.postings_cache_state()
    report["postings_cache"] = {
        "budget_mib": settings.ARCHIVE_POSTINGS_CACHE_MB,
        "used_mib": round(cache.used_bytes / 1_048_576, 1),
        "hits": cache.hits,
        "misses": cache.misses,
    }

    progress("HTTP…")
    client = Client()
    http_mix = mix[: min(len(mix), 100)]
    report["http_ms"] = {
        "page": percentiles([timed(lambda q=q: client.get("/", {"q": q})) for _, q in http_mix]),
        "partial": percentiles(
            [
                timed(
                    lambda q=q: client.get(
                        "/", {"q": q}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="search-body"
                    )
                )
                for _, q in http_mix
            ]
        ),
        "api": percentiles(
            [timed(lambda q=q: client.get("/api/search/", {"q": q})) for _, q in http_mix]
        ),
    }

    progress("Worst queries, questions, related entries…")
    report["worst_queries_ms"] = {
        query: round(timed(lambda q=query: client.get("/api/search/", {"q": q})), 1)
        for query in WORST_QUERIES
    }
    asked = questions(seed, min(queries, 50))
    report["questions_ms"] = {
        "ours_ms": percentiles([timed_ours(question, "snippets") for question in asked]),
        "fts5_ms": percentiles(
            [timed(lambda q=question: fts.ranked(fts5_or_query(q), 20)) for question in asked]
        ),
    }
    sample = list(Entry.objects.filter(status="published").order_by("?")[: min(queries, 50)])
    report["related_ms"] = percentiles(
        [timed(lambda e=entry: search.related_entries(e)) for entry in sample]
    )

    progress("Sitemap, OAI-PMH, citation export…")
    report["sitemap_ms"] = measure_sitemap(client)
    report["oai_ms"] = measure_harvest(client)
    report["export_ms"] = measure_export(client)
    progress("A researcher's list…")
    report["list_ms"] = measure_lists()
    progress("Admin entry list…")
    report["admin_ms"] = measure_admin(progress)

    progress("Thesaurus expansion…")
    report["concepts_ms"] = measure_expansion(client)

    # Last, so that the HTTP figures above see the cache as a serving process would.
    progress("Query mix: cold…")
    report["queries_ms"]["cold"] = measure_mode("cold", mix, fts)

    progress("Save until searchable…")
    save_times = []
    # With 20 saves the p95 is the slowest save but one: a single slow one (a merge of
    # ten small segments lands on one save in ten) decided it.
    for _ in range(SAVES):
        token = f"benchmark{uuid.uuid4().hex[:12]}"
        started = time.perf_counter()
        with transaction.atomic():
            Entry.objects.create(
                title=f"Benchmark {token}", body=f"Saved {token}.", status="published"
            )
        while search.search(search.SearchRequest(query=token, facets=False)).total != 1:
            if time.perf_counter() - started > 10:
                break
        save_times.append((time.perf_counter() - started) * 1000)
    report["save_to_searchable_ms"] = percentiles(save_times)
    Entry._base_manager.filter(title__startswith="Benchmark benchmark").delete()
    progress.finish()
    report["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    # The largest child: a rebuild's worker (the rebuild's parent is this process).
    report["peak_rss_rebuild_worker_mib"] = round(
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    )
    report["disk_mib"] = {
        "database": _mib(database_bytes()),
        "index": report["rebuild"]["size_mib"],
        "fts5": report["fts5_build"]["size_mib"],
    }
    report["steps_seconds"] = progress.seconds
    report["index_dir"] = str(settings.ARCHIVE_INDEX_DIR)
    return report


def table(report: dict) -> str:
    lines = [
        f"RJ Archive benchmark: {report['indexed_entries']} entries, {report['queries']} queries,"
        f" seed {report['seed']}; machine: {report['machine']}",
        "",
        "| measure | ours | SQLite FTS5 | ours / FTS5 |",
        "| --- | --- | --- | --- |",
    ]
    rebuild, built = report["rebuild"], report["fts5_build"]
    slower = round(built["docs_per_second"] / max(rebuild["docs_per_second"], 1), 2)
    lines.append(
        f"| full rebuild | {rebuild['docs_per_second']} docs/s, {rebuild['seconds']} s, "
        f"{rebuild['size_mib']} MiB | {built['docs_per_second']} docs/s, {built['seconds']} s, "
        f"{built['size_mib']} MiB | {slower}× slower |"
    )
    labels = {
        "results": "results only",
        "facets": "results + all facet counts",
        "snippets": "results + facets + 20 snippets",
        "filtered": "same, 2 facet filters + date range",
        "cold": "facets + snippets, postings cache emptied before each query",
    }
    for mode, label in labels.items():
        row = report["queries_ms"][mode]
        o, f = row["ours_ms"], row["fts5_ms"]
        lines.append(
            f"| {label} p50/p95/p99 ms | {o['p50']} / {o['p95']} / {o['p99']} | "
            f"{f['p50']} / {f['p95']} / {f['p99']} | {row['ratio_p50']} / {row['ratio_p95']} |"
        )
    first = report["first_time_ms"]
    o, f = first["ours_ms"], first["fts5_ms"]
    lines.append(
        f"| first time: each query once, fresh caches after warm-up, API (results + facets + "
        f"20 snippets) p50/p95/p99 ms | {o['p50']} / {o['p95']} / {o['p99']} | "
        f"{f['p50']} / {f['p95']} / {f['p99']} | p95 {first['ratio_p95']} |"
    )
    for kind, values in report["http_ms"].items():
        lines.append(f"| HTTP {kind} p50/p95 ms | {values['p50']} / {values['p95']} | | |")
    question = report["questions_ms"]
    o, f = question["ours_ms"], question["fts5_ms"]
    lines.append(
        f"| questions (8–20 words of prose; ours with facets + snippets, FTS5 its words by "
        f"OR, top 20) p50/p95 ms | {o['p50']} / {o['p95']} | {f['p50']} / {f['p95']} | |"
    )
    related = report["related_ms"]
    lines.append(f"| related entries p50/p95 ms | {related['p50']} / {related['p95']} | | |")
    worst = ", ".join(f"`{q}` {ms}" for q, ms in report["worst_queries_ms"].items())
    lines.append(f"| worst queries through the API, once each, ms | {worst} | | |")
    sitemap = report["sitemap_ms"]
    lines.append(
        f"| sitemap: index / a file of {sitemap['urls']} entries / the file from the cache / "
        f"the last of {sitemap.get('files', 1)} files, ms | {sitemap['index']} / "
        f"{sitemap['file']} / {sitemap['file_cached']} / {sitemap.get('last_file', '')} | | |"
    )
    oai = report.get("oai_ms")
    if oai:
        pages = "; ".join(
            f"{depth} {row['page']} / {row['next_page'] if row['next_page'] is not None else '–'}"
            for depth, row in oai["pages"].items()
        )
        lines.append(
            f"| OAI-PMH ListRecords at each depth of a harvest of {oai['records']} records: "
            f"the page / the next page by its token, ms | {pages} | | |"
        )
    export = report["export_ms"]
    lines.append(
        f"| citation export (BibTeX) of a search's first {export['records']} results, "
        f"first / again ms | {export['first']} / {export['again']} | | |"
    )
    lists = report.get("list_ms")
    if lists:
        add = lists["add_one_ms"]
        lines.append(
            f"| a researcher's list: add one entry p50/p95 ms; add a search's {lists['entries']} "
            f"results; export BibTeX / CSV / JSONL of them; the list page; share; the shared "
            f"list's page / BibTeX, ms | {add['p50']} / {add['p95']}; {lists['add_all_ms']}; "
            f"{lists['export_bib_ms']} / {lists['export_csv_ms']} / {lists['export_jsonl_ms']}; "
            f"{lists['page_ms']}; {lists['share_ms']}; {lists['shared_page_ms']} / "
            f"{lists['shared_export_bib_ms']} | | |"
        )
    admin = report["admin_ms"]
    for name, label in (
        ("list", "admin entry list"),
        ("list_by_topic", "admin entry list, one topic"),
        ("list_by_year", "admin entry list, one year"),
    ):
        if name in admin:
            row = admin[name]
            lines.append(f"| {label}, first / again ms | {row['first']} / {row['again']} | | |")
    searches = "; ".join(
        f"`{query}` {row['first']} / {row['again']}" for query, row in admin["search"].items()
    )
    lines.append(
        f"| admin search ({admin['drafts']} drafts among the entries), first / again ms "
        f"| {searches} | | |"
    )
    concepts = report["concepts_ms"]
    for when in ("first_time", "again"):
        row = concepts[when]
        expanded, typed, added = (row[k] for k in ("expanded", "only_words_typed", "added"))
        lines.append(
            f"| concept names ({concepts['queries']}, en/ru/ja) through the API, "
            f"{when.replace('_', ' ')}: expanded / only the words typed / added, p50/p95 ms"
            f" | {expanded['p50']} / {expanded['p95']}; {typed['p50']} / {typed['p95']}; "
            f"{added['p50']} / {added['p95']} | | |"
        )
    step = concepts["expansion_step"]
    lines.append(
        f"| the expansion step (thesaurus check, rewriting) p50/p95 ms | {step['p50']} / "
        f"{step['p95']} | | |"
    )
    save = report["save_to_searchable_ms"]
    lines.append(f"| save → searchable p50/p95 ms | {save['p50']} / {save['p95']} | | |")
    lines.append(f"| peak RSS of the benchmark process | {report['peak_rss_mib']} MiB | | |")
    if "peak_rss_rebuild_worker_mib" in report:
        lines.append(
            f"| peak RSS of a rebuild's worker | {report['peak_rss_rebuild_worker_mib']} MiB | | |"
        )
    disk = report.get("disk_mib")
    if disk:
        lines.append(
            f"| disk: database / index / FTS5 table, MiB | {disk['database']} / {disk['index']} "
            f"| {disk['fts5']} | |"
        )
    cache = report["postings_cache"]
    lines.append(
        f"| postings cache after the mix | {cache['used_mib']} of {cache['budget_mib']} MiB, "
        f"{cache['hits']} hits, {cache['misses']} misses | | |"
    )
    lines.append("")
    lines.append(
        "p95 by query kind, first time, ms: "
        + ", ".join(f"{kind} {value}" for kind, value in first["ours_p95_by_kind"].items())
    )
    slow = report["queries_ms"]["snippets"]["ours_p95_by_kind"]
    lines.append("")
    lines.append(
        "p95 by query kind (facets + snippets), ms: "
        + ", ".join(f"{kind} {value}" for kind, value in slow.items())
    )
    steps = report.get("steps_seconds")
    if steps:
        lines.append("")
        lines.append("Each step, s: " + "; ".join(f"{name} {s}" for name, s in steps.items()))
    return "\n".join(lines)
