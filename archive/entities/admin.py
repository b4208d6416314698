"""The editors' review of people, places and organizations: a list with their forms,
entry counts and confidence; accept, reject, merge and promote as actions; a form split
off from its entity in the entity's page; names fixed by editing them."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.db.models import Prefetch
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from archive.entities import services
from archive.entities.extraction import is_current
from archive.entities.models import (
    SHOWN_STATUSES,
    Entity,
    EntityChoice,
    EntityForm,
    EntityStatus,
    EntryEntity,
)


class EntityChoiceWidget(AutocompleteSelectMultiple):
    def __init__(self):
        super().__init__(EntityChoice._meta.get_field("entity"), admin.site)


class EntryEntitiesForm(forms.Form):
    """The entry form's people, places and organizations: those it has (an editor may
    remove one) and any to add (found by name); both kept across re-extraction."""

    entities_remove = forms.ModelMultipleChoiceField(
        queryset=Entity.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Remove from this entry"),
    )
    entities_add = forms.ModelMultipleChoiceField(
        queryset=Entity.objects.filter(status__in=SHOWN_STATUSES),
        required=False,
        label=_("Add to this entry"),
        help_text=_("Type a name in any script."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        adding = self.fields["entities_add"]
        adding.widget = EntityChoiceWidget()
        adding.widget.choices = adding.choices
        instance = getattr(self, "instance", None)
        if instance is not None and instance.pk:
            linked = EntryEntity.objects.filter(entry=instance).values("entity_id")
            field = self.fields["entities_remove"]
            field.queryset = Entity.objects.filter(pk__in=linked).order_by("kind", "name")
            field.label_from_instance = lambda entity: (
                f"{entity.name} ({entity.get_kind_display()})"
            )

    def save_entities(self, entry):
        for entity in self.cleaned_data.get("entities_remove") or ():
            services.choose(entry.pk, entity, included=False)
        for entity in self.cleaned_data.get("entities_add") or ():
            services.choose(entry.pk, entity, included=True)


def _named_with_kind(entity: Entity) -> str:
    return f"{entity.name} ({entity.get_kind_display()})"


def entities_status(entry) -> str:
    """Whether the entry's names have been read from its current text."""
    if not entry.pk:
        return gettext("Read after the entry is saved.")
    if is_current(entry):
        return gettext("Read from the current text.")
    return gettext("Pending: read in the background after a save, or by extract_entities.")


class EntityFormInline(admin.TabularInline):
    model = EntityForm
    fields = ("text", "script", "key", "skeleton", "given_initial", "origin", "mentions", "split")
    readonly_fields = ("text", "script", "key", "skeleton", "given_initial", "origin", "mentions")
    extra = 0
    can_delete = False
    verbose_name_plural = _("forms (a form split off becomes an entity of its own)")

    class form(forms.ModelForm):  # noqa: N801  (the inline's form, as Django names it)
        split = forms.BooleanField(label=_("split off"), required=False)

        class Meta:
            model = EntityForm
            fields = ()

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Entity)
class EntityAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "status", "entry_count", "confidence", "forms_shown", "concept")
    list_filter = ("kind", "status")
    search_fields = ("name", "key", "forms__text")
    ordering = ("-entry_count", "name")
    readonly_fields = ("key", "entry_count", "confidence", "merged_into", "public_page")
    fields = (
        "name",
        "kind",
        "status",
        "label_en",
        "label_ru",
        "label_ja",
        "labels_fixed",
        "concept",
        "key",
        "entry_count",
        "confidence",
        "merged_into",
        "public_page",
    )
    autocomplete_fields = ("concept",)
    inlines = [EntityFormInline]
    actions = ("accept", "reject", "merge", "promote")
    list_per_page = 50

    def has_add_permission(self, request):
        return False  # entities come from entries; an editor adds one to an entry

    def has_delete_permission(self, request, obj=None):
        return False  # rejected, not deleted: a deleted entity would be found again

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .exclude(status=EntityStatus.MERGED)
            .select_related("concept")
            .prefetch_related(Prefetch("forms", queryset=EntityForm.objects.order_by("-mentions")))
        )

    @admin.display(description=_("forms"))
    def forms_shown(self, entity):
        shown = list(entity.forms.all())[:6]
        more = len(entity.forms.all()) - len(shown)
        listed = format_html_join(
            ", ", "<span lang='{}'>{}</span>", ((f.script, f.text) for f in shown)
        )
        return format_html("{}{}", listed, f" … (+{more})" if more > 0 else "")

    @admin.display(description=_("public page"))
    def public_page(self, entity):
        if not entity.pk or not entity.shown:
            return "—"
        url = entity.get_absolute_url()
        return format_html("<a href='{}'>{}</a>", url, url)

    def save_model(self, request, obj, form, change):
        labels = {"label_en", "label_ru", "label_ja", "name"}
        if change and labels & set(form.changed_data):
            obj.labels_fixed = True  # an editor's names are kept from now on
        super().save_model(request, obj, form, change)
        if change and {"status", "kind"} & set(form.changed_data):
            services.entity_changed(obj)

    def save_formset(self, request, form, formset, change):
        for inline_form in formset.forms:
            if inline_form.cleaned_data.get("split"):
                try:
                    entity = services.split_off(inline_form.instance)
                except services.EntityDecisionError as error:
                    messages.error(request, str(error))
                    continue
                messages.success(
                    request,
                    gettext("“%(form)s” is now an entity of its own: %(entity)s.")
                    % {"form": inline_form.instance.text, "entity": entity.name},
                )
        # Nothing else of a form is edited here: the admin's history records no change.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    @admin.action(description=_("Accept selected entities"), permissions=["change"])
    def accept(self, request, queryset):
        count = services.set_status(list(queryset), EntityStatus.ACCEPTED)
        messages.success(request, gettext("Accepted %(count)d.") % {"count": count})

    @admin.action(
        description=_("Reject selected entities (never shown or found again)"),
        permissions=["change"],
    )
    def reject(self, request, queryset):
        count = services.set_status(list(queryset), EntityStatus.REJECTED)
        messages.success(request, gettext("Rejected %(count)d.") % {"count": count})

    @admin.action(
        description=_("Merge selected entities into the one with most entries"),
        permissions=["change"],
    )
    def merge(self, request, queryset):
        chosen = sorted(queryset, key=lambda entity: (-entity.entry_count, entity.pk))
        if len(chosen) < 2:
            messages.error(request, gettext("Select two entities or more to merge."))
            return
        kinds = {entity.kind for entity in chosen}
        if len(kinds) > 1:
            messages.error(request, gettext("Only entities of one kind can be merged."))
            return
        try:
            merged = services.merge(chosen[0], chosen[1:])
        except services.EntityDecisionError as error:
            messages.error(request, str(error))
            return
        messages.success(
            request,
            gettext("Merged %(count)d into %(name)s.") % {"count": merged, "name": chosen[0].name},
        )

    @admin.action(
        description=_("Promote selected entities to thesaurus concepts"), permissions=["change"]
    )
    def promote(self, request, queryset):
        concepts = [services.promote(entity) for entity in queryset]
        messages.success(
            request,
            gettext("Thesaurus concepts: %(names)s.")
            % {"names": ", ".join(concept.name() for concept in concepts)},
        )
