"""Compare the search index with the database; with --fix, repair what differs."""

from django.core.management.base import BaseCommand, CommandError

from archive import search


class Command(BaseCommand):
    help = (
        "Compare the search index with the database: entries missing from the index, "
        "indexed with stale content, or indexed but no longer published; and say who holds "
        "the index's locks. Exits non-zero on any difference or a lock whose holder is "
        "gone; --fix repairs both (and builds the index if there is none)."
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
                    f"{error}. Run `manage.py check_index --fix` or `rebuild_index`."
                ) from None
            self.stdout.write(f"{error}: rebuilding it.")
            report = self.rebuild()
            self.stdout.write(self.style.SUCCESS(f"Built the index: {report.documents} entries."))
            return
        self.report(comparison)
        if comparison.in_agreement:
            self.stdout.write(self.style.SUCCESS("The index agrees with the database."))
        elif not fix:
            raise CommandError("The index differs from the database; run with --fix to repair.")
        else:
            written = search.repair(comparison)
            after = search.compare()
            if not after.in_agreement:
                self.report(after)
                raise CommandError("The index still differs after repair.")
            self.stdout.write(self.style.SUCCESS(f"Repaired: {written} entries rewritten."))
        if orphaned:
            raise CommandError(
                "A lock is held by a process that is gone; run with --fix."
                if not fix
                else "A lock whose holder is gone could not be cleared."
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
            self.stdout.write(self.style.WARNING(f"Cleared the {lock.name} ({lock.path})."))
        for path in search.remove_leftovers():
            self.stdout.write(f"Removed what a stopped rebuild left: {path.name}")
        return any(lock.orphaned for lock in search.index_locks())

    def report(self, comparison):
        for label, ids in (
            ("missing from the index", comparison.missing),
            ("stale in the index", comparison.stale),
            ("in the index but not published", comparison.extra),
        ):
            if ids:
                shown = ", ".join(map(str, ids[:20])) + (" …" if len(ids) > 20 else "")
                self.stdout.write(f"{len(ids)} {label}: {shown}")
        if comparison.pending:
            self.stdout.write(f"{comparison.pending} queued updates not yet applied.")
