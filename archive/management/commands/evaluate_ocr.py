"""Measure OCR: the character error rate on pages whose text is known."""

import json as json_module
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError

from archive.capture.ocr import engine
from archive.capture.ocr.evaluation import evaluate, summary
from archive.management.base import ArchiveCommand

DEFAULT_FOLDER = settings.BASE_DIR / "tests" / "data" / "ocr"


class Command(ArchiveCommand):
    help = (
        "Read the OCR test set (pages set from known texts in English, Russian and Japanese, "
        "horizontal and vertical, clean and degraded) as capture reads scans, and print the "
        "character error rate (CER) of each page and by language, layout and condition."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT_FOLDER)
        parser.add_argument("--only", help="Only the files whose name contains this.")
        parser.add_argument("--json", type=Path, default=None, help="Also write the figures.")

    def handle(self, *args, folder: Path, only: str | None, json: Path | None, **options):
        if not (folder / "manifest.json").is_file():
            raise CommandError(f"{folder}: no manifest.json in it.")
        if not engine.available():
            raise CommandError("OCRmyPDF is not installed (see the README).")
        self.stdout.write(engine.version())
        results = evaluate(folder, only)
        self.stdout.write("| file | language | layout | condition | CER | confidence | s/page |")
        self.stdout.write("| --- | --- | --- | --- | --- | --- | --- |")
        for result in results:
            confidence = "" if result.confidence is None else f"{result.confidence:.1f}"
            self.stdout.write(
                f"| {result.file} | {result.language} | {result.layout} | {result.condition} | "
                f"{result.cer:.2%} | {confidence} | {result.seconds / result.pages:.1f} |"
                + (f" failed: {result.failure}" if result.failure else "")
            )
        groups = summary(results)
        self.stdout.write("")
        self.stdout.write("| language | layout | pages | mean CER | s/page |")
        self.stdout.write("| --- | --- | --- | --- | --- |")
        for key, row in groups.items():
            language, layout, kind = key.split("-", 2)
            self.stdout.write(
                f"| {language} | {layout} {kind} | {row['pages']} | {row['cer']:.2%} | "
                f"{row['seconds_per_page']:.1f} |"
            )
        if json:
            report = {
                "engine": engine.version(),
                "languages": settings.ARCHIVE_OCR_LANGUAGES,
                "pages": [result.__dict__ for result in results],
                "summary": groups,
            }
            json.write_text(json_module.dumps(report, indent=1, ensure_ascii=False))
