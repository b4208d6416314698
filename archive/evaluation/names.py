"""The names judged set (tests/data/names): each name in English, Russian and Japanese,
written into three short test documents, one per script. A name searched in one script
should find its documents in the other two (recall@10 per pair of scripts) and nothing
else (precision@10: the share of the first ten results that are the name's documents;
names alike, Лавров and Лавренов, 岸田 and 岸, are each other's distractors). Family
names alone are searched too ("Lavrov", "Лавров", "岸田"), where every person of that
family name is relevant and a near one is not."""

import json
import statistics
from dataclasses import dataclass
from pathlib import Path

import fugashi

from archive import search
from archive.evaluation.run import publish_and_index
from archive.models import Entry, Status

EXTERNAL_PREFIX = "names-"
SCRIPTS = ("en", "ru", "ja")
# What the test documents say around a name (marked as test data).
TEMPLATES = {
    "en": "Test document. {name} was mentioned in a report on relations between the two countries.",
    "ru": "Тестовый документ. {name} упоминается в сообщении об отношениях двух стран.",
    "ja": "テスト文書。両国関係についての報告で{name}が取り上げられた。",
}


class NamesSetError(ValueError):
    """A names file that cannot be read."""


@dataclass(frozen=True)
class Name:
    id: str
    kind: str
    forms: dict  # script → form


@dataclass(frozen=True)
class Query:
    text: str
    script: str
    relevant: frozenset  # document ids ("<name id>-<script>")


def load(folder: Path | str) -> tuple[Name, ...]:
    path = Path(folder)
    path = path / "names.json" if path.is_dir() else path
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return tuple(
            Name(row["id"], row.get("kind", ""), {script: row[script] for script in SCRIPTS})
            for row in data["names"]
        )
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise NamesSetError(f"{path}: not a names file ({error})") from None


def load_documents(names: tuple[Name, ...]) -> int:
    entries = [
        Entry(
            external_id=f"{EXTERNAL_PREFIX}{name.id}-{script}",
            slug=f"{EXTERNAL_PREFIX}{name.id}-{script}",
            title=f"Test {name.id} ({script})",
            body=TEMPLATES[script].format(name=name.forms[script]),
            language=script,
            status=Status.PUBLISHED,
        )
        for name in names
        for script in SCRIPTS
    ]
    return publish_and_index(entries, processes=1)


def _documents(name: Name) -> frozenset:
    return frozenset(f"{name.id}-{script}" for script in SCRIPTS)


def family_name(name: Name, script: str) -> str:
    """A person's family name as written in one script: the last word in Latin and
    Cyrillic, the last part after ・ in katakana, the first 姓 UniDic finds in kanji."""
    form = name.forms[script]
    if script != "ja":
        return form.split()[-1]
    if "・" in form:
        return form.split("・")[-1]
    for word in fugashi.Tagger()(form):
        if word.feature.pos4 == "姓":
            return word.surface
    return ""


def queries(names: tuple[Name, ...]) -> list[Query]:
    """Each name in each script, and each person's family name in each script."""
    found = [
        Query(name.forms[script], script, _documents(name)) for name in names for script in SCRIPTS
    ]
    people = [name for name in names if name.kind == "person"]
    families: dict[str, set] = {}
    for name in people:
        families.setdefault(family_name(name, "en").casefold(), set()).update(_documents(name))
    for name in people:
        for script in SCRIPTS:
            family = family_name(name, script)
            if family:
                relevant = frozenset(families[family_name(name, "en").casefold()])
                found.append(Query(family, script, relevant))
    return list({(query.text, query.script): query for query in found}.values())


@dataclass(frozen=True)
class PairFigures:
    recall: float  # the other script's documents found in the first ten
    precision: float  # the first ten's share that is relevant
    queries: int


def measure(names: tuple[Name, ...], *, names_matched: bool, each=None) -> dict:
    """(from script, to script) → PairFigures; ``each(query, ranked)`` for every query."""
    prefix = len(EXTERNAL_PREFIX)
    recalls: dict[tuple[str, str], list[float]] = {}
    precisions: dict[str, list[float]] = {script: [] for script in SCRIPTS}
    for query in queries(names):
        page = search.search(
            search.SearchRequest(
                query=query.text,
                per_page=10,
                snippets=False,
                facets=False,
                expand=names_matched,
            )
        )
        ranked = [hit.entry.external_id[prefix:] for hit in page.hits]
        if each:
            each(query, ranked)
        if ranked:
            precisions[query.script].append(
                sum(document in query.relevant for document in ranked) / len(ranked)
            )
        for target in SCRIPTS:
            if target == query.script:
                continue
            wanted = {document for document in query.relevant if document.endswith(target)}
            if wanted:
                found = len(wanted & set(ranked)) / len(wanted)
                recalls.setdefault((query.script, target), []).append(found)
    return {
        pair: PairFigures(
            statistics.fmean(values),
            statistics.fmean(precisions[pair[0]]) if precisions[pair[0]] else 1.0,
            len(values),
        )
        for pair, values in recalls.items()
    }
