"""Measure the search's ranking on a judged test collection, beside SQLite FTS5 BM25."""

import json
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from archive.evaluation import run, smart
from archive.evaluation.isolation import is_isolated, isolated_folder, run_isolated


class Command(BaseCommand):
    help = (
        "Load a test collection in SMART format (a folder with *.ALL, *.QRY and *.REL, as "
        "CISI) into an archive of its own (its own database and index, never this one), "
        "ask every judged question through the search, and print nDCG@10, MAP, P@10 and "
        "the share of questions without results, beside SQLite FTS5 BM25 (OR)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the collection's folder")
        parser.add_argument("--save", metavar="FILE", help="write this run's figures as JSON")
        parser.add_argument(
            "--compare", metavar="FILE", help="list questions better or worse than a saved run"
        )
        parser.add_argument(
            "--questions", type=int, default=0, help="only the first N judged questions"
        )

    def handle(self, *args, path, save, compare, questions, **options):
        try:
            collection = smart.load(path)
        except (smart.CollectionError, OSError) as error:
            raise CommandError(str(error)) from None
        if not is_isolated():
            arguments = [str(Path(path).resolve())]
            for flag, value in (("--save", save), ("--compare", compare)):
                if value:
                    arguments += [flag, str(Path(value).resolve())]
            if questions:
                arguments += ["--questions", str(questions)]
            if run_isolated("evaluate_ranking", arguments, self.stdout):
                raise CommandError("The evaluation failed.")
            return
        if questions:
            judged = collection.judged_questions[:questions]
            collection = smart.Collection(
                collection.name, collection.documents, judged, collection.relevant
            )
        call_command("migrate", verbosity=0)
        count = run.load_collection(collection)
        self.stdout.write(
            f"{collection.name}: {count} documents, "
            f"{len(collection.judged_questions)} judged questions."
        )
        ours = run.run_archive(collection)
        fts5 = run.run_fts5(collection, isolated_folder())
        self.table(ours, fts5)
        if compare:
            self.compare(ours, compare)
        if save:
            Path(save).write_text(json.dumps(ours.as_json(), indent=2))
            self.stdout.write(f"Saved this run's figures to {save}.")

    def table(self, ours, fts5):
        self.stdout.write(
            f"\n{'ranking':40} {'nDCG@10':>8} {'MAP':>7} {'P@10':>7} {'no result':>10} "
            f"{'p95 ms':>7}"
        )
        for figures in (ours, fts5):
            self.stdout.write(
                f"{figures.name:40} {figures.ndcg:8.3f} {figures.map:7.3f} "
                f"{figures.precision:7.3f} {figures.without_results:9.0%} "
                f"{figures.p95_milliseconds:7.1f}"
            )

    def compare(self, ours, path):
        try:
            saved = json.loads(Path(path).read_text())
        except (OSError, ValueError) as error:
            raise CommandError(f"{path}: not a saved run ({error})") from None
        changes = run.compare(ours, saved)
        self.stdout.write(
            f"\nAgainst {path} (nDCG@10 {saved.get('ndcg@10', 0):.3f} → {ours.ndcg:.3f}): "
            f"{sum(1 for _, a, b in changes if b > a)} questions better, "
            f"{sum(1 for _, a, b in changes if b < a)} worse (by more than 0.05)."
        )
        for number, before, after in changes:
            self.stdout.write(f"  question {number}: {before:.3f} → {after:.3f}")
