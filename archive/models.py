"""The archive's records: entries, the sources that published them and their topics."""

import datetime
import hashlib
import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connections, models, transaction
from django.db.models import Q
from django.dispatch import Signal
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from archive import dates, projection, vocabularies
from archive.identifiers import IdentifierScheme, validate_identifier
from archive.slugs import latin_slug


class SourceKind(models.TextChoices):
    NEWS_OUTLET = "news_outlet", _("News outlet or agency")
    GOVERNMENT = "government", _("Government body")
    JOURNAL = "journal", _("Journal")
    ORGANISATION = "organisation", _("Organisation or foundation")
    OTHER = "other", _("Other")


class Source(models.Model):
    """A publisher or outlet: where an entry was published."""

    name = models.CharField(_("name"), max_length=300, unique=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True, allow_unicode=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=SourceKind.choices, default=SourceKind.OTHER
    )
    country = models.CharField(
        _("country"), max_length=2, blank=True, help_text=_("ISO 3166 country code, e.g. RU or JP.")
    )
    url = models.URLField(_("website"), blank=True)

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name, allow_unicode=True)[:120]
        super().save(*args, **kwargs)

    def clean(self):
        if self.country and not vocabularies.is_country_code(self.country):
            raise ValidationError(
                {
                    "country": _("“%(code)s” is not an ISO 3166 country code.")
                    % {"code": self.country}
                }
            )


TOPIC_PATH_SEPARATOR = " › "  # between a topic and its broader ones in its name


class Topic(models.Model):
    """A subject heading; ``parent`` gives a small hierarchy (e.g. Economy › Energy)."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=120, unique=True, allow_unicode=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent topic"),
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"], name="topic_name_unique_within_parent"
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")), name="topic_is_not_its_own_parent"
            ),
        ]

    def __str__(self):
        return TOPIC_PATH_SEPARATOR.join(topic.name for topic in self.ancestry())

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name, allow_unicode=True)[:120]
        super().save(*args, **kwargs)

    def ancestry(self) -> list["Topic"]:
        """This topic's path from the root, itself last; stops at a cycle."""
        path, seen, topic = [], set(), self
        while topic is not None and topic.pk not in seen:
            path.append(topic)
            seen.add(topic.pk)
            topic = topic.parent
        return list(reversed(path))

    def clean(self):
        ancestor, seen = self.parent, set()
        while ancestor is not None and ancestor.pk not in seen:
            if self.pk is not None and ancestor.pk == self.pk:
                raise ValidationError({"parent": _("A topic cannot be placed under itself.")})
            seen.add(ancestor.pk)
            ancestor = ancestor.parent


class DatePrecision(models.TextChoices):
    DAY = dates.DAY, _("Day")
    MONTH = dates.MONTH, _("Month")
    YEAR = dates.YEAR, _("Year")
    UNDATED = dates.UNDATED, _("Undated")
    # A draft whose date nobody has looked at yet (capture found none): publishing asks
    # for a date or "Undated" said in so many words.
    NOT_STATED = "", _("Not stated yet")


UNSTATED_DATES = (dates.UNDATED, DatePrecision.NOT_STATED)


class DocumentType(models.TextChoices):
    NEWS = "news", _("News article")
    PRESS_RELEASE = "press_release", _("Press release")
    JOURNAL_ARTICLE = "journal_article", _("Journal article")
    STATEMENT = "statement", _("Official statement")
    SPEECH = "speech", _("Speech or interview")
    REPORT = "report", _("Report")
    BOOK = "book", _("Book or chapter")
    OTHER = "other", _("Other")
    # A draft whose type nobody has chosen yet (capture could not tell).
    NOT_STATED = "", _("Not stated yet")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


def text_fingerprint(text: str) -> str:
    """A hash of a text that ignores case, spacing and Unicode form, to spot duplicates."""
    normalised = unicodedata.normalize("NFKC", text or "").casefold()
    normalised = re.sub(r"\s+", " ", normalised).strip()
    if not normalised:
        return ""
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


# Sent with ``entry_ids`` when entries change without a per-entry save signal (queryset
# ``update()`` and ``bulk_create()``), so that whatever mirrors entries can follow.
entries_changed = Signal()


def _field_of(function) -> str:
    return function.source_expressions[0].name


