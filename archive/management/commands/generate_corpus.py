"""Fill the database with a deterministic synthetic corpus, or remove it."""

from django.core.management.base import BaseCommand, CommandError

from archive.benchmark import corpus


class Command(BaseCommand):
    help = (
        "Add N synthetic entries (English, Russian, Japanese; deterministic for a seed) for "
        "benchmarks, or remove every generated entry with --remove. Refuses to mix them "
        "with real entries unless --force. Rebuild the index afterwards."
    )

    def add_arguments(self, parser):
        parser.add_argument("--entries", type=int, default=1000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--force", action="store_true", help="Even beside real entries.")
        parser.add_argument("--remove", action="store_true", help="Remove generated entries.")

    def handle(self, *args, entries, seed, force, remove, **options):
        if remove:
            removed = corpus.remove_generated()
            self.stdout.write(self.style.SUCCESS(f"Removed {removed} generated entries."))
            self.stdout.write("Run `manage.py rebuild_index` to bring the index up to date.")
            return
        if entries < 1:
            raise CommandError("--entries must be at least 1.")
        if corpus.real_entries_exist() and not force:
            raise CommandError(
                "This database holds real (not generated) entries; use a separate database "
                "(DATABASE_URL) for benchmarks, or pass --force."
            )

        def progress(done, total):
            self.stdout.write(f"\r{done}/{total} entries", ending="" if done < total else "\n")

        added = corpus.generate(entries, seed, progress=progress if options["verbosity"] else None)
        self.stdout.write(self.style.SUCCESS(f"Added {added} generated entries (seed {seed})."))
        self.stdout.write("Run `manage.py rebuild_index` to index them.")
