"""The thesaurus in the editors' admin: concepts with their labels inline, found by any
label in any script, a warning when a label also names another concept, and no cycles
of broader concepts. Editors may add and change concepts, not delete them."""

from auditlog.mixins import AuditlogHistoryAdminMixin
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from archive.thesaurus.models import Concept, ConceptLabel, broader_cycle, fold
from archive.thesaurus.services import label_clashes, label_error, labels_elsewhere


class ConceptLabelForm(forms.ModelForm):
    class Meta:
        model = ConceptLabel
        fields = ["language", "kind", "text"]

    def clean_text(self):
        text = " ".join((self.cleaned_data.get("text") or "").split())
        error = label_error(text)
        if error:
            raise ValidationError(error)
        return text


class ConceptLabelFormSet(BaseInlineFormSet):
    """Rows checked against each other, as the database will check them."""

    def clean(self):
        super().clean()
        kept = [
            form for form in self.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        labels = [
            (data.get("language"), data.get("kind"), data.get("text"))
            for data in (form.cleaned_data for form in kept)
            if data.get("language") and data.get("text")
        ]
        for clash in label_clashes(labels)[:1]:
            if clash[0] == "preferred":
                _, language, first, second = clash
                raise ValidationError(
                    gettext(
                        "Only one preferred label per language: “%(first)s” and "
                        "“%(second)s” are both preferred in %(language)s."
                    )
                    % {"first": first, "second": second, "language": language}
                )
            _, language, text = clash
            raise ValidationError(
                gettext("The label “%(text)s” (%(language)s) is given twice.")
                % {"text": text, "language": language}
            )
        if not kept:
            raise ValidationError(gettext("A concept needs at least one label."))


class ConceptLabelInline(admin.TabularInline):
    model = ConceptLabel
    form = ConceptLabelForm
    formset = ConceptLabelFormSet
    extra = 3
    fields = ["language", "kind", "text"]


class ConceptAdminForm(forms.ModelForm):
    class Meta:
        model = Concept
        fields = ["key", "scope_note", "note", "broader", "related", "topic"]

    def clean_broader(self):
        broader = list(self.cleaned_data.get("broader") or [])
        cycle = broader_cycle(self.instance, broader) if self.instance.pk else None
        if cycle is not None:
            raise ValidationError(
                gettext(
                    "“%(concept)s” is this concept or one of its narrower concepts: "
                    "making it broader would make a cycle."
                )
                % {"concept": cycle}
            )
        return broader


class LanguageNameColumn:
    def __init__(self, code: str, title: str):
        self.code = code
        self.short_description = title
        self.__name__ = f"name_{code}"

    def __call__(self, concept):
        return concept.preferred_labels().get(self.code, "—")


@admin.register(Concept)
class ConceptAdmin(AuditlogHistoryAdminMixin, admin.ModelAdmin):
    show_auditlog_history_link = True
    form = ConceptAdminForm
    inlines = [ConceptLabelInline]
    list_display = [
        "key",
        LanguageNameColumn("en", _("English")),
        LanguageNameColumn("ru", _("Russian")),
        LanguageNameColumn("ja", _("Japanese")),
        "narrower_count",
        "topic",
        "updated_at",
    ]
    list_filter = ["topic"]
    filter_horizontal = ["broader", "related"]
    search_fields = ["key"]  # and every label: get_search_results
    search_help_text = _("Search by any name, in any language or script, or by key.")
    readonly_fields = ["public_page"]
    fields = ["key", "public_page", "scope_note", "note", "broader", "related", "topic"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("topic")
            .prefetch_related("labels")
            .annotate(narrower_total=Count("narrower", distinct=True))
        )

    @admin.display(description=_("Narrower"), ordering="narrower_total")
    def narrower_count(self, concept):
        return concept.narrower_total

    @admin.display(description=_("Public page"))
    def public_page(self, concept):
        if not concept.pk:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', concept.get_absolute_url(), concept.get_absolute_url()
        )

    def get_search_results(self, request, queryset, search_term):
        term = fold(search_term)
        if not term:
            return queryset, False
        matching = Q(key__icontains=search_term) | Q(
            pk__in=ConceptLabel.objects.filter(folded__contains=term).values("concept_id")
        )
        return queryset.filter(matching), False

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        concept = form.instance
        texts = list(concept.labels.values_list("text", flat=True))
        for text, other in labels_elsewhere(concept, texts):
            url = reverse("admin:archive_concept_change", args=[other.pk])
            messages.warning(
                request,
                format_html(
                    gettext(
                        'The label “{}” also belongs to the concept <a href="{}">{}</a>. '
                        "A search for it finds both; keep it only if the name means both."
                    ),
                    text,
                    url,
                    other,
                ),
            )
