"""OCRmyPDF in a child process: the pages that need it read, each page's result, and the
searchable PDF it writes.

Each page's script is found first (Tesseract's orientation and script detection on a small
rendering), so that it is read with its languages' models (``SCRIPT_LANGUAGES``; all of
``ARCHIVE_OCR_LANGUAGES`` when no script is found): no one says what language a scan is
in. OCRmyPDF then turns each page the right way up, deskews it, reads it with Tesseract
and writes a PDF with the page images and the text beneath them; pages that already have
text are passed through (``--skip-text``).

Each page's result is read from OCRmyPDF's working folder, kept for the purpose
(``--keep-temporary-files`` in a folder of our own, removed afterwards): Tesseract's text
of the page, and its TSV of words with their confidences (``--tesseract-config tsv``). Its
log says which pages it turned. The working folder also gives the progress: a page's TSV
is written when the page is read.

The child runs in its own session with an address-space limit (``ARCHIVE_OCR_MEMORY_MB``,
inherited by Tesseract and Ghostscript) and a time limit per page; past either it is
killed with its children, and the reading fails with the reason, never the caller.
"""

import contextlib
import csv
import os
import re
import resource
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import py3langid
from django.conf import settings
from django.utils.translation import gettext as _
from pypdf import PdfReader, PdfWriter

POLL_SECONDS = 0.5
PREVIEW_DPI = 150  # the page's rendering its script is found on
# The models a page is read with, by the script OSD finds on it: English beside Russian
# (names and titles cross), and both Japanese models (Tesseract finds vertical columns
# with jpn_vert; jpn reads Latin letters itself, and adding eng made short Japanese columns
# read as English: docs/capture.md). A page whose script is not found is read with all
# (ARCHIVE_OCR_LANGUAGES).
SCRIPT_LANGUAGES = {
    "Latin": "eng+rus",
    "Cyrillic": "rus+eng",
    "Japanese": "jpn+jpn_vert",
    "Han": "jpn+jpn_vert",
    "Hiragana": "jpn+jpn_vert",
    "Katakana": "jpn+jpn_vert",
}
STARTUP_SECONDS = 60  # beyond the pages' own time: the process starting, the PDF written
_CJK = "\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef"
_SPACE_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK}]) +(?=[{_CJK}])")
_FACING = re.compile(
    r"INFO -\s+(?P<page>\d+)\s+page is facing \S+, confidence [\d.]+ - (?P<what>.*)$"
)
_PAGE_ERROR = re.compile(r"(?:ERROR|CRITICAL) -\s+(?P<page>\d+)\s+(?P<reason>.+)$")


class OcrFailed(Exception):
    """OCR could not read the document: ``page`` (from 1) when one page is to blame."""

    def __init__(self, reason: str, page: int | None = None):
        self.reason, self.page = reason, page
        super().__init__(reason)

    def __str__(self):
        if self.page:
            return _("page %(page)d: %(reason)s") % {"page": self.page, "reason": self.reason}
        return self.reason


@dataclass(frozen=True)
class PageReading:
    number: int  # from 1
    text: str
    confidence: float | None  # Tesseract's mean word confidence, 0–100, by characters
    language: str | None
    turned: bool  # OCRmyPDF turned the page the right way up


@dataclass(frozen=True)
class EngineResult:
    pages: dict[int, PageReading]  # the pages read by OCR, by number
    searchable_pdf: Path  # in the caller's folder
    seconds: float


def version() -> str:
    """The engine's versions, as the report names them."""
    try:
        ocrmypdf = _run_quietly([settings.ARCHIVE_OCRMYPDF, "--version"])
        tesseract = _run_quietly(["tesseract", "--version"]).split("\n", 1)[0]
    except OSError:
        return ""
    return f"OCRmyPDF {ocrmypdf.strip()}, {tesseract.strip()}"


def available() -> bool:
    return shutil.which(settings.ARCHIVE_OCRMYPDF) is not None


def _run_quietly(command: list[str]) -> str:
    return subprocess.run(command, capture_output=True, text=True, timeout=30, check=False).stdout


