"""How well capture finds a page's main text, on a benchmark of real pages whose main
text is known: the article-extraction benchmark's layout (``html/<id>.html.gz`` and
``ground-truth.json`` with each page's ``articleBody``).

Two measures: the benchmark's own (precision, recall and F1 over 4-word shingles, each
page weighted alike, as its ``evaluate.py`` computes them, so the figure sits beside
the published ones) and plain word-level precision, recall and F1 (the bag of words).
Measured for capture's extraction and, in the same run, for ``trafilatura.extract``
with the benchmark's own settings.
"""

import gzip
import json
import re
import statistics
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import trafilatura

from archive.capture.detection import CaptureRefused
from archive.capture.extraction import extract_page_text
from archive.evaluation import metrics

_TOKEN = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    f1: float


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text or "")


def _counts(tokens: list[str], n: int) -> Counter:
    if n == 1:
        return Counter(tokens)
    return Counter(tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)))


def matching(true: str, predicted: str, n: int) -> tuple[float, float, float]:
    """(tp, fp, fn) over n-grams, normalised to sum to 1 (the benchmark's weighting)."""
    true_counts = _counts(_tokens(true), n)
    predicted_counts = _counts(_tokens(predicted), n)
    tp = fp = fn = 0.0
    for key in set(true_counts) | set(predicted_counts):
        t, p = true_counts.get(key, 0), predicted_counts.get(key, 0)
        tp += min(t, p)
        fp += max(0, p - t)
        fn += max(0, t - p)
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def _precision(tp, fp, fn):
    if fp == fn == 0:
        return 1.0
    return 0.0 if tp == fp == 0 else tp / (tp + fp)


def _recall(tp, fp, fn):
    if fp == fn == 0:
        return 1.0
    return 0.0 if tp == fn == 0 else tp / (tp + fn)


def scores(pairs: list[tuple[str, str]], n: int) -> Scores:
    """Mean precision and recall over pages (true, predicted), F1 of the two means."""
    counts = [matching(true, predicted, n) for true, predicted in pairs]
    precision = statistics.mean(_precision(*c) for c in counts if c[0] + c[1] > 0)
    recall = statistics.mean(_recall(*c) for c in counts if c[0] + c[2] > 0)
    return Scores(round(precision, 3), round(recall, 3), round(metrics.f1(precision, recall), 3))


def load(folder: Path) -> list[tuple[str, bytes, str]]:
    """(id, page bytes, true main text) for every page of a benchmark folder."""
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for key, item in sorted(truth.items()):
        raw = gzip.decompress((folder / "html" / f"{key}.html.gz").read_bytes())
        pages.append((key, raw, item.get("articleBody", "")))
    return pages


def evaluate(folder: Path) -> dict:
    pages = load(folder)
    ours, library = [], []
    failed = 0
    for _key, raw, true in pages:
        try:
            predicted = extract_page_text(raw)
        except CaptureRefused:
            predicted, failed = "", failed + 1
        ours.append((true, predicted))
        library.append((true, trafilatura.extract(raw, include_comments=False) or ""))
    report = {"pages": len(pages), "no_text_found": failed}
    for name, pairs in (("capture", ours), ("trafilatura_extract", library)):
        report[name] = {
            "shingles": scores(pairs, 4).__dict__,
            "words": scores(pairs, 1).__dict__,
        }
    return report
