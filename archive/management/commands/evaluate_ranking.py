"""Measure the search's ranking on judged test collections, beside SQLite FTS5 BM25."""

import json
import statistics
import tempfile
from dataclasses import replace
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from archive.evaluation import run, smart
from archive.evaluation.isolation import is_isolated, isolated_folder, run_isolated

MEASURES = (("ndcg@10", "nDCG@10"), ("map", "MAP"), ("p@10", "P@10"))


class Command(BaseCommand):
    help = (
        "Load a test collection in SMART format (a folder with *.ALL, *.QRY and *.REL, as "
        "CISI or CACM) into an archive of its own (its own database and index, never this "
        "one), ask every judged question through the search, and print nDCG@10, MAP, P@10 "
        "and the share of questions without results, beside SQLite FTS5 BM25 (OR). With "
        "--all, several collections one after the other, and their mean."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="the collection's folder")
        parser.add_argument(
            "--all", nargs="+", metavar="DIR", default=[], help="evaluate several collections"
        )
        parser.add_argument("--save", metavar="FILE", help="write this run's figures as JSON")
        parser.add_argument(
            "--compare", metavar="FILE", help="list questions better or worse than a saved run"
        )
        parser.add_argument(
            "--questions", type=int, default=0, help="only the first N judged questions"
        )

    def handle(self, *args, path, all, save, compare, questions, **options):
        if bool(path) == bool(all):
            raise CommandError("Give one collection's folder, or --all and several folders.")
        if all:
            if compare:
                raise CommandError("--compare takes one collection's saved run, not --all.")
            self.evaluate_all(all, save, questions)
            return
        collection = self.load(path)
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
        self.evaluate(collection, save, compare, questions)

    def load(self, path) -> smart.Collection:
        try:
            return smart.load(path)
        except (smart.CollectionError, OSError) as error:
            raise CommandError(str(error)) from None

    def evaluate(self, collection, save, compare, questions):
        if questions:
            collection = replace(collection, questions=collection.judged_questions[:questions])
        call_command("migrate", verbosity=0)
        count = run.load_collection(collection)
        self.stdout.write(
            f"{collection.name}: {count} documents, "
            f"{len(collection.judged_questions)} judged questions."
        )
        for line in (*collection.notes, *collection.skipped):
            self.stdout.write(f"  {line}")
        ours = run.run_archive(collection)
        fts5 = run.run_fts5(collection, isolated_folder())
        self.table(ours, fts5)
        if compare:
            self.compare(ours, compare)
        if save:
            figures = {**ours.as_json(), "collection": collection.name, "fts5": fts5.as_json()}
            Path(save).write_text(json.dumps(figures, indent=2))
            self.stdout.write(f"Saved this run's figures to {save}.")

    def evaluate_all(self, folders, save, questions):
        for folder in folders:
            self.load(folder)  # every folder readable before the first is measured
        runs = []
        with tempfile.TemporaryDirectory(prefix="rjarchive-evaluations-") as saved:
            for number, folder in enumerate(folders):
                figures = Path(saved) / f"{number}.json"
                arguments = [str(Path(folder).resolve()), "--save", str(figures)]
                if questions:
                    arguments += ["--questions", str(questions)]
                if run_isolated("evaluate_ranking", arguments, self.stdout):
                    raise CommandError(f"The evaluation of {folder} failed.")
                self.stdout.write("")
                runs.append(json.loads(figures.read_text()))
        self.summary(runs)
        if save:
            Path(save).write_text(json.dumps({"collections": runs}, indent=2))
            self.stdout.write(f"Saved this run's figures to {save}.")

    def summary(self, runs):
        """Each collection's figures and FTS5's, and their means over the collections."""
        header = f"{'collection':14} {'ranking':12}" + "".join(f" {m:>8}" for _, m in MEASURES)
        self.stdout.write(f"All collections\n{header} {'no result':>10}")
        rows = [(r["collection"], name, f) for r in runs for name, f in self._rankings(r)]
        for collection, name, figures in rows:
            self._row(collection, name, figures)
        for name in ("RJ Archive", "FTS5"):
            mine = [figures for _, ranking, figures in rows if ranking == name]
            mean = {
                key: statistics.fmean(f[key] for f in mine)
                for key in (*(key for key, _ in MEASURES), "without_results")
            }
            self._row("mean", name, mean)

    @staticmethod
    def _rankings(saved):
        return (("RJ Archive", saved), ("FTS5", saved["fts5"]))

    def _row(self, collection, name, figures):
        measures = "".join(f" {figures[key]:8.3f}" for key, _ in MEASURES)
        self.stdout.write(f"{collection:14} {name:12}{measures} {figures['without_results']:9.0%}")

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
