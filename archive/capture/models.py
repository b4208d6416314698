"""Original files kept with entries: each stored once, by its SHA-256, and linked to any
number of entries."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from archive.capture import said
from archive.dates import InvalidPartialDate, PartialDate


class OriginalFile(models.Model):
    """A file as received (a saved page, a PDF, a text, an image of a scan), stored under
    its SHA-256 in the originals storage. Its type is read from its content."""

    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True, editable=False)
    size = models.PositiveBigIntegerField(_("size in bytes"), editable=False)
    content_type = models.CharField(_("content type"), max_length=100, editable=False)
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("original file")
        verbose_name_plural = _("original files")

    def __str__(self):
        return f"{self.sha256[:12]}… ({self.content_type})"

    @property
    def storage_name(self) -> str:
        return storage_name(self.sha256)


def storage_name(sha256: str) -> str:
    """Where a file with this digest lives in the originals storage."""
    return f"originals/{sha256[:2]}/{sha256[2:4]}/{sha256}"


class EntryOriginal(models.Model):
    """An entry's original: which file, under which name it came, whether readers may
    download it, and what was extracted from it (the report editors see)."""

    entry = models.ForeignKey(
        "archive.Entry", on_delete=models.CASCADE, related_name="originals", verbose_name=_("entry")
    )
    file = models.ForeignKey(
        OriginalFile, on_delete=models.PROTECT, related_name="links", verbose_name=_("file")
    )
    filename = models.CharField(_("file name"), max_length=255)
    public = models.BooleanField(
        _("downloadable by readers"),
        default=False,
        help_text=_("Offer the original for download on the entry's public page."),
    )
    extraction = models.JSONField(_("extraction report"), default=dict, blank=True)
    added_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("original")
        verbose_name_plural = _("originals")
        ordering = ["added_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "file"], name="entry_original_once"),
        ]

    def __str__(self):
        return self.filename

    def report_rows(self) -> list[tuple[str, str, str]]:
        """The extraction report as (field, value as shown, where it came from)."""
        rows = []
        for name, found in (self.extraction.get("fields") or {}).items():
            value = found.get("value")
            if name == "date" and isinstance(value, list) and len(value) == 2:
                shown = _shown_date(value[0])
            elif isinstance(value, list):
                shown = "; ".join(map(str, value))
            else:
                shown = str(value)
            source = said.shown(found.get("source", ""))
            rows.append((str(REPORT_FIELDS.get(name, name)), shown, source))
        return rows

    def report_notes(self) -> list[str]:
        """The extraction report's notes, in the reader's language."""
        return [said.shown(note) for note in (self.extraction or {}).get("notes") or ()]


REPORT_FIELDS = {
    "title": _("title"),
    "date": _("date"),
    "authors": _("authors"),
    "site_name": _("site"),
    "language": _("language"),
    "url": _("address"),
    "summary": _("summary"),
    "document_type": _("document type"),
}


def _shown_date(iso: str) -> str:
    """A found date as the interface writes dates, as precise as it was found ("22
    November 2021", "2021年11月": no precision word a reader could take for a weekday)."""
    try:
        return PartialDate.parse(iso).display()
    except InvalidPartialDate:
        return iso
