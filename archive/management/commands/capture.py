"""Draft entries from many files: saved pages, PDFs and texts, each kept as the entry's
original. Idempotent: a file already captured is reported with its entry, not captured
again."""

import sys
from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext

from archive.capture.services import CaptureFailed, capture
from archive.capture.web.capturing import capture_address
from archive.management.base import ArchiveCommand


def is_address(name: str) -> bool:
    return name.lower().startswith(("http://", "https://"))


def files_in(paths: list[str]) -> list[Path]:
    """The files named, and every file under the folders named, in a stable order
    (hidden files and folders left out)."""
    found = []
    for name in paths:
        path = Path(name)
        if is_address(name):
            found.append(name)
        elif path.is_dir():
            found += sorted(
                item
                for item in path.rglob("*")
                if item.is_file()
                and not any(part.startswith(".") for part in item.relative_to(path).parts)
            )
        elif path.is_file():
            found.append(path)
        else:
            raise CommandError(gettext("%(path)s: no such file or folder") % {"path": name})
    return found


class Command(ArchiveCommand):
    help = (
        "Make draft entries from files (web pages saved by a browser, PDFs, plain texts, "
        "scans as PDFs or images, read by OCR) or every file in folders, keeping each file as "
        "its entry's original. A file already captured is not captured again. --dry-run says "
        "what would be done."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="Files, folders or http(s) addresses.")
        parser.add_argument(
            "--ignore-robots",
            action="store_true",
            help="Capture addresses even where the site's robots.txt asks archives not to.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Extract and report; change nothing."
        )

    def handle(self, *args, paths: list[str], dry_run: bool, ignore_robots: bool, **options):
        files = files_in(paths)
        show_progress = options["verbosity"] > 0 and sys.stdout.isatty()
        made = already = failed = 0
        for number, path in enumerate(files, start=1):
            if show_progress:
                self.progress_bar(number - 1, len(files))

            def reading_pages(done, path=path):
                if show_progress:
                    self.stdout.write(
                        "\r\033[K"
                        + gettext("%(path)s: OCR has read %(done)d pages")
                        % {"path": path, "done": done},
                        ending="",
                    )

            try:
                if isinstance(path, str):  # an address: fetched, kept as a WACZ
                    result = capture_address(path, ignore_robots=ignore_robots, dry_run=dry_run)
                else:
                    with path.open("rb") as stream:
                        result = capture(
                            stream,
                            path.name,
                            dry_run=dry_run,
                            read_now=True,
                            progress=reading_pages,
                        )
            except CaptureFailed as failure:
                failed += 1
                self.stderr.write(f"{path}: {failure.reason}")
                continue
            except OSError as error:
                failed += 1
                self.stderr.write(f"{path}: {error.strerror or error}")
                continue
            if result.already is not None:
                already += 1
                line = gettext("%(path)s: already captured as entry #%(id)d") % {
                    "path": path,
                    "id": result.already.pk,
                }
            elif dry_run and result.scan is not None:
                made += 1
                line = gettext(
                    "%(path)s: would read %(pages)d of its %(total)d pages by OCR, and make a draft"
                ) % {"path": path, "pages": len(result.scan.to_read), "total": result.scan.pages}
            elif dry_run:
                made += 1
                line = gettext("%(path)s: would make a draft “%(title)s” (%(words)d words)") % {
                    "path": path,
                    "title": result.extraction.title.value if result.extraction.title else "",
                    "words": len(result.extraction.text.split()),
                }
            else:
                made += 1
                line = gettext("%(path)s: draft entry #%(id)d “%(title)s”") % {
                    "path": path,
                    "id": result.entry.pk,
                    "title": result.entry.title,
                }
                if result.resources or result.left_out:
                    line += " " + gettext(
                        "(a WACZ of the page and %(fetched)d resources; %(left)d left out)"
                    ) % {"fetched": result.resources, "left": len(result.left_out)}
                reading = result.entry.originals.get().latest_reading
                if reading is not None:
                    line += " " + gettext("(%(pages)d pages read by OCR)") % {
                        "pages": reading.pages_done
                    }
                    if reading.pages_to_proofread:
                        line += " " + gettext("(proofread pages %(pages)s)") % {
                            "pages": ", ".join(map(str, reading.pages_to_proofread))
                        }
            for duplicate in result.same_text:
                line += " " + gettext("(the same text or address as entry #%(id)d)") % {
                    "id": duplicate.pk
                }
            if show_progress:
                self.stdout.write("\r\033[K", ending="")
            self.stdout.write(line)
        if show_progress:
            self.progress_bar(len(files), len(files))
        summary = (
            gettext("Would make %(made)d, already captured %(already)d, failed %(failed)d.")
            if dry_run
            else gettext("Made %(made)d, already captured %(already)d, failed %(failed)d.")
        )
        self.stdout.write(summary % {"made": made, "already": already, "failed": failed})
        if failed:
            raise CommandError(
                gettext("%(count)d files could not be captured (see above).") % {"count": failed}
            )
