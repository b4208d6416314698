"""A fixed, seeded mix of queries of every shape, drawn from the corpus itself."""

import random

from archive.benchmark.corpus import JAPANESE_WORDS, RUSSIAN_WORDS, vocabularies
from archive.models import Entry
from archive.search import STOP_WORDS


def query_mix(seed: int, size: int) -> list[tuple[str, str]]:
    rng = random.Random(f"queries-{seed}")
    english = [w for w in vocabularies(seed)["en"].words if w not in STOP_WORDS and len(w) > 3]
    common, rare = english[:60], english[2000:8000]
    bodies = list(
        Entry.objects.filter(language="en").order_by("pk").values_list("body", flat=True)[:200]
    )
    shapes = {
        "term-common": lambda: rng.choice(common),
        "term-rare": lambda: rng.choice(rare),
        "phrase": lambda: _phrase(rng, bodies) or rng.choice(common),
        "and": lambda: f"{rng.choice(common)} {rng.choice(common)}",
        "or": lambda: f"{rng.choice(common)} OR {rng.choice(rare)}",
        "not": lambda: f"{rng.choice(common)} -{rng.choice(common)}",
        "field": lambda: f"title:{rng.choice(common)}",
        "prefix": lambda: f"{rng.choice(common)[:4]}*",
        "russian": lambda: rng.choice(RUSSIAN_WORDS),
        "japanese": lambda: rng.choice(JAPANESE_WORDS),
    }
    kinds = list(shapes)
    return [(kind, shapes[kind]()) for kind in (kinds[i % len(kinds)] for i in range(size))]


def _phrase(rng, bodies) -> str | None:
    if not bodies:
        return None
    words = [w.strip(".").lower() for w in rng.choice(bodies).split()]
    words = [w for w in words if w.isalpha() and w not in STOP_WORDS]
    if len(words) < 3:
        return None
    start = rng.randrange(len(words) - 1)
    return f'"{words[start]} {words[start + 1]}"'


def questions(seed: int, size: int) -> list[str]:
    """Questions of 8 to 20 words in prose, drawn from the corpus's English texts (as a
    researcher pastes a sentence), with brackets and a question mark."""
    rng = random.Random(f"questions-{seed}")
    bodies = list(
        Entry.objects.filter(language="en").order_by("pk").values_list("body", flat=True)[:200]
    )
    found = []
    for _ in range(size):
        words = [w.strip(".,") for w in rng.choice(bodies).split()] if bodies else ["japan"]
        length = rng.randint(8, 20)
        start = rng.randrange(max(1, len(words) - length))
        chosen = words[start : start + length]
        found.append(f"What about {' '.join(chosen[:-2])} ({' '.join(chosen[-2:])})?")
    return found