def _is_plain_bound(function) -> bool:
    """A Min or Max of one field by name, without a filter, default or DISTINCT."""
    return (
        type(function) in (models.Min, models.Max)
        and len(function.source_expressions) == 1
        and isinstance(function.source_expressions[0], models.F)
        and function.filter is None
        and function.default is None
        and not function.distinct
    )


class DatedQuerySet(models.QuerySet):
    """Rows with a date, whose first and last dates and years are read from the ends and
    ranges of an index on it (entries, and a topic's timeline)."""

    def _bound(self, function):
        """The smallest (Min) or largest (Max) non-null value of a plain field."""
        field = _field_of(function)
        # Each end of an index in (date DESC NULLS LAST) order, as PostgreSQL reads it.
        if isinstance(function, models.Min):
            order = models.F(field).asc(nulls_first=True)
        else:
            order = models.F(field).desc(nulls_last=True)
        return (
            self.exclude(**{f"{field}__isnull": True})
            .order_by(order)
            .values_list(field, flat=True)
            .first()
        )

    def _years(self, order="ASC") -> list[datetime.date]:
        """The years these rows' dates fall in, without reading every row: the first and
        last dates from an index, then one indexed look per year between them."""
        first, last = self._bound(models.Min("date")), self._bound(models.Max("date"))
        if first is None:
            return []
        years = [
            datetime.date(year, 1, 1)
            for year in range(first.year, last.year + 1)
            if self.filter(
                date__gte=datetime.date(year, 1, 1), date__lt=datetime.date(year + 1, 1, 1)
            ).exists()
        ]
        return years if order == "ASC" else years[::-1]


@dataclass(frozen=True)
class TopicNarrowing:
    """How ``EntryQuerySet.in_topic`` narrowed entries: to a topic, perhaps to dates
    [since, before), with how many conditions (nothing else narrowed them if the query
    still has exactly those)."""

    topic_id: int
    dates: tuple[datetime.date, datetime.date] | None
    conditions: int | None  # None: other conditions were there before

    def timeline(self):
        rows = TopicTimeline.objects.filter(topic_id=self.topic_id)
        if self.dates:
            rows = rows.filter(date__gte=self.dates[0], date__lt=self.dates[1])
        return rows