def read(
    pdf: Path,
    pages: tuple[int, ...],
    folder: Path,
    progress: Callable[[int], object] | None = None,
) -> EngineResult:
    """OCR of these pages of ``pdf``; the searchable PDF is written in ``folder``.
    ``progress(pages_done)`` is called as pages are read. OcrFailed says why it could
    not be done.

    Each page's script is found first (Tesseract's OSD on a small rendering of the page),
    so that a page is read with its own languages' models (``SCRIPT_LANGUAGES``): the
    pages of one script are read by one OCRmyPDF run, and the runs' pages put together."""
    if not available():
        raise OcrFailed(_("OCRmyPDF is not installed on this server (see the README)"))
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="ocr-", dir=folder))
    try:
        groups: dict[str, list[int]] = {}
        for number in pages:
            languages = SCRIPT_LANGUAGES.get(_script(pdf, number, work), "")
            groups.setdefault(languages or settings.ARCHIVE_OCR_LANGUAGES, []).append(number)
        results: dict[int, PageReading] = {}
        outputs: dict[int, Path] = {}
        for index, (languages, numbers) in enumerate(groups.items()):
            output = work / f"read-{index}.pdf"
            run_folder = work / f"run-{index}"
            run_folder.mkdir()
            already = len(results)

            def counted(done: int, already=already):
                if progress:
                    progress(already + done)

            command = _command(pdf, output, tuple(numbers), languages)
            _run(command, run_folder, len(numbers), counted)
            results.update(_page_results(run_folder, tuple(numbers)))
            outputs.update(dict.fromkeys(numbers, output))
        searchable = folder / "searchable.pdf"
        _put_together(pdf, outputs, searchable)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return EngineResult(results, searchable, time.monotonic() - started)


def _command(pdf: Path, output: Path, pages: tuple[int, ...], languages: str) -> list[str]:
    return [
        settings.ARCHIVE_OCRMYPDF,
        "--language",
        languages,
        "--rotate-pages",
        "--deskew",
        "--skip-text",
        "--pages",
        ",".join(map(str, pages)),
        "--output-type",
        "pdf",
        "--optimize",
        "0",
        "--jobs",
        str(settings.ARCHIVE_OCR_JOBS),
        "--tesseract-timeout",
        str(settings.ARCHIVE_OCR_SECONDS_PER_PAGE),
        "--tesseract-config",
        "tsv",
        "--keep-temporary-files",
        "--quiet",
        str(pdf),
        str(output),
    ]


