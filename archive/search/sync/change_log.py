"""The ordered log of changes that every node's index follows (PostgreSQL or SQLite).

A change that affects search appends ``IndexChange`` rows (one per entry) in the caller's
transaction, without a position. After the commit, ``sequence`` gives the committed rows
their positions: it takes the ``IndexLog`` row's lock, numbers every row still without
one from ``head + 1`` in the order they were recorded, moves ``head`` and commits, all in
one transaction. Positions are therefore gapless and only ever given to committed rows;
a transaction that commits late (say, held open while later ones committed) has its rows
numbered after theirs by the next sequencing, so a node that has applied up to some
position never skips a change.

Anything may sequence: the process that committed (right after its commit), any node
that polls or is notified, ``check_index``. On PostgreSQL the sequencing transaction also
sends ``NOTIFY`` on ``CHANNEL`` (delivered when it commits), which is how other nodes
learn of new changes within milliseconds (``following.py``).
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, F, Min
from django.utils import timezone

from archive.search.sync.models import IndexChange, IndexLog

CHANNEL = "archive_index_changes"  # PostgreSQL's notification channel
LOG_ROW = 1  # the primary key of IndexLog's one row


def record(entry_ids: Iterable[int]) -> bool:
    """Append a change for each entry, in the caller's transaction; False when none."""
    ids = sorted({int(entry_id) for entry_id in entry_ids if entry_id is not None})
    if ids:
        now = timezone.now()
        IndexChange.objects.bulk_create(IndexChange(entry_id=i, recorded_at=now) for i in ids)
    return bool(ids)


def _log_row_locked() -> IndexLog:
    """The log's row, locked until the transaction ends (an UPDATE takes the row's lock on
    PostgreSQL and the database's write lock on SQLite, whoever asks first waiting)."""
    if not IndexLog.objects.filter(pk=LOG_ROW).update(head=F("head")):
        IndexLog.objects.create(pk=LOG_ROW)
        IndexLog.objects.filter(pk=LOG_ROW).update(head=F("head"))
    return IndexLog.objects.get(pk=LOG_ROW)


_NUMBER_UNSEQUENCED = """
UPDATE archive_indexchange SET position = %s + numbered.rank, sequenced_at = %s
FROM (
    SELECT id, row_number() OVER (ORDER BY id) AS rank
    FROM archive_indexchange WHERE position IS NULL
) AS numbered
WHERE archive_indexchange.id = numbered.id
"""


def has_unsequenced() -> bool:
    return IndexChange.objects.filter(position__isnull=True).exists()


def sequence() -> int:
    """Give every committed change without a position the next ones; returns the head."""
    with transaction.atomic():
        log = _log_row_locked()
        with connection.cursor() as cursor:
            cursor.execute(_NUMBER_UNSEQUENCED, [log.head, timezone.now()])
            numbered = max(cursor.rowcount, 0)
        if not numbered:
            return log.head
        log.head += numbered
        IndexLog.objects.filter(pk=LOG_ROW).update(head=log.head)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_notify(%s, %s)", [CHANNEL, str(log.head)])
        return log.head


@dataclass(frozen=True)
class LogState:
    head: int  # the last position given
    trimmed_through: int  # changes up to this position are no longer in the log


def state() -> LogState:
    log = IndexLog.objects.filter(pk=LOG_ROW).values("head", "trimmed_through").first()
    log = log or {"head": 0, "trimmed_through": 0}
    return LogState(log["head"], log["trimmed_through"])


def unsequenced_count() -> int:
    """Committed changes waiting for a position (what a node's lag counts besides)."""
    return IndexChange.objects.filter(position__isnull=True).count()


def glance() -> tuple[int, bool]:
    """The head, and whether committed changes wait for a position, in one query (what
    each search asks)."""
    waiting = IndexChange.objects.filter(position__isnull=True)
    found = (
        IndexLog.objects.filter(pk=LOG_ROW)
        .annotate(waiting=Exists(waiting))
        .values_list("head", "waiting")
        .first()
    )
    return found if found is not None else (0, waiting.exists())


def head() -> int:
    return IndexLog.objects.filter(pk=LOG_ROW).values_list("head", flat=True).first() or 0


def changes_after(position: int, limit: int) -> list[tuple[int, int]]:
    """(position, entry id) of the next ``limit`` changes after ``position``, in order."""
    return list(
        IndexChange.objects.filter(position__gt=position)
        .order_by("position")
        .values_list("position", "entry_id")[:limit]
    )


def oldest_waiting_since(position: int) -> datetime.datetime | None:
    """When the oldest change not applied at ``position`` was recorded (sequenced or not);
    None when there is none."""
    sequenced = (
        IndexChange.objects.filter(position__gt=position)
        .order_by("position")
        .values_list("recorded_at", flat=True)
        .first()
    )
    unsequenced = IndexChange.objects.filter(position__isnull=True).aggregate(
        oldest=Min("recorded_at")
    )["oldest"]
    found = [moment for moment in (sequenced, unsequenced) if moment is not None]
    return min(found) if found else None


def trim(now: datetime.datetime | None = None) -> int:
    """Delete changes older than ``ARCHIVE_CHANGE_LOG_KEEP_DAYS`` or beyond the last
    ``ARCHIVE_CHANGE_LOG_KEEP_CHANGES``; returns the position trimmed through. A node
    whose index is behind that position rebuilds (see ``following.py``)."""
    now = now or timezone.now()
    with transaction.atomic():
        log = _log_row_locked()
        through = max(log.head - settings.ARCHIVE_CHANGE_LOG_KEEP_CHANGES, 0)
        cutoff = now - datetime.timedelta(days=settings.ARCHIVE_CHANGE_LOG_KEEP_DAYS)
        aged = (
            IndexChange.objects.filter(position__isnull=False, sequenced_at__lt=cutoff)
            .order_by("-position")
            .values_list("position", flat=True)
            .first()
        )
        through = max(through, aged or 0, log.trimmed_through)
        if through > log.trimmed_through:
            IndexChange.objects.filter(position__lte=through).delete()
            IndexLog.objects.filter(pk=LOG_ROW).update(trimmed_through=through)
        return through
