"""Read scans by OCR: the readings waiting, some entries' scans again, or (``--follow``)
every reading as it is queued, beside the web workers."""

import time

from django.conf import settings
from django.core.management.base import CommandError
from django.db import close_old_connections, transaction
from django.utils.translation import gettext

from archive.capture.detection import IMAGES, PDF
from archive.capture.models import EntryOriginal, OcrReading
from archive.capture.ocr import engine, readings
from archive.management.base import ArchiveCommand


class Command(ArchiveCommand):
    help = (
        "Do the OCR readings waiting (scans captured in the admin), or read the scans of "
        "the entries given again (--again). --follow keeps running and reads each scan as "
        "it is queued (production runs it beside the web workers)."
    )

    def add_arguments(self, parser):
        parser.add_argument("ids", nargs="*", type=int, help="Entries whose scans to read again.")
        parser.add_argument("--again", action="store_true", help="Read the entries' scans again.")
        parser.add_argument("--follow", action="store_true", help="Keep running.")

    def handle(self, *args, ids: list[int], again: bool, follow: bool, **options):
        if not engine.available():
            raise CommandError(gettext("OCRmyPDF is not installed (see the README)."))
        interrupted = readings.resume_interrupted()
        if interrupted:
            self.stdout.write(
                gettext("%(count)d interrupted readings queued again.") % {"count": interrupted}
            )
        if again:
            if not ids:
                raise CommandError(gettext("--again needs the entries' ids."))
            links = EntryOriginal.objects.filter(
                entry_id__in=ids, file__content_type__in=(PDF, *IMAGES)
            ).select_related("entry", "file")
            for link in links:
                with transaction.atomic():
                    readings.read_again(link, dispatch=False)
        if follow:
            self.stdout.write(gettext("Reading scans as they are queued (Ctrl-C stops)."))
            try:
                while True:
                    close_old_connections()
                    self.read_waiting()
                    time.sleep(settings.ARCHIVE_OCR_POLL_SECONDS)
            except KeyboardInterrupt:
                return
        self.read_waiting()

    def read_waiting(self):
        for reading_id in readings.pending():
            reading = readings.perform(reading_id)
            if reading is None:
                continue
            if reading.state == OcrReading.State.DONE:
                line = gettext(
                    "%(name)s (entry #%(entry)d): %(pages)d pages read in %(seconds).1f s"
                ) % {
                    "name": reading.original.filename,
                    "entry": reading.original.entry_id,
                    "pages": reading.pages_done,
                    "seconds": reading.seconds or 0,
                }
                low = reading.pages_to_proofread
                if low:
                    line += " " + gettext("(proofread pages %(pages)s)") % {
                        "pages": ", ".join(map(str, low))
                    }
                self.stdout.write(line)
            else:
                self.stderr.write(
                    gettext("%(name)s (entry #%(entry)d): %(failure)s")
                    % {
                        "name": reading.original.filename,
                        "entry": reading.original.entry_id,
                        "failure": reading.failure,
                    }
                )
