"""The cross-language judged set (tests/data/crosslanguage): documents in English,
Russian and Japanese, and needs asked in each language. Measures how many of a need's
documents a question finds in its first ten results (recall@10) and nDCG@10, with the
thesaurus's expansion and without it."""

import json
import statistics
from dataclasses import dataclass
from pathlib import Path

from archive import search
from archive.evaluation import metrics
from archive.evaluation.run import publish_and_index
from archive.models import Entry, Status

EXTERNAL_PREFIX = "crosslanguage-"
LANGUAGES = ("en", "ru", "ja")


class JudgedSetError(ValueError):
    """A judged set that cannot be read."""


@dataclass(frozen=True)
class Question:
    need: str
    language: str
    text: str
    relevant: frozenset


@dataclass(frozen=True)
class JudgedSet:
    documents: tuple[dict, ...]
    questions: tuple[Question, ...]


def load(folder: Path | str) -> JudgedSet:
    folder = Path(folder)
    try:
        documents = json.loads((folder / "documents.json").read_text(encoding="utf-8"))
        needs = json.loads((folder / "questions.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise JudgedSetError(f"{folder}: not a judged set ({error})") from None
    ids = {document["id"] for document in documents}
    questions = []
    for need in needs:
        unknown = set(need["relevant"]) - ids
        if unknown:
            raise JudgedSetError(f"need {need['need']}: no documents {sorted(unknown)}")
        for language, text in need["questions"].items():
            questions.append(Question(need["need"], language, text, frozenset(need["relevant"])))
    return JudgedSet(tuple(documents), tuple(questions))


def load_documents(judged: JudgedSet) -> int:
    entries = [
        Entry(
            external_id=f"{EXTERNAL_PREFIX}{document['id']}",
            slug=f"{EXTERNAL_PREFIX}{document['id']}",
            title=document["title"],
            body=document["text"],
            language=document["language"],
            status=Status.PUBLISHED,
        )
        for document in judged.documents
    ]
    return publish_and_index(entries, processes=1)


@dataclass(frozen=True)
class Figures:
    recall: float
    ndcg: float


def measure(judged: JudgedSet, *, expand: bool, each=None) -> dict[str, Figures]:
    """Mean recall@10 and nDCG@10 per question language, and "all"; ``each(question,
    recall, ndcg)`` is called for every question."""
    prefix = len(EXTERNAL_PREFIX)
    per_language: dict[str, list] = {language: [] for language in LANGUAGES}
    for question in judged.questions:
        page = search.search(
            search.SearchRequest(
                query=question.text, per_page=10, snippets=False, facets=False, expand=expand
            )
        )
        ranked = [hit.entry.external_id[prefix:] for hit in page.hits]
        found = len(set(ranked) & question.relevant) / len(question.relevant)
        ndcg = metrics.ndcg(ranked, question.relevant)
        per_language[question.language].append((found, ndcg))
        if each:
            each(question, found, ndcg)
    figures = {
        language: Figures(
            statistics.fmean(recall for recall, _ in values),
            statistics.fmean(ndcg for _, ndcg in values),
        )
        for language, values in per_language.items()
        if values
    }
    everything = [value for values in per_language.values() for value in values]
    figures["all"] = Figures(
        statistics.fmean(recall for recall, _ in everything),
        statistics.fmean(ndcg for _, ndcg in everything),
    )
    return figures
