"""The change log's tables: the engine's own, registered with the archive app (whose
``models.py`` imports them), so their migrations stay the archive's."""

from django.db import models
from django.utils import timezone


class IndexChange(models.Model):
    """One change that affects search, in the ordered log every node's index follows.

    Written in the same database transaction as the change it stands for (an entry saved,
    published, unpublished or deleted; a topic or source renamed: one row per entry whose
    documents it changes). Its ``position`` is given after the commit by the sequencer
    (``archive/search/sync/change_log.py``), in one transaction at a time, so positions are
    gapless and a change that commits late gets a later position rather than a skipped
    one. Applying a change is idempotent: an index sets the entry's documents to its state
    at that moment (indexed if published, in the drafts index if not, gone if deleted).
    """

    entry_id = models.BigIntegerField()
    position = models.BigIntegerField(null=True, blank=True, unique=True)
    recorded_at = models.DateTimeField(default=timezone.now)
    sequenced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(
                fields=["id"],
                condition=models.Q(position__isnull=True),
                name="index_change_unsequenced",
            )
        ]

    def __str__(self):
        where = f"at {self.position}" if self.position is not None else "not yet sequenced"
        return f"entry {self.entry_id}, {where}"


class IndexLog(models.Model):
    """The change log's one row: the last position given, and how far the log was trimmed.
    Sequencers and trimmers take this row's lock, so they run one at a time."""

    head = models.BigIntegerField(default=0)  # the last position given
    trimmed_through = models.BigIntegerField(default=0)  # positions up to this one are gone

    def __str__(self):
        return f"change log at {self.head} (trimmed through {self.trimmed_through})"
