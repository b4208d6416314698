"""A deterministic synthetic corpus for measuring search at scale.

Entries in English, Russian and Japanese, with words drawn from Zipf-like vocabularies
(that include the seed documents' own words), bodies from a few hundred to several
thousand words, every date precision over several decades, a few hundred sources and a
topic tree. Generated entries carry external ids starting with ``generated-`` and can
be removed in one call.
"""

import datetime
import itertools
import math
import random
from bisect import bisect
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction

from archive.entities.models import Entity, EntryEntity
from archive.models import (
    Entry,
    EntryIdentifier,
    EntryVersion,
    Source,
    Topic,
    TopicTimeline,
    text_fingerprint,
)

PREFIX = "generated-"
SOURCE_COUNT = 300
TOPIC_ROOTS, TOPIC_CHILDREN = 10, 5
# People, places and organizations the entries name, as extraction would link them: a
# pool per kind, drawn with Zipf's law (a few in very many entries, as Japan and Russia
# are), 2 to 6 an entry. Linked directly: the corpus measures the facets' cost, not
# the models' (``extract_entities`` is measured on its own: docs/performance.md).
ENTITY_POOL = {"person": 3000, "place": 1000, "organization": 1000}

RUSSIAN_WORDS = [
    "россия",
    "япония",
    "сотрудничество",
    "экономическое",
    "развитие",
    "отношения",
    "переговоры",
    "мирный",
    "договор",
    "острова",
    "курильские",
    "министр",
    "иностранных",
    "дел",
    "встреча",
    "правительство",
    "визит",
    "торговля",
    "энергетика",
    "газ",
    "нефть",
    "сахалин",
    "проект",
    "инвестиции",
    "регион",
    "обмен",
    "культура",
    "год",
    "соглашение",
    "делегация",
    "президент",
    "премьер",
    "государство",
    "граница",
    "рыболовство",
    "безопасность",
    "совместный",
    "заявление",
    "экономического",
    "сотрудничества",
    "российско",
    "японских",
    "отношений",
]
JAPANESE_WORDS = [
    "北方領土",
    "日本",
    "ロシア",
    "経済",
    "協力",
    "外務大臣",
    "首脳会談",
    "平和条約",
    "交渉",
    "交流",
    "地域",
    "文化",
    "エネルギー",
    "投資",
    "政府",
    "訪問",
    "合意",
    "共同",
    "声明",
    "漁業",
    "安全保障",
    "サハリン",
    "貿易",
    "発展",
    "関係",
    "会談",
    "代表団",
]
SYLLABLES = [
    "ka",
    "ri",
    "mo",
    "to",
    "na",
    "se",
    "vi",
    "lo",
    "pa",
    "ru",
    "de",
    "mi",
    "so",
    "ta",
    "ne",
    "ko",
    "ba",
    "li",
]
CYRILLIC_SYLLABLES = [
    "ка",
    "ри",
    "мо",
    "то",
    "на",
    "се",
    "ви",
    "ло",
    "па",
    "ру",
    "де",
    "ми",
    "со",
    "та",
    "не",
    "ко",
    "ба",
    "ли",
]


def _seed_words() -> list[str]:
    folder = Path(settings.ARCHIVE_SEED_DIR) / "texts"
    text = " ".join(path.read_text(encoding="utf-8") for path in sorted(folder.iterdir()))
    words = [w.strip(".,;:()[]“”\"'").lower() for w in text.split()]
    return list(dict.fromkeys(w for w in words if w.isalpha()))


class Vocabulary:
    """Words ranked by frequency with Zipf weights (rank ** -1.07)."""

    def __init__(self, words: list[str]):
        self.words = words
        weights = [1 / (rank**1.07) for rank in range(1, len(words) + 1)]
        self.cumulative = list(itertools.accumulate(weights))

    def draw(self, rng: random.Random, count: int) -> list[str]:
        total = self.cumulative[-1]
        return [self.words[bisect(self.cumulative, rng.random() * total)] for _ in range(count)]


