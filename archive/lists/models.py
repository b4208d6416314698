"""Shared lists: a researcher's list frozen at an unguessable address, each entry at the
version it had when the list was shared. Nothing changes a shared list after it is made."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SharedList(models.Model):
    key = models.CharField(_("key"), max_length=32, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("made"), auto_now_add=True)

    class Meta:
        verbose_name = _("shared list")
        verbose_name_plural = _("shared lists")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("A shared list never changes once it is made.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("A shared list is permanent.")


class SharedListItem(models.Model):
    shared_list = models.ForeignKey(
        SharedList, on_delete=models.CASCADE, related_name="items", verbose_name=_("list")
    )
    position = models.PositiveIntegerField(_("position"))
    # The entry's id is kept even if the entry is deleted one day (it is then withdrawn).
    entry_id_shared = models.PositiveBigIntegerField(_("entry"))
    version = models.ForeignKey(
        "archive.EntryVersion",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("version"),
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("shared list entry")
        verbose_name_plural = _("shared list entries")
        ordering = ["shared_list", "position"]
        constraints = [
            models.UniqueConstraint(fields=["shared_list", "position"], name="shared_list_position")
        ]

    def __str__(self):
        return f"{self.shared_list_id}#{self.position}: entry {self.entry_id_shared}"
