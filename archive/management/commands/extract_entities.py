"""Read the people, places and organizations of every entry (or of those given)."""

import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection
from django.utils.translation import gettext, ngettext

from archive.entities import recognizers
from archive.entities.extraction import extract_entities, pending_entries
from archive.models import Entry


class Command(BaseCommand):
    help = (
        "Read the people, places and organizations named in entries and file them under "
        "their entities. Resumable and idempotent: an entry whose text is unchanged since "
        "it was last read is skipped (--force reads it again). Editors' decisions "
        "(merges, splits, rejections, additions and removals) are kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("ids", nargs="*", type=int, help="Only these entries.")
        parser.add_argument("--force", action="store_true", help="Read current entries too.")
        parser.add_argument(
            "--follow",
            action="store_true",
            help=(
                "Keep running: read every entry saved or changed since it was read, every "
                "ARCHIVE_ENTITIES_POLL_SECONDS (production runs this beside the web "
                "workers, which then never load the models)."
            ),
        )

    def handle(self, *args, ids, force, follow, **options):
        if follow:
            return self.follow()
        entries = Entry.objects.all()
        if ids:
            entries = entries.filter(pk__in=ids)
        total = entries.count()
        started = time.monotonic()
        recognizers.load()
        loaded = time.monotonic() - started
        started = time.monotonic()
        show = options["verbosity"] > 0 and sys.stderr.isatty()

        def progress(done, read):
            if show:
                rate = done / max(time.monotonic() - started, 1e-6)
                sys.stderr.write(f"\r{done}/{total} entries, {read} read, {rate:.0f}/s ")
                sys.stderr.flush()

        read = extract_entities(entries, force=force, progress=progress)
        if show:
            sys.stderr.write("\n")
        seconds = time.monotonic() - started
        self.stdout.write(
            gettext(
                "%(total)d entries, %(read)d read (the rest were current) in %(seconds).1f s "
                "(%(rate).1f entries/s; models loaded in %(loaded).1f s)."
            )
            % {
                "total": total,
                "read": read,
                "seconds": seconds,
                "rate": read / seconds if seconds else 0.0,
                "loaded": loaded,
            }
        )

    def follow(self):
        recognizers.load()
        self.stdout.write(gettext("Reading the names of entries as they are saved (Ctrl-C stops)."))
        seconds = settings.ARCHIVE_ENTITIES_POLL_SECONDS
        try:
            while True:
                read = extract_entities(pending_entries())
                if read:
                    line = ngettext("Read %(read)d entry.", "Read %(read)d entries.", read)
                    self.stdout.write(line % {"read": read})
                if not connection.in_atomic_block:
                    close_old_connections()  # a long-lived process: a fresh one when due
                time.sleep(seconds)
        except KeyboardInterrupt:
            return
