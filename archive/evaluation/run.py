"""Evaluating ranking: a collection loaded as entries into the archive it runs in (the
command gives it an archive of its own), every judged question asked through the same
``search()`` the API uses, and through SQLite FTS5 BM25 (the words joined by OR) on the
same entries, measured with nDCG@10, MAP (first 100 results) and P@10."""

import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path

from archive import search
from archive.benchmark.fts5 import Fts5Baseline, fts5_or_query
from archive.evaluation import metrics
from archive.evaluation.smart import Collection
from archive.models import Entry, Status
from archive.services.entries import create_entries

EXTERNAL_PREFIX = "evaluation-"
DEPTH = 100  # results read per question: MAP is measured over the first 100


@dataclass(frozen=True)
class QuestionFigures:
    ndcg: float
    average_precision: float
    precision: float
    found: int  # results the search gave (up to DEPTH)
    milliseconds: float


@dataclass(frozen=True)
class RunFigures:
    name: str
    questions: dict[str, QuestionFigures] = field(default_factory=dict)

    def _mean(self, attribute: str) -> float:
        return statistics.fmean(getattr(q, attribute) for q in self.questions.values())

    @property
    def ndcg(self) -> float:
        return self._mean("ndcg")

    @property
    def map(self) -> float:
        return self._mean("average_precision")

    @property
    def precision(self) -> float:
        return self._mean("precision")

    @property
    def without_results(self) -> float:
        return sum(1 for q in self.questions.values() if not q.found) / len(self.questions)

    @property
    def p95_milliseconds(self) -> float:
        times = sorted(q.milliseconds for q in self.questions.values())
        return times[min(len(times) - 1, int(0.95 * len(times)))]

    def as_json(self) -> dict:
        return {
            "name": self.name,
            "ndcg@10": self.ndcg,
            "map": self.map,
            "p@10": self.precision,
            "without_results": self.without_results,
            "questions": {number: q.ndcg for number, q in self.questions.items()},
        }


def load_collection(collection: Collection) -> int:
    """The collection's documents as published entries, indexed. Returns how many."""
    entries = [
        Entry(
            external_id=f"{EXTERNAL_PREFIX}{document.number}",
            slug=f"{EXTERNAL_PREFIX}{document.number}",
            title=document.title[:500],
            title_is_devised=document.title_is_devised,
            body=document.text or document.title,
            authors="\n".join(document.authors),
            language="en",
            status=Status.PUBLISHED,
        )
        for document in collection.documents
    ]
    return publish_and_index(entries, processes=2)


def publish_and_index(entries: list[Entry], processes: int) -> int:
    """Write a collection's entries and build the index from them. Returns how many."""
    create_entries(entries)
    search.rebuild(processes=processes)
    return len(entries)


def _figures(ranked: list[str], relevant: frozenset, started: float) -> QuestionFigures:
    return QuestionFigures(
        ndcg=metrics.ndcg(ranked, relevant),
        average_precision=metrics.average_precision(ranked, relevant),
        precision=metrics.precision(ranked, relevant),
        found=len(ranked),
        milliseconds=(time.perf_counter() - started) * 1000,
    )


def run_archive(collection: Collection, progress=None) -> RunFigures:
    run = RunFigures("RJ Archive")
    prefix = len(EXTERNAL_PREFIX)
    for number, question in enumerate(collection.judged_questions, start=1):
        started = time.perf_counter()
        page = search.search(
            search.SearchRequest(query=question.text, per_page=DEPTH, snippets=False, facets=False)
        )
        ranked = [hit.entry.external_id[prefix:] for hit in page.hits]
        run.questions[question.number] = _figures(
            ranked, collection.relevant[question.number], started
        )
        if progress:
            progress(number, len(collection.judged_questions))
    return run


def run_fts5(collection: Collection, folder: Path) -> RunFigures:
    baseline = Fts5Baseline(folder / "fts5.sqlite3")
    baseline.build()
    baseline.connect()
    ids = dict(
        Entry.objects.filter(external_id__startswith=EXTERNAL_PREFIX).values_list(
            "pk", "external_id"
        )
    )
    prefix = len(EXTERNAL_PREFIX)
    run = RunFigures("SQLite FTS5 BM25 (defaults), words by OR")
    for question in collection.judged_questions:
        started = time.perf_counter()
        rows = baseline.ranked(fts5_or_query(question.text), DEPTH)
        ranked = [ids[row][prefix:] for row in rows]
        run.questions[question.number] = _figures(
            ranked, collection.relevant[question.number], started
        )
    return run


def compare(current: RunFigures, saved: dict, threshold: float = 0.05):
    """Questions whose nDCG@10 changed by more than ``threshold`` against a saved run:
    (question, before, after), the largest changes first."""
    before = saved.get("questions", {})
    changes = [
        (number, before[number], figures.ndcg)
        for number, figures in current.questions.items()
        if number in before and abs(figures.ndcg - before[number]) > threshold
    ]
    return sorted(changes, key=lambda change: -abs(change[2] - change[1]))
