"""Measure capture's main-text extraction on a benchmark of real pages with known text."""

import json as json_module
from pathlib import Path

from django.core.management.base import CommandError

from archive.capture.evaluation import evaluate
from archive.management.base import ArchiveCommand


class Command(ArchiveCommand):
    help = (
        "Precision, recall and F1 of the main text capture extracts from web pages, on a "
        "folder laid out as the article-extraction benchmark (html/<id>.html.gz and "
        "ground-truth.json): over 4-word shingles (the benchmark's measure) and words, "
        "beside trafilatura.extract with the benchmark's settings."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path)
        parser.add_argument("--json", type=Path, default=None, help="Also write the figures.")

    def handle(self, *args, folder: Path, json: Path | None, **options):
        if not (folder / "ground-truth.json").is_file() or not (folder / "html").is_dir():
            raise CommandError(f"{folder}: no ground-truth.json and html/ folder in it.")
        report = evaluate(folder)
        self.stdout.write(f"{report['pages']} pages; no text found in {report['no_text_found']}")
        self.stdout.write("| extractor | measure | precision | recall | F1 |")
        self.stdout.write("| --- | --- | --- | --- | --- |")
        for name in ("capture", "trafilatura_extract"):
            for measure in ("shingles", "words"):
                row = report[name][measure]
                self.stdout.write(
                    f"| {name} | {measure} | {row['precision']} | {row['recall']} | {row['f1']} |"
                )
        if json:
            json.write_text(json_module.dumps(report, indent=2))
