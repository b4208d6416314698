"""Measure name matching across scripts on the names judged set, with and without it, in
an archive of its own."""

from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from archive.evaluation import names
from archive.evaluation.isolation import is_isolated, run_isolated

DEFAULT_SET = settings.BASE_DIR / "tests" / "data" / "names"


class Command(BaseCommand):
    help = (
        "Load the names judged set (each name in English, Russian and Japanese test "
        "documents) into an archive of its own and print, per pair of scripts, recall@10 "
        "and precision@10 with name matching and without it."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(DEFAULT_SET))

    def handle(self, *args, path, **options):
        try:
            judged = names.load(path)
        except names.NamesSetError as error:
            raise CommandError(str(error)) from None
        if not is_isolated():
            arguments = [str(Path(path).resolve()), "--verbosity", str(options["verbosity"])]
            if run_isolated("evaluate_names", arguments, self.stdout):
                raise CommandError("The evaluation failed.")
            return
        call_command("migrate", verbosity=0)
        count = names.load_documents(judged)
        self.stdout.write(f"{len(judged)} names, {count} documents.")
        misses, strays = [], []

        def each(query, ranked):
            missed = sorted(
                d for d in query.relevant if not d.endswith(query.script) and d not in ranked
            )
            if missed:
                misses.append(f"  {query.script} {query.text}: {', '.join(missed)}")
            wrong = [document for document in ranked if document not in query.relevant]
            if wrong:
                strays.append(f"  {query.script} {query.text}: {', '.join(wrong)}")

        without = names.measure(judged, names_matched=False)
        with_names = names.measure(judged, names_matched=True, each=each)
        self.stdout.write(
            f"\n{'scripts':10} {'queries':>8} {'recall@10':>10} {'(without)':>10} "
            f"{'precision@10':>13} {'(without)':>10}"
        )
        for pair, figures in sorted(with_names.items()):
            before = without[pair]
            self.stdout.write(
                f"{pair[0]}→{pair[1]:7} {figures.queries:8} {figures.recall:10.1%} "
                f"{before.recall:10.1%} {figures.precision:13.1%} {before.precision:10.1%}"
            )
        if options["verbosity"] > 1 and misses:
            self.stdout.write("\nOther scripts' documents a query did not find in its first ten:")
            self.stdout.write("\n".join(misses))
        if options["verbosity"] > 1 and strays:
            self.stdout.write("\nQueries whose first ten hold other names' documents:")
            self.stdout.write("\n".join(strays))