class EntryQuerySet(DatedQuerySet):
    _narrowing: TopicNarrowing | None = None

    def _clone(self):
        clone = super()._clone()
        clone._narrowing = self._narrowing
        return clone

    def update(self, **kwargs):
        entry_ids = list(self.values_list("pk", flat=True))
        count = super().update(**kwargs)
        if "date" in kwargs:
            TopicTimeline.refresh(entry_ids)
        entries_changed.send(sender=Entry, entry_ids=entry_ids)
        return count

    @property
    def topic(self) -> int | None:
        """The topic ``in_topic`` narrowed these entries to, if it did."""
        return self._narrowing.topic_id if self._narrowing else None

    def in_topic(self, topic_id: int, dates: tuple[datetime.date, datetime.date] | None = None):
        """These entries that have this topic (and a date in [since, before) if ``dates``
        are given), found through its timeline (``TopicTimeline``): counted, bounded and
        drilled down by date from the timeline's index while nothing else narrows them,
        and listed newest first in its order (``newest_first``)."""
        conditions = {"timelines__topic_id": topic_id}
        if dates:
            conditions.update(timelines__date__gte=dates[0], timelines__date__lt=dates[1])
        narrowed = self.filter(**conditions)
        alone = not self.query.where
        narrowed._narrowing = TopicNarrowing(
            topic_id, dates, len(narrowed.query.where.children) if alone else None
        )
        return narrowed

    def newest_first(self):
        """Newest first, undated last (the model's order); a topic's entries in its
        timeline's order, which is the same order read from the timeline's index."""
        if self._narrowing is None:
            return self.order_by(*Entry._meta.ordering)
        return self.order_by(
            models.F("timelines__date").desc(nulls_last=True), "-timelines__entry_id"
        )

    def _timeline_alone(self):
        """The timeline rows of the topic (and dates) these entries are narrowed to, if
        nothing else narrows them (so those rows are exactly these entries); else None."""
        query, narrowing = self.query, self._narrowing
        alone = (
            narrowing is not None
            and narrowing.conditions == len(query.where.children)
            and query.where.connector == "AND"
            and not (query.where.negated or query.is_sliced or query.combinator)
            and not query.distinct
            and query.group_by is None
        )
        return narrowing.timeline() if alone else None

    def count(self):
        timeline = self._timeline_alone()
        return super().count() if timeline is None else timeline.count()

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)  # a generator would be spent before Django reads it
        for entry in objs:
            entry.date = dates.normalise(entry.date, entry.date_precision)
            entry.body_fingerprint = text_fingerprint(entry.body)
            if not entry.slug:
                entry.slug = unique_slug(entry.title or "entry")
        created = super().bulk_create(objs, *args, **kwargs)
        entries_changed.send(sender=Entry, entry_ids=[entry.pk for entry in created])
        return created

    def aggregate(self, *args, **kwargs):
        """The admin's drill-down asks every unfiltered page for the first and last date
        (``aggregate(first=Min("date"), last=Max("date"))``): SQLite answers a MIN and a
        MAX in one statement by reading the whole index, each alone by one look at its
        end. So, for such a question of an unfiltered list, one indexed look per bound;
        of a topic's entries (``in_topic``), the ends of its timeline's index. Anything
        else as Django does it."""
        query = self.query
        # Annotations that are not aggregates (the admin's "text pending") leave the rows
        # as they are; a bound of an annotation is Django's to compute.
        plain_rows = (
            not (query.where or query.is_sliced or query.combinator)
            and query.group_by is None
            and not any(annotation.contains_aggregate for annotation in query.annotations.values())
        )
        bounds = kwargs.values()
        if args or not kwargs or not all(_is_plain_bound(f) for f in bounds):
            return super().aggregate(*args, **kwargs)
        if any(_field_of(f) in query.annotations for f in bounds):
            return super().aggregate(*args, **kwargs)
        timeline = self._timeline_alone()
        if timeline is not None and all(_field_of(f) == "date" for f in bounds):
            return {name: timeline._bound(function) for name, function in kwargs.items()}
        if not plain_rows:
            return super().aggregate(*args, **kwargs)
        return {name: self._bound(function) for name, function in kwargs.items()}

    def dates(self, field_name, kind, order="ASC"):
        """The years of all entries without reading every row (the admin's drill-down
        asks on every page of its list): the first and last dates from the index, then
        one indexed look per year between them. A topic's years, months or days
        (``in_topic``) from its timeline's index. Anything else as Django does it."""
        timeline = self._timeline_alone()
        if field_name != "date":
            return super().dates(field_name, kind, order)
        if timeline is not None:  # a topic's: from its timeline's index
            return timeline._years(order) if kind == "year" else timeline.dates("date", kind, order)
        if kind != "year" or self.query.where:
            return super().dates(field_name, kind, order)
        return self._years(order)

    def languages_in_use(self) -> list[str]:
        """The distinct languages of all entries, in one query that steps through the
        language index from one value to the next (a DISTINCT reads every row)."""
        table = connections[self.db].ops.quote_name(self.model._meta.db_table)
        sql = f"""
            WITH RECURSIVE used(code) AS (
                SELECT MIN(language) FROM {table}
                UNION ALL
                SELECT (SELECT MIN(language) FROM {table} WHERE language > used.code)
                FROM used WHERE used.code IS NOT NULL
            )
            SELECT code FROM used WHERE code IS NOT NULL
        """
        with connections[self.db].cursor() as cursor:
            cursor.execute(sql)
            return [code for (code,) in cursor.fetchall()]


class NewestFirstIndex(models.Index):
    """(date DESC NULLS LAST, id DESC), the entries' default order, after ``within`` (the
    columns it is ordered within, e.g. a topic). PostgreSQL needs the NULLS clause for the
    index to serve that order; SQLite's DESC already puts NULLs last and its CREATE INDEX
    refuses a NULLS clause. Declared on the model (not written by hand in a migration) so
    that SQLite's table remakes keep it: the hand-written one of migration 0011 was lost in
    the first of them."""

    def __init__(self, *, name: str, within: tuple = (), date: str = "date", key: str = "id"):
        self.within, self.date, self.key = tuple(within), date, key
        super().__init__(
            *(models.F(field) for field in self.within),
            models.F(date).desc(nulls_last=True),
            models.F(key).desc(),
            name=name,
        )

    def deconstruct(self):
        path, _, kwargs = super().deconstruct()
        arguments = {"name": kwargs["name"]}
        if self.within:
            arguments["within"] = self.within
        if self.date != "date":
            arguments["date"] = self.date
        if self.key != "id":
            arguments["key"] = self.key
        return path, (), arguments

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor == "sqlite":
            plain = models.Index(
                fields=[*self.within, f"-{self.date}", f"-{self.key}"], name=self.name
            )
            return plain.create_sql(model, schema_editor, using, **kwargs)
        return super().create_sql(model, schema_editor, using, **kwargs)


