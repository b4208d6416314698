"""Measure search at scale against SQLite FTS5 in the same run; print a table, write JSON."""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test import override_settings

from archive.benchmark import corpus
from archive.benchmark.run import run, table


class Command(BaseCommand):
    help = (
        "Benchmark search on a generated corpus (created if missing) beside SQLite FTS5: "
        "rebuild speed, query latency for four kinds of work, HTTP, save-to-searchable "
        "latency and memory. Use a separate database: DATABASE_URL=sqlite:///var/bench.sqlite3."
    )

    def add_arguments(self, parser):
        parser.add_argument("--entries", type=int, default=100_000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--queries", type=int, default=300)
        parser.add_argument("--json", type=Path, default=None, help="default: var/bench.json")
        parser.add_argument("--force", action="store_true", help="Even beside real entries.")

    def handle(self, *args, entries, seed, queries, json: Path | None, force, **options):
        if corpus.real_entries_exist() and not force:
            raise CommandError(
                "This database holds real entries; benchmark a separate database "
                "(DATABASE_URL=sqlite:///var/bench.sqlite3 ARCHIVE_INDEX_DIR=var/bench-index) "
                "or pass --force."
            )
        work = Path(settings.DATA_DIR) / "bench"
        # The bench measures searching: per-client rate limits would answer its HTTP
        # requests (all from one address) with 429s.
        with override_settings(ARCHIVE_RATE_LIMITS={}):
            report = run(
                entries, seed, queries, work, progress=lambda text: self.stderr.write(text)
            )
        self.stdout.write(table(report))
        destination = json or Path(settings.DATA_DIR) / "bench.json"
        destination.write_text(_json_dump(report))
        self.stdout.write(f"\nFigures written to {destination}")


def _json_dump(report) -> str:
    return json.dumps(report, indent=2, ensure_ascii=False)
