"""Measure the extraction of people, places and organizations on the entities judged set,
in an archive of its own."""

from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from archive.evaluation import entities
from archive.evaluation.isolation import is_isolated, run_isolated

DEFAULT_SET = settings.BASE_DIR / "tests" / "data" / "entities"


class Command(BaseCommand):
    help = (
        "Extract the names of the entities judged set (short documents in English, "
        "Russian and Japanese, every mention labelled) in an archive of its own, with the "
        "seed thesaurus as the gazetteer, and print precision, recall and F1 per language "
        "and kind, and how many of each person's forms were filed under one entity."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(DEFAULT_SET))
        parser.add_argument("--show", action="store_true", help="List misses and strays.")

    def handle(self, *args, path, show, **options):
        try:
            documents = entities.load(path)
        except entities.EntitiesSetError as error:
            raise CommandError(str(error)) from None
        if not is_isolated():
            arguments = [str(Path(path).resolve()), "--verbosity", str(options["verbosity"])]
            if show:
                arguments.append("--show")
            if run_isolated("evaluate_entities", arguments, self.stdout):
                raise CommandError("The evaluation failed.")
            return
        call_command("migrate", verbosity=0)
        entities.with_seed_gazetteer()
        self.stdout.write(f"{len(documents)} documents.")
        scores = entities.evaluate(documents)
        entities.report(scores, self.stdout.write)
        if show:
            self.stdout.write("Missed:\n" + "\n".join(scores.misses))
            self.stdout.write("Found but not labelled so:\n" + "\n".join(scores.strays))
