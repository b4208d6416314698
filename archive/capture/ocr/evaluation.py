"""How well OCR reads: the character error rate on pages whose text is known.

The test set (``tests/data/ocr``, made by ``scripts/make_ocr_pages.py``) holds pages set
from known texts in English, Russian and Japanese (horizontal and vertical), clean and
degraded, as images and image-only PDFs; ``manifest.json`` says what each file is. Each
is read as capture reads a scan (``scans`` then ``engine``), and its text compared with
the known one by Levenshtein distance (RapidFuzz) over characters: CER = edits / length
of the known text. Both texts are NFKC-normalised and their whitespace made single spaces
(Japanese: removed, since it has none between words and a line's end is not a space).
"""

import json
import re
import statistics
import tempfile
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from archive.capture.detection import content_type_of
from archive.capture.extraction import NeedsOcr, extract
from archive.capture.ocr import engine
from archive.capture.scans import as_pdf

_SPACES = re.compile(r"\s+")


def comparable(text: str, language: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    if language == "ja":
        return _SPACES.sub("", text)
    return _SPACES.sub(" ", text).strip()


def character_error_rate(expected: str, read: str, language: str) -> float:
    expected, read = comparable(expected, language), comparable(read, language)
    return Levenshtein.distance(expected, read) / max(len(expected), 1)


@dataclass(frozen=True)
class PageResult:
    file: str
    language: str
    layout: str
    condition: str
    pages: int
    cer: float
    confidence: float | None
    seconds: float
    failure: str = ""


def read_text(path: Path) -> tuple[str, list[engine.PageReading], float]:
    """A file's text as capture's OCR reads it, its pages' readings and the seconds."""
    content_type = content_type_of(path.read_bytes()[:65536], path.name)
    try:
        extract(path, content_type)
    except NeedsOcr as needed:
        scan = needed.scan
    else:
        raise ValueError(f"{path.name} has a text layer: not a scan")
    with tempfile.TemporaryDirectory(prefix="evaluate-ocr-") as folder:
        pdf = as_pdf(path, content_type, Path(folder) / "in.pdf")
        result = engine.read(pdf, scan.to_read, Path(folder))
    pages = [result.pages[number] for number in sorted(result.pages)]
    return "\n\n".join(page.text for page in pages), pages, result.seconds


def evaluate(folder: Path, only: str | None = None) -> list[PageResult]:
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    texts = json.loads((folder / "texts.json").read_text(encoding="utf-8"))
    results = []
    for item in manifest:
        if only and only not in item["file"]:
            continue
        started = time.monotonic()
        try:
            read, pages, _seconds = read_text(folder / item["file"])
        except engine.OcrFailed as failure:
            read, pages, failure_text = "", [], str(failure)
        else:
            failure_text = ""
        confidences = [page.confidence for page in pages if page.confidence is not None]
        results.append(
            PageResult(
                file=item["file"],
                language=item["language"],
                layout=item["layout"],
                condition=item["condition"],
                pages=max(len(pages), 1),
                cer=character_error_rate(
                    "\n\n".join(texts[name] for name in item["texts"]), read, item["language"]
                ),
                confidence=round(statistics.fmean(confidences), 1) if confidences else None,
                seconds=time.monotonic() - started,
                failure=failure_text,
            )
        )
    return results


def summary(results: list[PageResult]) -> dict:
    """Mean CER by language and layout, for clean pages and degraded ones."""
    groups: dict[tuple[str, str, str], list[PageResult]] = {}
    for result in results:
        kind = "clean" if result.condition == "clean" else "degraded"
        groups.setdefault((result.language, result.layout, kind), []).append(result)
    return {
        f"{language}-{layout}-{kind}": {
            "pages": len(group),
            "cer": round(statistics.fmean(result.cer for result in group), 4),
            "seconds_per_page": round(
                sum(result.seconds for result in group) / sum(result.pages for result in group), 2
            ),
        }
        for (language, layout, kind), group in sorted(groups.items())
    }