def _pseudo_words(rng: random.Random, syllables: list[str], count: int) -> list[str]:
    words = set()
    while len(words) < count:
        words.add("".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def vocabularies(seed: int) -> dict[str, Vocabulary]:
    rng = random.Random(seed)
    english = _seed_words() + _pseudo_words(rng, SYLLABLES, 20_000)
    russian = RUSSIAN_WORDS + _pseudo_words(rng, CYRILLIC_SYLLABLES, 5_000)
    return {
        "en": Vocabulary(list(dict.fromkeys(english))),
        "ru": Vocabulary(list(dict.fromkeys(russian))),
        "ja": Vocabulary(JAPANESE_WORDS),
    }


def _body(rng, vocabulary: Vocabulary, language: str, length: int) -> str:
    words = vocabulary.draw(rng, length)
    sentences, paragraph = [], []
    position = 0
    while position < len(words):
        size = rng.randint(8, 20)
        chunk = words[position : position + size]
        position += size
        if language == "ja":
            paragraph.append("".join(chunk) + "。")
        else:
            paragraph.append(" ".join(chunk).capitalize() + ".")
        if len(paragraph) >= rng.randint(3, 7):
            sentences.append(" ".join(paragraph) if language != "ja" else "".join(paragraph))
            paragraph = []
    if paragraph:
        sentences.append(" ".join(paragraph) if language != "ja" else "".join(paragraph))
    return "\n\n".join(sentences)


def _date(rng):
    roll = rng.random()
    if roll < 0.10:
        return None, "undated"
    year = rng.randint(1975, 2025)
    if roll < 0.25:
        return datetime.date(year, 1, 1), "year"
    if roll < 0.40:
        return datetime.date(year, rng.randint(1, 12), 1), "month"
    return datetime.date(year, rng.randint(1, 12), rng.randint(1, 28)), "day"


def real_entries_exist() -> bool:
    return Entry.objects.exclude(external_id__startswith=PREFIX).exists()


def generated_count(seed: int) -> int:
    return Entry.objects.filter(external_id__startswith=f"{PREFIX}{seed}-").count()


def _sources_and_topics(seed: int):
    rng = random.Random(seed + 1)
    sources = []
    for number in range(SOURCE_COUNT):
        name = " ".join(w.capitalize() for w in _pseudo_words(rng, SYLLABLES, 2)) + " Gazette"
        slug = f"{PREFIX}source-{number}"
        source, _ = Source.objects.get_or_create(
            slug=slug, defaults={"name": f"{name} {number}", "kind": "news_outlet"}
        )
        sources.append(source)
    topics = []
    for root_number in range(TOPIC_ROOTS):
        root, _ = Topic.objects.get_or_create(
            slug=f"{PREFIX}topic-{root_number}", defaults={"name": f"Theme {root_number}"}
        )
        for child_number in range(TOPIC_CHILDREN):
            child, _ = Topic.objects.get_or_create(
                slug=f"{PREFIX}topic-{root_number}-{child_number}",
                defaults={"name": f"Theme {root_number}.{child_number}", "parent": root},
            )
            topics.append(child)
    return sources, topics


def _entities(seed: int):
    """The pool of entities (made once per seed), each kind's ids with Zipf weights."""
    rng = random.Random(seed + 2)
    pools = {}
    for kind, size in ENTITY_POOL.items():
        wanted = [f"{PREFIX}{kind}-{number}" for number in range(size)]
        existing = dict(Entity.objects.filter(key__in=wanted).values_list("key", "pk"))
        missing = [
            Entity(
                kind=kind,
                key=key,
                name=" ".join(w.capitalize() for w in _pseudo_words(rng, SYLLABLES, 2)),
                entry_count=0,
            )
            for key in wanted
            if key not in existing
        ]
        for entity in Entity.objects.bulk_create(missing, batch_size=1000):
            existing[entity.key] = entity.pk
        ids = [existing[key] for key in wanted]
        weights = list(itertools.accumulate(1 / (rank + 1) for rank in range(size)))
        pools[kind] = (ids, weights)
    return pools


def _draw_entities(rng, pools) -> set[int]:
    chosen: set[int] = set()
    for _ in range(rng.randint(2, 6)):
        kind = rng.choices(("person", "place", "organization"), weights=(5, 3, 2))[0]
        ids, weights = pools[kind]
        chosen.add(rng.choices(ids, cum_weights=weights)[0])
    return chosen


# SQLite's page cache while generating (KiB): the entries' indexes on random keys (the
# body's fingerprint, the date) take each batch's rows at random pages; with the default
# 2 MB cache every insert reads and writes pages back, and generation slowed from 1,100
# to 400 entries a second past 400,000 entries.
GENERATION_CACHE_KIB = 512 * 1024


@contextmanager
def _large_page_cache():
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (before,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = -{GENERATION_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


def generate(entries: int, seed: int, progress=None, batch_size: int = 1000) -> int:
    """Add generated entries numbered from those already present for this seed; returns
    how many were added. Written in bulk without per-entry signals: rebuild the index
    afterwards (the commands do)."""
    with _large_page_cache():
        return _generate(entries, seed, progress, batch_size)


def _generate(entries: int, seed: int, progress, batch_size: int) -> int:
    rng_vocabulary = vocabularies(seed)
    sources, topics = _sources_and_topics(seed)
    pools = _entities(seed)
    start = generated_count(seed)
    through = Entry.topics.through
    types = ["news"] * 5 + ["press_release"] * 2 + ["journal_article"] * 2 + ["statement", "report"]
    for batch_start in range(start, entries, batch_size):
        batch, links, named = [], [], []
        for number in range(batch_start, min(entries, batch_start + batch_size)):
            rng = random.Random(f"{seed}-{number}")
            language = rng.choices(["en", "ru", "ja"], weights=[70, 20, 10])[0]
            vocabulary = rng_vocabulary[language]
            length = int(min(4000, max(150, rng.lognormvariate(math.log(450), 0.6))))
            if language == "ja":
                length = max(60, length // 3)
            title_words = vocabulary.draw(rng, rng.randint(5, 10))
            title = (
                "".join(title_words) if language == "ja" else " ".join(title_words)
            ).capitalize()
            body = _body(rng, vocabulary, language, length)
            date, precision = _date(rng)
            batch.append(
                Entry(
                    external_id=f"{PREFIX}{seed}-{number}",
                    title=title[:480],
                    slug=f"{PREFIX}{seed}-{number}",
                    body=body,
                    body_fingerprint=text_fingerprint(body),
                    date=date,
                    date_precision=precision,
                    source=rng.choice(sources),
                    language=language,
                    document_type=rng.choice(types),
                    authors="\n".join(
                        f"{w.capitalize()}, {v.capitalize()}"
                        for w, v in zip(
                            rng_vocabulary["en"].draw(rng, 2),
                            rng_vocabulary["en"].draw(rng, 2),
                            strict=True,
                        )
                    )
                    if rng.random() < 0.4
                    else "",
                    status="published",
                )
            )
            links.append(rng.sample(topics, rng.randint(1, 3)))
            named.append(_draw_entities(rng, pools))
        with transaction.atomic():
            created = Entry._base_manager.bulk_create(batch)
            linked = [
                (entry, topic)
                for entry, entry_topics in zip(created, links, strict=True)
                for topic in entry_topics
            ]
            through.objects.bulk_create(
                through(entry_id=entry.pk, topic_id=topic.pk) for entry, topic in linked
            )
            TopicTimeline.objects.bulk_create(
                TopicTimeline(entry_id=entry.pk, topic_id=topic.pk, date=entry.date)
                for entry, topic in linked
            )
            EntryEntity.objects.bulk_create(
                EntryEntity(entry_id=entry.pk, entity_id=entity_id, mentions=1)
                for entry, entity_ids in zip(created, named, strict=True)
                for entity_id in entity_ids
            )
        if progress:
            progress(min(entries, batch_start + batch_size), entries)
    return max(0, entries - start)


def remove_generated() -> int:
    """Delete every generated entry (and generated sources and topics) at once."""
    with transaction.atomic():
        generated = Entry._base_manager.filter(external_id__startswith=PREFIX)
        ids = list(generated.values_list("pk", flat=True))
        Entry.topics.through.objects.filter(entry_id__in=ids).delete()
        TopicTimeline.objects.filter(entry_id__in=ids).delete()
        for model in (EntryIdentifier, EntryVersion, EntryEntity):
            model.objects.filter(entry_id__in=ids).delete()
        generated._raw_delete(generated.db)
        Topic.objects.filter(slug__startswith=PREFIX, parent__isnull=False).delete()
        Topic.objects.filter(slug__startswith=PREFIX).delete()
        Source.objects.filter(slug__startswith=PREFIX).delete()
        Entity.objects.filter(key__startswith=PREFIX).delete()
    return len(ids)
