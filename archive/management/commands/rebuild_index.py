"""Rebuild the search index from the database into a new generation, swapped in atomically."""

import contextlib
import os
import signal
import threading

from django.core.management.base import CommandError
from django.utils.translation import gettext

from archive import search
from archive.management.base import ArchiveCommand


class Interrupted(BaseException):
    """A signal asked the command to stop: unwind, so the rebuild cleans up after itself."""


@contextlib.contextmanager
def signals_interrupt():
    """A deploy stopping the command (SIGTERM), a closed terminal (SIGHUP) or Ctrl-C
    unwind the rebuild, which stops its workers and removes its unfinished generation."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(number, frame):
        raise Interrupted(signal.Signals(number).name)

    numbers = (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)
    previous = {number: signal.signal(number, interrupt) for number in numbers}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


class Command(ArchiveCommand):
    help = (
        "Rebuild the search index from the database. Searches keep using the current index "
        "until the new one is complete; a failed or interrupted rebuild leaves it in place."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--processes",
            type=int,
            default=min(2, os.cpu_count() or 1),
            help="Analyse documents in this many processes (default: up to 2).",
        )

    def handle(self, *args, processes: int, **options):
        show_progress = options["verbosity"] > 0

        def progress(done: int, total: int):
            if show_progress:
                self.progress_bar(done, total, "entries")

        try:
            with signals_interrupt():
                report = search.rebuild(progress=progress, processes=max(1, processes))
        except search.RebuildInProgress as error:
            raise CommandError(
                gettext("%(error)s; try again when it has finished.") % {"error": error}
            ) from None
        except search.RebuildFailed as error:
            raise CommandError(
                gettext("%(error)s. The current index is unchanged.") % {"error": error}
            ) from None
        except Interrupted as signal_name:
            raise CommandError(
                gettext("Rebuild stopped by %(signal)s; the current index is unchanged.")
                % {"signal": signal_name}
            ) from None
        self.stdout.write(
            self.style.SUCCESS(
                gettext(
                    "Indexed %(count)d entries in %(seconds).2f s (%(rate)s docs/s); "
                    "index size %(size).1f MiB."
                )
                % {
                    "count": report.documents,
                    "seconds": report.seconds,
                    "rate": f"{report.documents_per_second:,.0f}",
                    "size": report.size_bytes / 1_048_576,
                }
            )
        )
