"""Ranking measures with binary judgements: nDCG@k, average precision, precision@k; and
the F1 of a precision and a recall."""

import math
from collections.abc import Sequence


def ndcg(ranked: Sequence[str], relevant: frozenset, k: int = 10) -> float:
    gains = sum(1 / math.log2(rank + 2) for rank, doc in enumerate(ranked[:k]) if doc in relevant)
    ideal = sum(1 / math.log2(rank + 2) for rank in range(min(k, len(relevant))))
    return gains / ideal if ideal else 0.0


def average_precision(ranked: Sequence[str], relevant: frozenset) -> float:
    found, total = 0, 0.0
    for rank, doc in enumerate(ranked, start=1):
        if doc in relevant:
            found += 1
            total += found / rank
    return total / len(relevant) if relevant else 0.0


def precision(ranked: Sequence[str], relevant: frozenset, k: int = 10) -> float:
    return sum(1 for doc in ranked[:k] if doc in relevant) / k


def f1(precision: float, recall: float) -> float:
    """Their harmonic mean (0 when both are 0)."""
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0
