"""Measure what the thesaurus adds: the cross-language judged set, with and without
expansion, in an archive of its own."""

from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from archive.evaluation import crosslanguage
from archive.evaluation.isolation import is_isolated, run_isolated
from archive.thesaurus.services import load_thesaurus_file, seed_thesaurus
from archive.thesaurus.skos import ThesaurusFileError

DEFAULT_SET = settings.BASE_DIR / "tests" / "data" / "crosslanguage"


class Command(BaseCommand):
    help = (
        "Load the cross-language judged set (English, Russian and Japanese documents and "
        "questions) and a thesaurus (the seed's by default) into an archive of its own, "
        "and print recall@10 and nDCG@10 per question language, with and without expansion."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(DEFAULT_SET))
        parser.add_argument(
            "--thesaurus",
            default=str(seed_thesaurus()),
            help="a SKOS file (default: the seed thesaurus)",
        )

    def handle(self, *args, path, thesaurus, **options):
        try:
            judged = crosslanguage.load(path)
        except crosslanguage.JudgedSetError as error:
            raise CommandError(str(error)) from None
        if not is_isolated():
            arguments = [str(Path(path).resolve()), "--thesaurus", str(Path(thesaurus).resolve())]
            arguments += ["--verbosity", str(options["verbosity"])]
            if run_isolated("evaluate_thesaurus", arguments, self.stdout):
                raise CommandError("The evaluation failed.")
            return
        call_command("migrate", verbosity=0)
        try:
            load_thesaurus_file(Path(thesaurus))
        except ThesaurusFileError as error:
            raise CommandError(f"{thesaurus}: {error}") from None
        count = crosslanguage.load_documents(judged)
        self.stdout.write(f"{count} documents, {len(judged.questions)} questions.")
        self.stdout.write(
            f"\n{'questions in':14} {'expansion':>10} {'recall@10':>10} {'nDCG@10':>8}"
        )
        lines = []

        def each(question, recall, ndcg):
            lines.append(f"  {question.need} {question.language} {recall:5.0%} {question.text}")

        for expand in (False, True):
            lines.append(f"expansion {'on' if expand else 'off'}: need, language, recall@10")
            figures = crosslanguage.measure(judged, expand=expand, each=each)
            for language, row in figures.items():
                self.stdout.write(
                    f"{language:14} {'on' if expand else 'off':>10} "
                    f"{row.recall:10.1%} {row.ndcg:8.3f}"
                )
        if options["verbosity"] > 1:
            self.stdout.write("\n" + "\n".join(lines))