class Entry(models.Model):
    """One archived document with its curated metadata.

    The primary key is the entry's public id: it appears in permalinks and is never
    reused (SQLite AUTOINCREMENT and PostgreSQL sequences never hand out an id twice).
    """

    external_id = models.CharField(
        _("external id"),
        max_length=200,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Stable id from an import; re-importing updates this entry."),
    )
    title = models.CharField(_("title"), max_length=500, blank=True)
    title_is_devised = models.BooleanField(
        _("devised title"),
        default=False,
        help_text=_(
            "Tick when the document has no title and the archivist supplied one; "
            "it is shown in [square brackets]."
        ),
    )
    # Latin letters only: the slug is part of the permalink citations print.
    slug = models.SlugField(_("slug"), max_length=120, unique=True, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    body = models.TextField(
        _("full text"), help_text=_("The document's own text, without page chrome.")
    )
    raw_capture = models.TextField(
        _("raw capture"),
        blank=True,
        help_text=_("The capture the entry was curated from; kept, never shown as body."),
    )
    body_fingerprint = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    date = models.DateField(
        _("date"),
        null=True,
        blank=True,
        help_text=_("For a month or a year, give its first day; leave empty when undated."),
    )
    date_precision = models.CharField(
        _("date precision"),
        max_length=10,
        choices=DatePrecision.choices,
        default=DatePrecision.UNDATED,
        blank=True,
    )
    date_note = models.CharField(
        _("date note"),
        max_length=500,
        blank=True,
        help_text=_("How the date was established, if not stated."),
    )
    source = models.ForeignKey(
        Source,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="entries",
        verbose_name=_("source"),
    )
    topics = models.ManyToManyField(
        Topic, blank=True, related_name="entries", verbose_name=_("topics")
    )
    language = models.CharField(
        _("language"), max_length=2, default="en", help_text=_("ISO 639-1 code.")
    )
    document_type = models.CharField(
        _("document type"),
        max_length=20,
        choices=DocumentType.choices,
        default=DocumentType.OTHER,
        blank=True,
    )
    authors = models.TextField(
        _("authors"),
        blank=True,
        help_text=_("One author per line, as “Family, Given” where known."),
    )
    original_url = models.URLField(_("original URL"), max_length=1000, blank=True, db_index=True)
    rights = models.CharField(
        _("rights / credit"),
        max_length=1000,
        blank=True,
        help_text=_("Copyright and credit lines."),
    )
    text_mining = models.BooleanField(
        _("text may be exported for text mining"),
        default=False,
        help_text=_(
            "Its rights allow its full text in researchers' text-mining exports (a list's "
            "JSONL); otherwise they get its metadata only."
        ),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = EntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("entry")
        verbose_name_plural = _("entries")
        ordering = [models.F("date").desc(nulls_last=True), "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(date_precision__in=UNSTATED_DATES) & Q(date__isnull=True))
                | (~Q(date_precision__in=UNSTATED_DATES) & Q(date__isnull=False)),
                name="entry_date_matches_precision",
                violation_error_message=_("An undated entry has no date; a dated one needs one."),
            ),
            models.CheckConstraint(
                condition=Q(date_precision__in=[choice for choice, _ in DatePrecision.choices]),
                name="entry_date_precision_valid",
            ),
            models.CheckConstraint(
                condition=~Q(title=""),
                name="entry_title_not_empty",
                violation_error_message=_("An entry needs a title: its own or a devised one."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=[choice for choice, _ in Status.choices]),
                name="entry_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "date"]),
            models.Index(fields=["language"], name="entry_language"),
            # OAI-PMH lists records in the order of their last change.
            models.Index(fields=["updated_at", "id"], name="entry_changes"),
            # Covers what the sitemap reads (published entries by id, with their slug and
            # last change) without touching the rows, whose text runs to megabytes.
            models.Index(
                fields=["status", "id", "updated_at", "slug"], name="entry_sitemap_columns"
            ),
            # The admin's order (newest first, undated last): a page of its list reads 50
            # index entries instead of sorting every row.
            NewestFirstIndex(name="entry_newest_first"),
        ]

    def __str__(self):
        return self.display_title

    # Texts an editor types: a browser's form sends their line ends as CRLF.
    TYPED_TEXTS = ("summary", "body", "authors", "date_note", "rights")

    def save(self, *args, **kwargs):
        for name in self.TYPED_TEXTS:
            value = getattr(self, name)
            if value and "\r" in value:
                setattr(self, name, value.replace("\r\n", "\n").replace("\r", "\n"))
        self.date = dates.normalise(self.date, self.date_precision)
        self.body_fingerprint = text_fingerprint(self.body)
        if self.pk is not None and self.slug:
            # A new title gives a new slug (unless the editor chose one); the old URL
            # still works, since entries are found by id and redirected to this slug.
            before = Entry.objects.filter(pk=self.pk).values("title", "slug").first()
            if before and before["title"] != self.title and before["slug"] == self.slug:
                self.slug = unique_slug(self.title, exclude_pk=self.pk)
                if "update_fields" in kwargs and kwargs["update_fields"] is not None:
                    kwargs["update_fields"] = {*kwargs["update_fields"], "slug"}
        if self.status == Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        if not self.slug:
            self.slug = unique_slug(self.title or "entry", exclude_pk=self.pk)
        super().save(*args, **kwargs)
        TopicTimeline.objects.filter(entry_id=self.pk).exclude(date=self.date).update(
            date=self.date
        )

    def get_absolute_url(self):
        return reverse("archive:entry", kwargs={"entry_id": self.pk, "slug": self.slug})

    @property
    def display_title(self) -> str:
        return projection.display_title(self.title, self.title_is_devised)

    @property
    def partial_date(self) -> dates.PartialDate:
        return dates.PartialDate(self.date, self.date_precision or dates.UNDATED)

    @property
    def display_date(self) -> str:
        return self.partial_date.display()

    @property
    def author_list(self) -> list[str]:
        return [line.strip() for line in self.authors.splitlines() if line.strip()]

    @property
    def language_name(self) -> str:
        return vocabularies.language_name(self.language)

    @property
    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED

    def publication_problems(self) -> list[str]:
        """What keeps this entry from being public: the archive asks of a public entry a
        source, a type and a date (or "Undated") that someone stated. Empty when it may be
        published."""
        problems = []
        if self.source_id is None:
            problems.append(gettext("no source"))
        if not self.document_type:
            problems.append(gettext("no document type chosen"))
        if self.date_precision == DatePrecision.NOT_STATED:
            problems.append(gettext("no date, and “Undated” not chosen"))
        return problems

    def identifier_records(self) -> list[dict]:
        """Identifiers as plain data, ordered by scheme and value (the API, snapshots and
        backups share this form)."""
        return [
            {"scheme": identifier.scheme, "value": identifier.value}
            for identifier in self.identifiers.all()
        ]

    def clean(self):
        errors = {}
        self.title = (self.title or "").strip()
        if not self.title:
            errors["title"] = _(
                "Give the document's title, or devise one and tick “devised title”."
            )
        if self.date_precision in UNSTATED_DATES and self.date is not None:
            errors["date"] = _(
                "An undated entry cannot have a date: clear it or choose a precision."
            )
        elif self.date_precision not in UNSTATED_DATES and self.date is None:
            errors["date"] = _("A date known to the %(precision)s needs a date.") % {
                "precision": self.get_date_precision_display().lower()
            }
        if self.language and not vocabularies.is_language_code(self.language):
            errors["language"] = _("“%(code)s” is not an ISO 639-1 language code.") % {
                "code": self.language
            }
        if errors:
            raise ValidationError(errors)


def unique_slug(title: str, exclude_pk=None) -> str:
    """A slug for a title, in Latin letters (``slugs.py``), suffixed -2, -3, … when
    another entry already uses it."""
    base = latin_slug(title) or "entry"
    candidate, counter = base, 2
    taken = Entry.objects.exclude(pk=exclude_pk) if exclude_pk else Entry.objects.all()
    while taken.filter(slug=candidate).exists():
        candidate = f"{base}-{counter}"
        counter += 1
    return candidate


class TopicTimeline(models.Model):
    """Each entry of each topic with the entry's date: a copy of ``Entry.topics``' links
    (kept by ``refresh``, called wherever entries' topics or dates change: ``Entry.save``,
    ``EntryQuerySet.update``, ``signals.py``), so that a topic's entries are counted,
    listed newest first and drilled down by year from this table's index alone. Through
    the entries' rows the admin's list of one topic (40,000 entries) took 3.9 s at
    1,000,000 entries (docs/performance.md). Django's admin cannot edit a many-to-many
    field with a model of its own between, so the date is not on the links themselves."""

    # Found by the indexes below, which begin with them.
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="+", db_index=False)
    entry = models.ForeignKey(
        Entry, on_delete=models.CASCADE, related_name="timelines", db_index=False
    )
    date = models.DateField(null=True, blank=True)

    objects = DatedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entry", "topic"], name="topic_timeline_unique")
        ]
        indexes = [
            NewestFirstIndex(name="topic_timeline_newest_first", within=("topic",), key="entry")
        ]

    def __str__(self):
        return f"{self.topic_id}: {self.entry_id} ({self.date})"

    @classmethod
    def refresh(cls, entry_ids: Collection[int]):
        """These entries' rows as their topics and dates are now."""
        entry_ids = list(entry_ids)
        for start in range(0, len(entry_ids), REFRESH_BATCH):
            batch = entry_ids[start : start + REFRESH_BATCH]
            cls.objects.filter(entry_id__in=batch).delete()
            links = Entry.topics.through.objects.filter(entry_id__in=batch).values_list(
                "entry_id", "topic_id", "entry__date"
            )
            cls.objects.bulk_create(
                cls(entry_id=entry_id, topic_id=topic_id, date=date)
                for entry_id, topic_id, date in links
            )

    @classmethod
    def rebuild_all(cls) -> int:
        """Every topic's timeline anew from the links and the entries' dates, in one
        statement (after either was edited in raw SQL). Returns how many rows."""
        links, entries = Entry.topics.through._meta.db_table, Entry._meta.db_table
        quote = connections[cls.objects.db].ops.quote_name
        with transaction.atomic(), connections[cls.objects.db].cursor() as cursor:
            cls.objects.all().delete()
            cursor.execute(
                f"INSERT INTO {quote(cls._meta.db_table)} (topic_id, entry_id, date) "
                f"SELECT links.topic_id, links.entry_id, entries.date "
                f"FROM {quote(links)} AS links "
                f"JOIN {quote(entries)} AS entries ON entries.id = links.entry_id"
            )
        return cls.objects.count()


