"""The record of changes in the admin: per object (the "Change record" of entries,
sources, topics, concepts, users and groups) and as one list filtered by origin, action,
kind of object, who and when. Nobody edits or deletes it there (django-auditlog's admin
allows neither); editors may read it."""

from auditlog.admin import LogEntryAdmin
from auditlog.mixins import AuditlogHistoryAdminMixin
from auditlog.models import LogEntry
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from archive.audit import record_refusal

ORIGINS = {
    "admin": _("the admin"),
    "site": _("the public site"),
    "capture": _("capture"),
    "ocr": _("OCR"),
    "import_entries": _("import"),
    "load_seed": _("the seed"),
}


class OriginFilter(admin.SimpleListFilter):
    title = _("origin")
    parameter_name = "origin"

    def lookups(self, request, model_admin):
        return list(ORIGINS.items()) + [("command", _("another command"))]

    def queryset(self, request, queryset):
        if self.value() == "command":
            return queryset.exclude(additional_data__origin__in=list(ORIGINS))
        if self.value():
            return queryset.filter(additional_data__origin=self.value())
        return queryset


admin.site.unregister(LogEntry)


@admin.register(LogEntry)
class ChangeRecordAdmin(LogEntryAdmin):
    list_display = [
        "created",
        "resource_url",
        "action",
        "msg_short",
        "user_url",
        "origin",
        "remote_addr",
    ]
    list_filter = ["action", OriginFilter, "content_type", "timestamp"]
    search_fields = ["object_repr", "changes_text", "actor__username", "remote_addr"]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        self._refuse_a_change(request)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        self._refuse_a_change(request)
        return super().delete_view(request, object_id, extra_context)

    def _refuse_a_change(self, request):
        """Nobody writes the record through the admin; each attempt is itself recorded."""
        if request.method == "POST":
            record_refusal(request.user, "a change to the record of changes", request)
            raise PermissionDenied

    @admin.display(description=_("origin"))
    def origin(self, entry):
        name = (entry.additional_data or {}).get("origin", "")
        return ORIGINS.get(name, name)


admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class RecordedUserAdmin(AuditlogHistoryAdminMixin, UserAdmin):
    show_auditlog_history_link = True


@admin.register(Group)
class RecordedGroupAdmin(AuditlogHistoryAdminMixin, GroupAdmin):
    show_auditlog_history_link = True
