"""Compare the search index with the database; with --fix, repair what differs."""

from django.core.management.base import CommandError
from django.utils.translation import gettext

from archive import search
from archive.management.base import ArchiveCommand


class Command(ArchiveCommand):
    help = (
        "Compare the search index with the database: entries missing from the index, "
        "indexed with stale content, or indexed but no longer published; say where the "
        "index stands in the change log and who holds the index's locks. Exits non-zero "
        "on any difference or a lock whose holder is gone; --fix repairs both (and builds "
        "the index if there is none)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="Repair what differs.")

    def handle(self, *args, fix: bool, **options):
        orphaned = self.report_locks(fix)
        try:
            comparison = search.compare()
        except search.IndexUnavailable as error:
            if not fix:
                raise CommandError(
                    gettext("%(error)s. Run `manage.py check_index --fix` or `rebuild_index`.")
                    % {"error": error}
                ) from None
            self.stdout.write(gettext("%(error)s: rebuilding it.") % {"error": error})
            report = self.rebuild()
            self.stdout.write(
                self.style.SUCCESS(
                    gettext("Built the index: %(count)d entries.") % {"count": report.documents}
                )
            )
            return
        self.report(comparison)
        if comparison.in_agreement:
            if fix and comparison.pending:
                search.catch_up()  # the same content, but its position was behind
            self.stdout.write(self.style.SUCCESS(gettext("The index agrees with the database.")))
        elif not fix:
            raise CommandError(
                gettext("The index differs from the database; run with --fix to repair.")
            )
        else:
            try:
                written = search.repair(comparison)
            except search.IndexTooFarBehind as error:
                self.stdout.write(gettext("%(error)s: rebuilding it.") % {"error": error})
                written = self.rebuild().documents
            after = search.compare()
            if not after.in_agreement:
                self.report(after)
                raise CommandError(gettext("The index still differs after repair."))
            self.stdout.write(
                self.style.SUCCESS(
                    gettext("Repaired: %(count)d entries rewritten.") % {"count": written}
                )
            )
        if orphaned:
            raise CommandError(
                gettext("A lock is held by a process that is gone; run with --fix.")
                if not fix
                else gettext("A lock whose holder is gone could not be cleared.")
            )

    def rebuild(self):
        try:
            return search.rebuild()
        except (search.RebuildInProgress, search.RebuildFailed) as error:
            raise CommandError(f"{error}.") from None

    def report_locks(self, fix: bool) -> bool:
        """Say who holds a lock; with --fix clear those whose holder is gone and remove
        what killed rebuilds left. Returns whether an orphaned lock remains."""
        states = search.index_locks()
        for lock in states:
            if lock.held:
                self.stdout.write(lock.describe())
        if not fix:
            return any(lock.orphaned for lock in states)
        for lock in search.clear_orphaned_locks():
            self.stdout.write(
                self.style.WARNING(
                    gettext("Cleared the %(lock)s (%(path)s).")
                    % {"lock": lock.name, "path": lock.path}
                )
            )
        for path in search.remove_leftovers():
            self.stdout.write(
                gettext("Removed what a stopped rebuild left: %(name)s") % {"name": path.name}
            )
        return any(lock.orphaned for lock in search.index_locks())

    def report(self, comparison):
        for label, ids in (
            (gettext("%(count)d missing from the index: %(ids)s"), comparison.missing),
            (gettext("%(count)d stale in the index: %(ids)s"), comparison.stale),
            (
                gettext(
                    "%(count)d indexed where they no longer belong (deleted, published or "
                    "unpublished since): %(ids)s"
                ),
                comparison.extra,
            ),
        ):
            if ids:
                shown = ", ".join(map(str, ids[:20])) + (" …" if len(ids) > 20 else "")
                self.stdout.write(label % {"count": len(ids), "ids": shown})
        if comparison.drafts_index_missing:
            self.stdout.write(gettext("The index has no drafts index yet."))
        if comparison.pending:
            self.stdout.write(
                gettext("%(count)d queued updates not yet applied.") % {"count": comparison.pending}
            )
        self.report_position()

    def report_position(self):
        """Where this node's index stands in the change log, and how long the oldest
        change it lacks has waited."""
        lag = search.lag()
        if lag.position is None:
            self.stdout.write(gettext("This node's index has not recorded a change log position."))
            return
        self.stdout.write(
            gettext(
                "Change log: this node's index is at position %(position)d of %(head)d "
                "(%(behind)d behind, the oldest waiting %(seconds).1f s)."
            )
            % {
                "position": lag.position,
                "head": lag.head,
                "behind": lag.behind,
                "seconds": lag.seconds,
            }
        )
