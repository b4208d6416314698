"""The benchmark tools: a deterministic corpus, the FTS5 baseline agreeing with our
search on simple terms, and `bench` running end to end on a small corpus."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from archive import search
from archive.benchmark import corpus, curve, run
from archive.benchmark.fts5 import Fts5Baseline, to_fts5
from archive.models import Entry
from archive.search.analysis import STOP_WORDS


def snapshot():
    return list(
        Entry.objects.order_by("external_id").values_list(
            "external_id", "title", "body", "date", "date_precision", "language", "source__slug"
        )
    )


def test_the_corpus_is_deterministic_for_a_seed(db):
    corpus.generate(40, seed=5)
    first = snapshot()
    assert corpus.remove_generated() == 40
    assert not Entry.objects.exists()
    corpus.generate(40, seed=5)
    assert snapshot() == first
    corpus.remove_generated()
    corpus.generate(40, seed=6)
    assert snapshot() != first


def test_the_corpus_is_varied(db):
    corpus.generate(300, seed=2)
    languages = set(Entry.objects.values_list("language", flat=True))
    precisions = set(Entry.objects.values_list("date_precision", flat=True))
    lengths = [len(body.split()) for body in Entry.objects.values_list("body", flat=True)]
    assert languages == {"en", "ru", "ja"}
    assert precisions == {"day", "month", "year", "undated"}
    assert min(lengths) < 300 < max(lengths)
    assert Entry.objects.values("source").distinct().count() > 100


def test_generate_corpus_refuses_a_database_with_real_entries(seed):
    with pytest.raises(CommandError, match="real"):
        call_command("generate_corpus", "--entries", "10", stdout=StringIO())
    call_command("generate_corpus", "--entries", "10", "--force", stdout=StringIO())
    assert corpus.generated_count(1) == 10
    call_command("generate_corpus", "--remove", stdout=StringIO())
    assert Entry.objects.count() == 3  # the real entries stay


def test_fts5_finds_the_same_documents_for_simple_terms(db, tmp_path):
    corpus.generate(200, seed=4)
    search.rebuild()
    baseline = Fts5Baseline(tmp_path / "fts.sqlite3")
    baseline.build()
    baseline.connect()
    vocabulary = corpus.vocabularies(4)["en"].words[200:2000]
    words = [w for w in vocabulary if w.isalpha() and w not in STOP_WORDS][:400]
    compared = 0
    for word in words:
        ours = search.search(
            search.SearchRequest(query=word, per_page=500, facets=False, snippets=False)
        )
        theirs, total, _ = baseline.search(to_fts5(word), facets=False, snippets=False)
        if ours.total == 0 and total == 0:
            continue
        assert ours.total == total, word
        if total <= 20:
            assert {hit.entry.pk for hit in ours.hits} == set(theirs), word
        compared += 1
        if compared == 25:
            break
    assert compared == 25


def test_bench_runs_end_to_end_and_writes_json(db, tmp_path, settings):
    settings.DATA_DIR = tmp_path
    out = StringIO()
    call_command(
        "bench", "--entries", "300", "--queries", "30", "--json", str(tmp_path / "b.json"),
        stdout=out, stderr=StringIO(),
    )  # fmt: skip
    report = json.loads((tmp_path / "b.json").read_text())
    assert report["indexed_entries"] == 300
    assert set(report["queries_ms"]) == {"results", "facets", "snippets", "filtered", "cold"}
    for row in report["queries_ms"].values():
        assert row["ours_ms"]["n"] == row["fts5_ms"]["n"] == 30
    assert report["save_to_searchable_ms"]["n"] == run.SAVES
    assert report["questions_ms"]["ours_ms"]["n"] == report["questions_ms"]["fts5_ms"]["n"] == 30
    assert report["related_ms"]["n"] == 30
    assert set(report["worst_queries_ms"]) == {
        "?*",
        "*a*",
        "a* b* c* d* e* f* g* h*",
        "a* OR b* OR c* OR d* OR e* OR f*",
        "р* я* к* м*",
    }
    assert "| worst queries through the API" in out.getvalue()
    assert report["postings_cache"]["misses"] > 0
    assert "| results + facets + 20 snippets" in out.getvalue()
    assert "machine:" in out.getvalue()
    assert report["sitemap_ms"]["urls"] == 300
    assert report["export_ms"]["records"] > 1
    assert "| citation export (BibTeX)" in out.getvalue()
    lists = report["list_ms"]
    assert lists["add_one_ms"]["n"] == 50 and lists["entries"] > 1
    assert "| a researcher's list: add one entry" in out.getvalue()
    assert "| sitemap: index / a file of 300 entries" in out.getvalue()
    assert report["sitemap_ms"]["files"] == 1
    oai = report["oai_ms"]
    assert oai["records"] == 300
    assert set(oai["pages"]) == {"0%", "25%", "50%", "75%", "100%"}
    # Pages of 50: a harvest's start has a next page, reached by its resumption token.
    assert oai["pages"]["0%"]["next_page"] > 0
    assert oai["slowest"] == max(
        time for row in oai["pages"].values() for time in row.values() if time is not None
    )
    assert "| OAI-PMH ListRecords at each depth of a harvest of 300 records" in out.getvalue()
    steps = report["steps_seconds"]
    assert {"Rebuilding the index", "Building the FTS5 baseline", "Save until searchable"} <= set(
        steps
    )
    assert "Each step, s: " in out.getvalue()
    # The cost curve reads the report: its table has every row, its plot is a PNG.
    drawn = curve.curve([report])
    assert drawn["sizes"] == [300]
    table = curve.markdown(drawn)
    assert "| OAI-PMH page, slowest depth, ms | " in table
    assert "| full rebuild, s | " in table and "– |" not in table.split("\n")[2]
    assert curve.plot(drawn, tmp_path / "curve.png").read_bytes().startswith(b"\x89PNG")
    disk = report["disk_mib"]
    assert disk["index"] > 0 and disk["fts5"] > 0
    assert disk["database"] is None or disk["database"] > 0  # None: the tests' in-memory SQLite
    first = report["first_time_ms"]
    assert first["ours_ms"]["n"] == first["fts5_ms"]["n"] == 30
    assert "| first time: each query once" in out.getvalue()
    assert "p95 by query kind, first time" in out.getvalue()
    admin = report["admin_ms"]
    assert admin["drafts"] == 30  # one in ten entries, made for the admin search and removed
    assert {"list", "list_by_topic", "search"} <= set(admin)
    assert {"japan", '"peace treaty"', "#number", "japan, drafts only"} <= set(admin["search"])
    assert "| admin entry list, first / again ms" in out.getvalue()
    assert "| admin search (30 drafts among the entries)" in out.getvalue()
    assert not Entry.objects.filter(status="draft").exists()
    concepts = report["concepts_ms"]
    assert concepts["queries"] >= 90  # the seed thesaurus's names in three languages
    for when in ("first_time", "again"):
        row = concepts[when]
        assert row["expanded"]["n"] == row["only_words_typed"]["n"] == concepts["queries"]
    assert concepts["expansion_step"]["n"] == concepts["queries"]
    assert "| the expansion step (thesaurus check, rewriting)" in out.getvalue()
