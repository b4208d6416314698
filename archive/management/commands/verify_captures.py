"""Re-hash every stored capture (``--all``: every stored original) and report any that
changed or went missing; the exit status is 1 when one did (for cron and monitoring)."""

import json

from django.core.management.base import CommandError
from django.utils.translation import gettext, ngettext

from archive.capture.verification import CHANGED, MISSING, OK, captures, verify
from archive.management.base import ArchiveCommand


class Command(ArchiveCommand):
    help = (
        "Read every stored web capture (WACZ, WARC) back and compare its SHA-256 with the "
        "one it was stored under; report those that changed or are missing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--all", action="store_true", help="Every stored original, not only captures."
        )
        parser.add_argument("--json", action="store_true", help="One JSON object a file.")

    def handle(self, *args, **options):
        files = captures(everything=options["all"])
        total = files.count()
        counts = {OK: 0, CHANGED: 0, MISSING: 0}
        for done, verdict in enumerate(verify(files.iterator()), start=1):
            counts[verdict.state] += 1
            if options["json"]:
                self.stdout.write(
                    json.dumps(
                        {
                            "sha256": verdict.file.sha256,
                            "state": verdict.state,
                            "found": verdict.found or None,
                            "entries": list(verdict.entries),
                        }
                    )
                )
            elif verdict.state != OK:
                self.stdout.write(self._problem(verdict))
            elif options["verbosity"] > 1:
                self.stdout.write(f"{verdict.file.sha256}: " + gettext("unchanged"))
            if not options["json"] and options["verbosity"] > 0 and total > 50:
                self.progress_bar(done, total, gettext("files"))
        if not options["json"]:
            self.stdout.write(
                ngettext(
                    "%(total)d file verified: %(ok)d unchanged, %(changed)d changed, "
                    "%(missing)d missing.",
                    "%(total)d files verified: %(ok)d unchanged, %(changed)d changed, "
                    "%(missing)d missing.",
                    total,
                )
                % {
                    "total": total,
                    "ok": counts[OK],
                    "changed": counts[CHANGED],
                    "missing": counts[MISSING],
                }
            )
        if counts[CHANGED] or counts[MISSING]:
            wrong = counts[CHANGED] + counts[MISSING]
            raise CommandError(
                ngettext(
                    "%(count)d stored file is not as it was stored.",
                    "%(count)d stored files are not as they were stored.",
                    wrong,
                )
                % {"count": wrong}
            )

    def _problem(self, verdict) -> str:
        entries = ", ".join(f"#{entry}" for entry in verdict.entries) or "-"
        if verdict.state == MISSING:
            return gettext("MISSING %(sha)s (entries %(entries)s): the stored file is gone.") % {
                "sha": verdict.file.sha256,
                "entries": entries,
            }
        return gettext(
            "CHANGED %(sha)s (entries %(entries)s): its content now hashes to %(found)s."
        ) % {"sha": verdict.file.sha256, "entries": entries, "found": verdict.found}
