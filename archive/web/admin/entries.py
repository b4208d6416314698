"""The editors' admin: entries, sources and topics, with publishing and duplicate checks."""

import datetime

from auditlog.mixins import AuditlogHistoryAdminMixin
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from archive import search, vocabularies
from archive.capture.admin import AttachFileForm, CaptureAdminMixin, EntryOriginalInline
from archive.capture.models import OcrReading
from archive.dates import InvalidPartialDate, PartialDate, display_day
from archive.entities.admin import EntryEntitiesForm, entities_status
from archive.models import (
    DatePrecision,
    DocumentType,
    Entry,
    EntryIdentifier,
    Source,
    Status,
    Topic,
)
from archive.selectors import possible_duplicates
from archive.services import entries as entry_services
from archive.web.admin.search import EngineSearchMixin

# Addresses typed without a scheme are https (Django 6's default, chosen now): for the
# form classes themselves and for the admin's own rebuild of them.
URL_FIELDS_ASSUME_HTTPS = {models.URLField: {"assume_scheme": "https"}}


def form_field_for(db_field, **kwargs):
    kwargs.update(URL_FIELDS_ASSUME_HTTPS.get(type(db_field), {}))
    return db_field.formfield(**kwargs)


class EntryAdminForm(AttachFileForm, EntryEntitiesForm, forms.ModelForm):
    language = forms.ChoiceField(
        label=_("language"),
        choices=vocabularies.language_choices,
        initial="en",
        help_text=_("ISO 639-1."),
    )
    date = forms.CharField(
        label=_("Date"),
        required=False,
        max_length=40,
        help_text=_(
            "As precise as it is known: 2016, 2016-05 or 2016-05-10 (22.05.2016 or May 2016 "
            "also work); leave empty when undated."
        ),
        widget=forms.TextInput(attrs={"size": 16}),
    )
    save_anyway = forms.BooleanField(
        required=False,
        label=_("Save anyway"),
        help_text=_("This entry is not a duplicate of the entries listed above."),
        widget=forms.HiddenInput,
    )

    class Meta:
        model = Entry
        fields = "__all__"
        formfield_callback = form_field_for
        widgets = {
            "authors": forms.Textarea(attrs={"rows": 3}),
            "summary": forms.Textarea(attrs={"rows": 4}),
            "title": forms.TextInput(attrs={"size": 90}),
            "date_note": forms.TextInput(attrs={"size": 90}),
            "rights": forms.TextInput(attrs={"size": 90}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and not self.is_bound:
            self.initial["date"] = self.instance.partial_date.iso()

    def clean_date(self):
        """The first day of the period typed; how precise it was is checked in ``clean``."""
        try:
            typed = PartialDate.read_typed(self.cleaned_data.get("date"))
        except InvalidPartialDate as error:
            raise ValidationError(str(error)) from None
        self.typed_precision = typed.precision
        return typed.value

    def check_publishable(self, cleaned):
        """A public entry has what the archive asks of one (``Entry.publication_problems``)."""
        stated = Entry(
            source=cleaned.get("source"),
            document_type=cleaned.get("document_type") or "",
            date_precision=cleaned.get("date_precision") or "",
        )
        problems = stated.publication_problems()
        if problems:
            self.add_error(
                "status",
                gettext("It cannot be published yet: %(problems)s.")
                % {"problems": "; ".join(problems)},
            )

    def clean(self):
        cleaned = super().clean()
        precision, typed = cleaned.get("date_precision"), getattr(self, "typed_precision", None)
        if cleaned.get("date") and precision == DatePrecision.NOT_STATED:
            # A date typed with no precision chosen is as precise as it is written.
            cleaned["date_precision"] = precision = typed
        if cleaned.get("status") == Status.PUBLISHED:
            self.check_publishable(cleaned)
        if cleaned.get("date") and PRECISION_RANK.get(typed, 0) < PRECISION_RANK.get(precision, 0):
            self.add_error(
                "date",
                gettext("The date gives only its %(typed)s, not a %(precision)s.")
                % {
                    "typed": DatePrecision(typed).label.lower(),
                    "precision": DatePrecision(precision).label.lower(),
                },
            )
            return cleaned
        new_or_changed = self.instance.pk is None or {"original_url", "body"} & set(
            self.changed_data
        )
        if not new_or_changed or cleaned.get("save_anyway"):
            return cleaned
        duplicates = possible_duplicates(
            original_url=cleaned.get("original_url", ""),
            body=cleaned.get("body", ""),
            exclude_pk=self.instance.pk,
        )[:5]
        if duplicates:
            # Only now does the confirmation box appear, next to the warning.
            self.fields["save_anyway"].widget = forms.CheckboxInput()
            links = format_html_join(
                ", ",
                '<a href="{}">#{} {}</a>',
                (
                    (reverse("admin:archive_entry_change", args=[entry.pk]), entry.pk, entry)
                    for entry in duplicates
                ),
            )
            raise ValidationError(
                format_html(
                    gettext(
                        "This looks like a duplicate: the same original URL or the same text is "
                        "already in {}. Tick “Save anyway” below if it is a different document."
                    ),
                    links,
                ),
                code="duplicate",
            )
        return cleaned


PRECISION_RANK = {"year": 1, "month": 2, "day": 3}  # how much of a date is known


class EntryIdentifierInline(admin.TabularInline):
    model = EntryIdentifier
    extra = 0
    verbose_name = _("identifier")


# Columns the entry list never shows.
LIST_DEFERRED = (
    "summary",
    "body",
    "raw_capture",
    "body_fingerprint",
    "authors",
    "rights",
    "date_note",
)


def number_in(value: str) -> int:
    """A filter's id as typed in the address; anything else is the admin's "invalid
    filter" (a 500 before: the database was asked to compare an id with letters)."""
    if not value.isdigit():
        raise IncorrectLookupParameters(value)
    return int(value)


def drill_down_dates(params, field: str) -> tuple[datetime.date, datetime.date] | None:
    """The dates [since, before) the date drill-down's year, month and day in ``params``
    stand for, taken out of ``params``, as Django's list reads them; None without a year."""
    year = params.pop(f"{field}__year", None)
    if year is None:
        return None
    month, day = params.pop(f"{field}__month", None), params.pop(f"{field}__day", None)
    try:
        since = datetime.date(
            int(year[-1]), int(month[-1] if month else 1), int(day[-1] if day else 1)
        )
    except ValueError as error:
        raise IncorrectLookupParameters(error) from error
    if day:
        before = since + datetime.timedelta(days=1)
    elif month:
        before = (since + datetime.timedelta(days=32)).replace(day=1)
    else:
        before = since.replace(year=since.year + 1)
    return since, before


class SourceFilter(admin.SimpleListFilter):
    """Every source (a few hundred), not only those entries use: finding those meant a
    pass over every entry."""

    title = _("source")
    parameter_name = "source__id__exact"

    def lookups(self, request, model_admin):
        return [(str(source.pk), source.name) for source in Source.objects.order_by("name")]

    def queryset(self, request, queryset):
        return queryset.filter(source_id=number_in(self.value())) if self.value() else queryset


class TopicFilter(admin.SimpleListFilter):
    """Every topic with its place in the tree, read in one query. A topic's entries are
    counted, drilled down and listed newest first from its timeline (``in_topic``), within
    the drill-down's dates: with a topic chosen, this filter takes the drill-down's year,
    month and day, which Django would otherwise check against each entry's row."""

    title = _("topic")
    parameter_name = "topics__id__exact"

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        chosen = self.value() and self.lookup_choices
        self.dates = drill_down_dates(params, model_admin.date_hierarchy) if chosen else None

    def lookups(self, request, model_admin):
        topics = Topic.objects.select_related("parent__parent")
        return sorted(((str(topic.pk), str(topic)) for topic in topics), key=lambda t: t[1])

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        return queryset.in_topic(number_in(self.value()), dates=self.dates)


class LanguageFilter(admin.SimpleListFilter):
    title = _("language")
    parameter_name = "language"

    def lookups(self, request, model_admin):
        codes = Entry.objects.languages_in_use()
        return sorted(
            ((code, vocabularies.language_name(code)) for code in codes), key=lambda c: c[1]
        )

    def queryset(self, request, queryset):
        return queryset.filter(language=self.value()) if self.value() else queryset


@admin.register(Entry)
class EntryAdmin(AuditlogHistoryAdminMixin, CaptureAdminMixin, EngineSearchMixin, admin.ModelAdmin):
    form = EntryAdminForm
    formfield_overrides = URL_FIELDS_ASSUME_HTTPS
    list_display = [
        "title_for_list",
        "date_for_list",
        "source",
        "status",
        "language_for_list",
        "document_type",
        "added_for_list",
        "updated_for_list",
    ]
    list_display_links = ["title_for_list"]
    list_filter = [
        "status",
        SourceFilter,
        TopicFilter,
        LanguageFilter,
        "document_type",
        "date_precision",
        # "Today", "Past 7 days": the archive's own times, not the documents' dates (the
        # drill-down above the list narrows by those).
        "created_at",
        "updated_at",
    ]
    # The search box runs the archive's search engine (admin_search.py); these fields are
    # searched word for word only while the index cannot be read.
    search_fields = ["title", "summary", "body", "authors", "external_id", "source__name"]
    search_help_text = _(
        "Searches published entries and drafts as the archive's search does (any language, "
        "“phrases”, AND / OR / NOT, title:…); also finds an entry by #number, external id, "
        "DOI, ISSN, ISBN or original URL."
    )
    date_hierarchy = "date"
    autocomplete_fields = ["source", "topics"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = [
        "id",
        "external_id",
        "published_at",
        "created_at",
        "updated_at",
        "names_as_searched",
        "entities_read",
    ]
    inlines = [EntryIdentifierInline, EntryOriginalInline]
    change_list_template = "admin/archive/entry/change_list.html"
    change_form_template = "admin/archive/entry/change_form.html"
    actions = ["publish_selected", "unpublish_selected"]
    list_select_related = ["source"]
    list_per_page = 50
    # One count, not two: "50 of 100,000 selected" without counting the unfiltered list.
    show_full_result_count = False
    save_on_top = True
    fieldsets = [
        (None, {"fields": ["title", "title_is_devised", "slug", "status", "save_anyway"]}),
        (_("Date"), {"fields": ["date", "date_precision", "date_note"]}),
        (
            _("Description"),
            {
                "fields": [
                    "source",
                    "document_type",
                    "language",
                    "authors",
                    "topics",
                    "original_url",
                    "rights",
                    "text_mining",
                ]
            },
        ),
        (_("Text"), {"fields": ["summary", "body", "attach"]}),
        (
            _("People, places and organizations"),
            {"fields": ["entities_read", "entities_remove", "entities_add"]},
        ),
        (
            _("Names as search matches them"),
            {
                "classes": ["collapse"],
                "description": _(
                    "The names found in this entry's title, summary and text, each with the "
                    "key its spellings in other scripts share: a search finds the entry by "
                    "any name with the same key (search/names in the README)."
                ),
                "fields": ["names_as_searched"],
            },
        ),
        (
            _("Raw capture"),
            {
                "classes": ["collapse"],
                "description": _("The capture as received, kept for provenance; never the text."),
                "fields": ["raw_capture"],
            },
        ),
        (
            _("Record"),
            {"fields": ["id", "external_id", "published_at", "created_at", "updated_at"]},
        ),
    ]

    def save_model(self, request, obj, form, change):
        """Saved with its topics, identifiers and files in ``save_related``, as one
        change of the entry's life (``services/entries.py``)."""

    def save_related(self, request, form, formsets, change):
        def related(entry):
            super(EntryAdmin, self).save_related(request, form, formsets, change)
            self.save_attachment(request, form, entry)
            form.save_entities(entry)

        entry_services.save_entry(form.instance, related=related)

    @admin.display(description=_("names read"))
    def entities_read(self, entry):
        return entities_status(entry)

    def delete_model(self, request, obj):
        entry_services.delete_entries([obj])

    def delete_queryset(self, request, queryset):
        entry_services.delete_entries(queryset)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        match = request.resolver_match
        if match and match.url_name == "archive_entry_changelist":
            # The list shows a few columns: never read the texts (megabytes a row).
            queryset = queryset.defer(*LIST_DEFERRED).annotate(
                text_pending=Exists(
                    OcrReading.objects.filter(
                        original__entry=OuterRef("pk"),
                        state__in=[OcrReading.State.PENDING, OcrReading.State.RUNNING],
                    )
                )
            )
        return queryset

    @admin.display(description=_("title"), ordering="title")
    def title_for_list(self, entry):
        title = Truncator(entry.display_title).chars(90)
        if getattr(entry, "text_pending", False):  # a scan being read by OCR
            return format_html(
                '{} <span class="text-pending">({})</span>', title, _("text pending")
            )
        return title

    @admin.display(description=_("names"))
    def names_as_searched(self, entry):
        if entry.pk is None:
            return "—"
        forms = {}
        for text in (entry.title, entry.summary, entry.body):
            for form in search.names_in(text):
                shapes = ", ".join(form.skeletons)
                forms[(form.written, form.key)] = f"{form.key} ({shapes})" if shapes else form.key
        if not forms:
            return "—"
        return format_html_join(
            "\n",
            "<div>{} → <code>{}</code></div>",
            ((written, keys) for (written, _key), keys in forms.items()),
        )

    @admin.display(description=_("date"), ordering="date")
    def date_for_list(self, entry):
        return entry.display_date

    # The archive's own times as days, as the list writes every date (a full date and
    # time each pushed the list wider than the page).
    @admin.display(description=_("created"), ordering="created_at")
    def added_for_list(self, entry):
        return display_day(timezone.localdate(entry.created_at))

    @admin.display(description=_("updated"), ordering="updated_at")
    def updated_for_list(self, entry):
        return display_day(timezone.localdate(entry.updated_at))

    @admin.display(description=_("language"), ordering="language")
    def language_for_list(self, entry):
        return entry.language_name

    @admin.action(description=_("Publish selected entries"), permissions=["change"])
    def publish_selected(self, request, queryset):
        publication = entry_services.publish_entries(queryset)
        count = publication.published
        message = ngettext("%(count)d entry published.", "%(count)d entries published.", count)
        self.message_user(request, message % {"count": count})
        for entry, problems in publication.blocked:
            self.message_user(
                request,
                format_html(
                    gettext("Not published: {} ({})."),
                    format_html(
                        '<a href="{}">#{} {}</a>',
                        reverse("admin:archive_entry_change", args=[entry.pk]),
                        entry.pk,
                        Truncator(entry.display_title).chars(80),
                    ),
                    "; ".join(problems),
                ),
                messages.ERROR,
            )

    def get_changeform_initial_data(self, request):
        """A new entry starts with its type and its date's precision not stated, so
        that publishing it asks for them (a default is not a statement)."""
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("document_type", DocumentType.NOT_STATED)
        initial.setdefault("date_precision", DatePrecision.NOT_STATED)
        return initial

    @admin.action(
        description=_("Unpublish selected entries (back to draft)"), permissions=["change"]
    )
    def unpublish_selected(self, request, queryset):
        count = entry_services.unpublish_entries(queryset)
        message = ngettext("%(count)d entry unpublished.", "%(count)d entries unpublished.", count)
        self.message_user(request, message % {"count": count}, messages.WARNING)


class SourceAdminForm(forms.ModelForm):
    country = forms.ChoiceField(
        choices=[("", "—")] + vocabularies.country_choices(), required=False
    )

    class Meta:
        model = Source
        fields = "__all__"
        formfield_callback = form_field_for


@admin.register(Source)
class SourceAdmin(AuditlogHistoryAdminMixin, TranslationAdmin):
    show_auditlog_history_link = True
    form = SourceAdminForm
    formfield_overrides = URL_FIELDS_ASSUME_HTTPS
    list_display = ["name", "kind", "country", "entry_count"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "name_ru", "name_ja"]
    prepopulated_fields = {"slug": ["name_en"]}

    def get_queryset(self, request):
        # Meta.ordering is dropped from GROUP BY queries, so order explicitly.
        return super().get_queryset(request).annotate(entry_count=Count("entries")).order_by("name")

    @admin.display(description=_("entries"), ordering="entry_count")
    def entry_count(self, source):
        return source.entry_count


@admin.register(Topic)
class TopicAdmin(AuditlogHistoryAdminMixin, TranslationAdmin):
    show_auditlog_history_link = True
    list_display = ["__str__", "slug", "entry_count"]
    search_fields = ["name", "name_ru", "name_ja", "parent__name"]
    autocomplete_fields = ["parent"]
    prepopulated_fields = {"slug": ["name_en"]}

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("parent__parent")
            .annotate(entry_count=Count("entries"))
            .order_by("name")
        )

    @admin.display(description=_("entries"), ordering="entry_count")
    def entry_count(self, topic):
        return topic.entry_count
