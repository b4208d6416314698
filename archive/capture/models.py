"""Original files kept with entries: each stored once, by its SHA-256, and linked to any
number of entries."""

from django.conf import settings
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
    # A web archive (WACZ, WARC): the page it holds, and when that page was captured.
    captured_url = models.URLField(_("captured address"), max_length=2000, blank=True)
    captured_at = models.DateTimeField(_("captured"), null=True, blank=True)

    class Meta:
        verbose_name = _("original")
        verbose_name_plural = _("originals")
        ordering = ["added_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "file"], name="entry_original_once"),
        ]

    def __str__(self):
        return self.filename

    @property
    def is_web_archive(self) -> bool:
        return bool(self.captured_url)

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

    @property
    def latest_reading(self):
        """Its last OCR reading, if it is a scan (prefetched ``readings`` are used)."""
        readings = list(self.readings.all())
        return readings[0] if readings else None

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


class OcrReading(models.Model):
    """One reading of an original's scanned pages by OCR (``capture/ocr/``): queued when
    a scan is captured, attached or read again, done in the background, its text put into
    the draft it made (when nobody has changed that draft's text meanwhile)."""

    class State(models.TextChoices):
        PENDING = "pending", _("waiting")
        RUNNING = "running", _("reading")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    original = models.ForeignKey(
        EntryOriginal, on_delete=models.CASCADE, related_name="readings", verbose_name=_("original")
    )
    state = models.CharField(_("state"), max_length=10, choices=State, default=State.PENDING)
    pages_to_read = models.PositiveIntegerField(_("pages to read"), default=0)
    pages_done = models.PositiveIntegerField(_("pages read"), default=0)
    # Put the text into the entry if its text is still this when the reading is done.
    fills_entry = models.BooleanField(default=False, editable=False)
    body_when_queued = models.TextField(blank=True, editable=False)
    text = models.TextField(_("text read"), blank=True)
    pages = models.JSONField(_("pages"), default=list, blank=True)  # per page, as ``page_rows``
    searchable_pdf = models.ForeignKey(
        OriginalFile,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="searchable_versions",
        verbose_name=_("searchable PDF"),
    )
    failure = models.TextField(_("why it failed"), blank=True)
    engine = models.CharField(_("engine"), max_length=200, blank=True)
    seconds = models.FloatField(_("seconds"), null=True, blank=True)
    queued_at = models.DateTimeField(_("queued"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("OCR reading")
        verbose_name_plural = _("OCR readings")
        ordering = ["-queued_at", "-pk"]
        indexes = [models.Index(fields=["state", "queued_at"], name="ocr_reading_state")]

    def __str__(self):
        return f"{self.original} ({self.get_state_display()})"

    @property
    def in_progress(self) -> bool:
        return self.state in (self.State.PENDING, self.State.RUNNING)

    @property
    def threshold(self) -> float:
        return settings.ARCHIVE_OCR_CONFIDENCE_THRESHOLD

    @property
    def pages_to_proofread(self) -> list[int]:
        """The pages read by OCR whose confidence is below the threshold (a setting)."""
        return self.low_confidence_pages(self.threshold)

    def low_confidence_pages(self, threshold: float) -> list[int]:
        """The pages read by OCR whose confidence is below ``threshold``."""
        return [
            page["page"]
            for page in self.pages
            if page.get("read") == "ocr"
            and page.get("confidence") is not None
            and page["confidence"] < threshold
        ]