REFRESH_BATCH = 500  # entries a refresh reads at once (SQLite's limit on parameters)


class EntryIdentifier(models.Model):
    """A standard identifier of an entry or of the serial it appeared in (ISSN, DOI, …)."""

    entry = models.ForeignKey(
        Entry, on_delete=models.CASCADE, related_name="identifiers", verbose_name=_("entry")
    )
    scheme = models.CharField(_("scheme"), max_length=10, choices=IdentifierScheme.choices)
    value = models.CharField(_("value"), max_length=300)

    class Meta:
        verbose_name = _("identifier")
        verbose_name_plural = _("identifiers")
        ordering = ["scheme", "value"]
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "scheme", "value"], name="identifier_unique_per_entry"
            )
        ]

    def __str__(self):
        return f"{self.get_scheme_display()} {self.value}"

    def clean(self):
        try:
            self.value = validate_identifier(self.scheme, self.value)
        except ValueError as error:
            raise ValidationError({"value": str(error)}) from None


class EntryVersion(models.Model):
    """A published state of an entry, frozen: its text and metadata as they were cited.

    A new version is recorded whenever a published entry's citable content changes; a
    version is never edited afterwards, so its permanent URL always shows the same thing.
    """

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    snapshot = models.JSONField(help_text="The entry's citable content at this version.")

    class Meta:
        ordering = ["entry", "number"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "number"], name="version_number_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="version_number_positive"),
        ]

    def __str__(self):
        return f"Entry {self.entry_id}, version {self.number}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Entry versions are immutable once recorded.")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("archive:version", kwargs={"entry_id": self.entry_id, "number": self.number})


class EntryTombstone(models.Model):
    """What remains of a deleted entry: enough to tell a visitor it was withdrawn."""

    entry_id = models.BigIntegerField(primary_key=True)
    title = models.CharField(max_length=500)
    deleted_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"Entry {self.entry_id} (deleted)"