def _script(pdf: Path, number: int, work: Path) -> str:
    """The page's script as Tesseract's OSD names it ("Latin", "Cyrillic", "Japanese",
    "Han" …), or "" when it cannot tell."""
    preview = work / f"preview-{number}.png"
    render = [
        "gs", "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=pnggray",
        f"-r{PREVIEW_DPI}", f"-dFirstPage={number}", f"-dLastPage={number}",
        "-o", str(preview), str(pdf),
    ]  # fmt: skip
    try:
        subprocess.run(render, capture_output=True, timeout=60, check=True)
        said = subprocess.run(
            ["tesseract", str(preview), "-", "--psm", "0", "-l", "osd"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return ""
    finally:
        preview.unlink(missing_ok=True)
    found = re.search(r"^Script: (\w+)", said, re.MULTILINE)
    return found[1] if found else ""


def _put_together(pdf: Path, outputs: dict[int, Path], destination: Path):
    """One PDF of every page: each read page as its run wrote it (the runs differ only in
    the pages they read), the others as the first run passed them through."""
    readers = {path: PdfReader(path) for path in set(outputs.values())}
    if len(readers) == 1:
        shutil.move(next(iter(readers)), destination)
        return
    first = readers[outputs[min(outputs)]]
    writer = PdfWriter()
    for number in range(1, len(first.pages) + 1):
        reader = readers[outputs[number]] if number in outputs else first
        writer.add_page(reader.pages[number - 1])
    with destination.open("wb") as file:
        writer.write(file)


def _run(command, work: Path, pages: int, progress) -> None:
    # OCRmyPDF writes no debug.log (the turned pages, the failing page) under pytest.
    environment = {k: v for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"}
    environment.update(TMPDIR=str(work), OMP_THREAD_LIMIT="1")
    limit = STARTUP_SECONDS + pages * settings.ARCHIVE_OCR_SECONDS_PER_PAGE
    memory = settings.ARCHIVE_OCR_MEMORY_MB * 1024 * 1024
    with tempfile.TemporaryFile(dir=work) as errors:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=errors,
            env=environment,
            start_new_session=True,  # its children are killed with it
        )
        # Set on the child as soon as it exists; Tesseract and Ghostscript inherit it.
        with contextlib.suppress(ProcessLookupError):  # it may have ended already
            resource.prlimit(process.pid, resource.RLIMIT_AS, (memory, memory))
        deadline = time.monotonic() + limit
        done = 0
        while process.poll() is None:
            if time.monotonic() > deadline:
                _kill(process)
                raise OcrFailed(
                    _("OCR took longer than %(seconds)d seconds and was stopped")
                    % {"seconds": limit}
                )
            time.sleep(POLL_SECONDS)
            now_done = len(list(work.glob("*/*_ocr_tess.tsv")))
            if progress and now_done != done:
                done = now_done
                progress(done)
        errors.seek(0)
        said = errors.read().decode("utf-8", "replace")
    if process.returncode != 0:
        raise _failure(process.returncode, said, work)


def _kill(process: subprocess.Popen):
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _failure(code: int, said: str, work: Path) -> OcrFailed:
    """What went wrong, from OCRmyPDF's exit code, its log and what it wrote last."""
    for log in work.glob("*/debug.log"):
        for line in reversed(log.read_text("utf-8", "replace").splitlines()):
            if found := _PAGE_ERROR.search(line):
                return OcrFailed(found["reason"].strip()[:300], int(found["page"]))
    if code < 0 or code == 137 or "MemoryError" in said or "std::bad_alloc" in said:
        return OcrFailed(
            _("OCR needed more memory than it may use (ARCHIVE_OCR_MEMORY_MB) and was stopped")
        )
    if code == 8:
        return OcrFailed(_("the PDF is encrypted (protected by a password)"))
    last = [line.strip() for line in said.splitlines() if line.strip()]
    reason = last[-1][:300] if last else _("OCRmyPDF stopped (exit code %(code)d)") % {"code": code}
    return OcrFailed(reason)


def _page_results(work: Path, pages: tuple[int, ...]) -> dict[int, PageReading]:
    turned = set()
    for log in work.glob("*/debug.log"):
        for line in log.read_text("utf-8", "replace").splitlines():
            if (found := _FACING.search(line)) and found["what"].startswith("will rotate"):
                turned.add(int(found["page"]))
    results = {}
    for number in pages:
        text_files = list(work.glob(f"*/{number:06d}_ocr_tess.txt"))
        tsv_files = list(work.glob(f"*/{number:06d}_ocr_tess.tsv"))
        text = _cleaned(text_files[0].read_text("utf-8", "replace")) if text_files else ""
        confidence = _confidence(tsv_files[0]) if tsv_files else None
        results[number] = PageReading(
            number, text, confidence, _language(text), turned=number in turned
        )
    return results


def _cleaned(text: str) -> str:
    """Tesseract's page text without the spaces it sometimes sets between Japanese
    characters (Japanese has none between words), and without its closing form feed."""
    lines = [
        _SPACE_BETWEEN_CJK.sub("", line).rstrip() for line in text.replace("\f", "").split("\n")
    ]
    return "\n".join(lines).strip()


def _confidence(tsv: Path) -> float | None:
    """The page's mean word confidence, each word weighing as many characters as it has."""
    total = weight = 0.0
    with tsv.open(encoding="utf-8", errors="replace", newline="") as rows:
        for row in csv.DictReader(rows, delimiter="\t", quoting=csv.QUOTE_NONE):
            word = (row.get("text") or "").strip()
            try:
                confidence = float(row.get("conf") or -1)
            except ValueError:
                continue
            if word and confidence >= 0:
                total += confidence * len(word)
                weight += len(word)
    return round(total / weight, 1) if weight else None


def _language(text: str) -> str | None:
    if len(text.strip()) < 10:
        return None
    code, _score = py3langid.classify(text[:5000])
    return code
