"""Capture in the admin: "Add from file" on the entry list, a file field and the
originals (with their extraction reports) on the entry form, and re-extraction that
shows the differences and changes only what the editor accepts."""

from urllib.parse import urlencode, urlsplit

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from archive.capture import originals, services
from archive.capture.detection import IMAGES, LABELS, PDF, CaptureRefused
from archive.capture.downloads import original_response, searchable_pdf_response
from archive.capture.models import EntryOriginal, OcrReading
from archive.capture.ocr import readings
from archive.capture.originals import size_limit
from archive.capture.replays import replay_origin
from archive.capture.uploads import MAX_FILES_AT_ONCE
from archive.capture.web.capturing import capture_address

OCR_READS = (PDF, *IMAGES)  # originals an editor may have read again by OCR


def refused_upload(request) -> str | None:
    """The message for an upload the size-limit handler dropped, if any (after the
    request's files were read)."""
    refused = getattr(request, "upload_refused", None)
    if not refused:
        return None
    filename, reason = refused
    return f"{filename}: {reason}" if filename else reason


class SeveralFilesInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class SeveralFilesField(forms.FileField):
    """One file or several chosen (or dropped) at once: a list of uploads."""

    widget = SeveralFilesInput

    def clean(self, data, initial=None):
        uploads = data if isinstance(data, list | tuple) else [data]
        if len(uploads) > MAX_FILES_AT_ONCE:
            raise ValidationError(
                gettext("At most %(count)d files at once (many more: manage.py capture FOLDER).")
                % {"count": MAX_FILES_AT_ONCE}
            )
        return [super(SeveralFilesField, self).clean(upload, initial) for upload in uploads]


class CaptureForm(forms.Form):
    file = SeveralFilesField(
        label=_("File"),
        help_text=_(
            "A web page as saved by a browser (HTML) or as a web archive (WACZ, WARC), a "
            "PDF, a plain text file, or a scan (PDF, PNG, JPEG or TIFF: its text is read by "
            "OCR)."
        ),
    )


class AddressesForm(forms.Form):
    addresses = forms.CharField(
        label=_("Addresses"),
        widget=forms.Textarea(attrs={"rows": 6, "placeholder": "https://…"}),
        help_text=_(
            "One web address a line (at most %(count)d): each page is fetched with what it "
            "needs to display into a web archive (WARC packaged as WACZ), kept as the "
            "draft's original."
        )
        % {"count": MAX_FILES_AT_ONCE},
    )
    ignore_robots = forms.BooleanField(
        required=False,
        label=_("Capture even where the site's robots.txt asks archives not to"),
    )

    def clean_addresses(self):
        lines = [line.strip() for line in self.cleaned_data["addresses"].splitlines()]
        addresses = [line for line in lines if line]
        if len(addresses) > MAX_FILES_AT_ONCE:
            raise ValidationError(
                gettext("At most %(count)d addresses at once.") % {"count": MAX_FILES_AT_ONCE}
            )
        return addresses


class AttachFileForm(forms.Form):
    """The entry form's "Attach a file": the upload received (hashed, its size, content
    and type checked) once, when the form is cleaned; kept on save (``save_attachment``)."""

    attach = forms.FileField(
        required=False,
        label=_("Attach a file"),
        help_text=_(
            "Keep the document as received (a saved web page, a PDF, a text, an image of a "
            "scan) with this entry. Its text is not copied into the entry: use “Re-extract” "
            "on the original to compare and take what you want."
        ),
    )
    upload_refused = None  # set per request by the admin's get_form
    received_attachment = None

    def clean_attach(self):
        upload = self.cleaned_data.get("attach")
        if self.upload_refused:
            raise ValidationError(self.upload_refused)
        if upload is None:
            return None
        try:
            self.received_attachment = originals.receive(upload, upload.name)
        except CaptureRefused as refusal:
            raise ValidationError(f"{upload.name}: {refusal}") from None
        return upload


class EntryOriginalInline(admin.TabularInline):
    model = EntryOriginal
    extra = 0
    fields = ["filename", "kind", "size", "public", "actions_for_original"]
    readonly_fields = ["filename", "kind", "size", "actions_for_original"]
    verbose_name = _("original")
    verbose_name_plural = _("originals (files as received)")

    def has_add_permission(self, request, obj=None):
        return False  # files are added with the form's "Attach a file" field

    @admin.display(description=_("type"))
    def kind(self, link):
        return LABELS.get(link.file.content_type, link.file.content_type)

    @admin.display(description=_("size"))
    def size(self, link):
        return f"{link.file.size / 1024:.0f} KB"

    @admin.display(description=_("actions"))
    def actions_for_original(self, link):
        if not link.pk:
            return ""
        download = reverse("admin:archive_entry_original_download", args=[link.entry_id, link.pk])
        reextract = reverse("admin:archive_entry_reextract", args=[link.entry_id, link.pk])
        actions = format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            download,
            gettext("Download"),
            reextract,
            gettext("Re-extract"),
        )
        if link.is_web_archive and replay_origin():
            replay = reverse("archive:archived-copy", args=[link.entry_id, link.file.sha256])
            actions += format_html(
                ' · <a href="{}" target="_blank" rel="noopener">{}</a>',
                replay,
                gettext("Replay the archived copy"),
            )
        return actions


class SourceSuggestingWidget(RelatedFieldWidgetWrapper):
    """The source field's "+": the add form it opens is filled in with the site's name
    and address the capture found (``suggested``: GET parameters of the add form)."""

    def __init__(self, wrapped: RelatedFieldWidgetWrapper, suggested: dict):
        self.__dict__.update(wrapped.__dict__)
        self.suggested = suggested

    template_name = "admin/archive/widgets/source_widget_wrapper.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["add_url_params"] = f"{context['url_params']}&{urlencode(self.suggested)}"
        return context


def suggested_source(entry) -> dict | None:
    """The name and address of the site a captured page came from, when the entry has no
    source yet: what its form's "+ source" is filled in with."""
    if entry is None or entry.source_id is not None:
        return None
    for link in entry.originals.order_by("-pk"):
        fields = (link.extraction or {}).get("fields") or {}
        name = (fields.get("site_name") or {}).get("value")
        if name:
            address = (fields.get("url") or {}).get("value") or ""
            parts = urlsplit(address)
            site = f"{parts.scheme}://{parts.netloc}/" if parts.scheme and parts.netloc else ""
            return {"name_en": name, "url": site}  # the add form's fields
    return None


class CaptureAdminMixin:
    """For the entries' ModelAdmin (whose form includes ``AttachFileForm``)."""

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.upload_refused = refused_upload(request)
        suggested = suggested_source(obj)
        widget = form.base_fields.get("source") and form.base_fields["source"].widget
        if suggested and isinstance(widget, RelatedFieldWidgetWrapper):
            form.base_fields["source"].widget = SourceSuggestingWidget(widget, suggested)
        return form

    def save_attachment(self, request, form, entry):
        """Keep the file the form received as one of the entry's originals."""
        received = form.received_attachment
        if received is None:
            return
        try:
            link = services.attach_received(entry, received)
        finally:
            received.discard()
        message = gettext("Attached “%(name)s”.") % {"name": link.filename}
        self.message_user(request, message)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra_context = extra_context or {}
        if object_id and str(object_id).isdigit():
            extra_context["originals"] = (
                EntryOriginal.objects.filter(entry_id=int(object_id))
                .select_related("file")
                .prefetch_related(
                    Prefetch("readings", OcrReading.objects.select_related("searchable_pdf"))
                )
            )
        return super().changeform_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("add-from-file/", wrap(self.capture_view), name="archive_entry_capture"),
            path(
                "add-from-address/",
                wrap(self.capture_address_view),
                name="archive_entry_capture_address",
            ),
            path(
                "<int:entry_id>/originals/<int:link_id>/reextract/",
                wrap(self.reextract_view),
                name="archive_entry_reextract",
            ),
            path(
                "<int:entry_id>/originals/<int:link_id>/download/",
                wrap(self.original_download_view),
                name="archive_entry_original_download",
            ),
            path(
                "<int:entry_id>/originals/<int:link_id>/searchable.pdf",
                wrap(self.searchable_pdf_view),
                name="archive_entry_searchable_pdf",
            ),
            path(
                "<int:entry_id>/originals/<int:link_id>/ocr/",
                wrap(self.ocr_status_view),
                name="archive_entry_ocr_status",
            ),
            path(
                "<int:entry_id>/originals/<int:link_id>/ocr/again/",
                wrap(self.ocr_again_view),
                name="archive_entry_ocr_again",
            ),
            *super().get_urls(),
        ]

    def capture_view(self, request):
        """Upload a file: a draft entry pre-filled from it, opened for checking."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        files = request.FILES  # reading the upload runs the size-limit handler
        refused = refused_upload(request) if request.method == "POST" else None
        form = CaptureForm(None if refused else request.POST or None, files or None)
        if not refused and request.method == "POST" and form.is_valid():
            uploads = form.cleaned_data["file"]
            if len(uploads) == 1:
                try:
                    captured = services.capture(uploads[0], uploads[0].name)
                except services.CaptureFailed as failure:
                    form.add_error("file", str(failure))
                else:
                    return self._after_capture(request, captured)
            else:
                return self._after_several(request, form, uploads)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Add an entry from a file"),
            "form": form,
            "refused": refused,
            "opts": self.model._meta,
            "limit_mb": size_limit() // (1024 * 1024),
            "max_files": MAX_FILES_AT_ONCE,
        }
        return TemplateResponse(request, "admin/archive/entry/capture.html", context)

    def capture_address_view(self, request):
        """Paste addresses: each page fetched into a WARC and made a draft entry."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = AddressesForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            made, failed = [], []
            for address in form.cleaned_data["addresses"]:
                try:
                    captured = capture_address(
                        address, ignore_robots=form.cleaned_data["ignore_robots"]
                    )
                except services.CaptureFailed as failure:
                    failed.append(str(failure))
                    continue
                if captured.already is None:
                    made.append(captured.entry)
                    self._warn_duplicates(request, captured)
            for failure in failed:
                messages.error(request, failure)
            if len(made) == 1 and not failed:
                return redirect(reverse("admin:archive_entry_change", args=[made[0].pk]))
            for entry in made:
                messages.success(
                    request,
                    format_html(
                        '{} <a href="{}">#{} {}</a>',
                        gettext("Captured:"),
                        reverse("admin:archive_entry_change", args=[entry.pk]),
                        entry.pk,
                        entry,
                    ),
                )
            if made:
                return redirect(f"{reverse('admin:archive_entry_changelist')}?status__exact=draft")
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Add entries from web addresses"),
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/archive/entry/capture_address.html", context)

    def _after_several(self, request, form, uploads):
        """Each file captured on its own (one failing stops none of the others); the
        entry list then says what was made, what was there already and what failed."""
        made, failed = [], []
        for upload in uploads:
            try:
                captured = services.capture(upload, upload.name)
            except services.CaptureFailed as failure:
                failed.append(str(failure))
                continue
            if captured.already is not None:
                messages.warning(
                    request,
                    gettext("“%(name)s” is already the original of entry #%(id)d.")
                    % {"name": captured.filename, "id": captured.entry.pk},
                )
            else:
                made.append(captured.entry)
                self._warn_duplicates(request, captured)
        for failure in failed:
            messages.error(request, failure)
        if made:
            links = format_html_join(
                ", ",
                '<a href="{}">#{} {}</a>',
                ((reverse("admin:archive_entry_change", args=[e.pk]), e.pk, e) for e in made),
            )
            messages.success(
                request,
                format_html(
                    ngettext(
                        "%(count)d draft entry was made: {}. Check each, and publish when ready.",
                        "%(count)d draft entries were made: {}. Check each, and publish when "
                        "ready.",
                        len(made),
                    )
                    % {"count": len(made)},
                    links,
                ),
            )
        changelist = reverse("admin:archive_entry_changelist")
        return redirect(f"{changelist}?status__exact=draft")

    def _warn_duplicates(self, request, captured):
        for duplicate in captured.same_text:
            messages.warning(
                request,
                format_html(
                    gettext("The same text or address is already in entry {}."),
                    format_html(
                        '<a href="{}">#{} {}</a>',
                        reverse("admin:archive_entry_change", args=[duplicate.pk]),
                        duplicate.pk,
                        duplicate,
                    ),
                ),
            )

    def _after_capture(self, request, captured):
        entry = captured.entry
        change_url = reverse("admin:archive_entry_change", args=[entry.pk])
        if captured.already is not None:
            messages.warning(
                request,
                gettext(
                    "This file is already in the archive: it is the original of entry #%(id)d. "
                    "No new entry was made."
                )
                % {"id": entry.pk},
            )
            return redirect(change_url)
        if captured.pending:
            pages = len(captured.scan.to_read)
            message = ngettext(
                "A draft entry was made from “%(name)s”. Its text is being read by OCR "
                "(%(pages)d page): the report above the form shows the progress.",
                "A draft entry was made from “%(name)s”. Its text is being read by OCR "
                "(%(pages)d pages): the report above the form shows the progress.",
                pages,
            ) % {"name": captured.filename, "pages": pages}
        else:
            message = gettext(
                "A draft entry was made from “%(name)s”. Check what was found (the report "
                "is above the form), correct it, and publish when ready."
            ) % {"name": captured.filename}
        messages.success(request, message)
        self._warn_duplicates(request, captured)
        return redirect(change_url)

    def _link(self, request, entry_id, link_id) -> EntryOriginal:
        link = get_object_or_404(
            EntryOriginal.objects.select_related("entry", "file"), pk=link_id, entry_id=entry_id
        )
        if not self.has_view_permission(request, link.entry):
            raise PermissionDenied
        return link

    def reextract_view(self, request, entry_id, link_id):
        """Extract an original again: the differences, each accepted or not by the
        editor; nothing changes until they are."""
        link = self._link(request, entry_id, link_id)
        if not self.has_change_permission(request, link.entry):
            raise PermissionDenied
        try:
            found = services.reextract(link)
        except CaptureRefused as refusal:
            messages.error(request, f"{link.filename}: {refusal}")
            return redirect(reverse("admin:archive_entry_change", args=[entry_id]))
        if request.method == "POST":
            accepted = set(request.POST.getlist("accept")) & set(services.COMPARED)
            changed = services.accept(link, found, accepted)
            if changed:
                messages.success(
                    request,
                    gettext("Changed from the original: %(fields)s.")
                    % {"fields": ", ".join(changed)},
                )
            else:
                messages.info(request, gettext("Nothing was changed."))
            return redirect(reverse("admin:archive_entry_change", args=[entry_id]))
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Re-extract “%(name)s”") % {"name": link.filename},
            "link": link,
            "entry": link.entry,
            "differences": found.differences(link.entry),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/archive/entry/reextract.html", context)

    def original_download_view(self, request, entry_id, link_id):
        link = self._link(request, entry_id, link_id)
        try:
            return original_response(link)
        except FileNotFoundError:
            raise Http404("The stored file is missing.") from None

    def searchable_pdf_view(self, request, entry_id, link_id):
        """The searchable PDF OCR wrote for an original (its last one)."""
        link = self._link(request, entry_id, link_id)
        reading = link.readings.filter(searchable_pdf__isnull=False).first()
        if reading is None:
            raise Http404("This original has no searchable PDF.")
        try:
            return searchable_pdf_response(link, reading)
        except FileNotFoundError:
            raise Http404("The stored file is missing.") from None

    def ocr_status_view(self, request, entry_id, link_id):
        """An original's OCR reading as the entry's form shows it (HTMX polls it while
        the reading runs)."""
        link = self._link(request, entry_id, link_id)
        reading = link.readings.select_related("searchable_pdf").first()
        if reading is None:
            raise Http404("This original has not been read by OCR.")
        context = {
            "original": link,
            "reading": reading,
            "just_finished": not reading.in_progress,
            "has_change_permission": self.has_change_permission(request, link.entry),
        }
        return TemplateResponse(request, "admin/archive/entry/_ocr_reading.html", context)

    def ocr_again_view(self, request, entry_id, link_id):
        """Read an original again by OCR (a POST: the one action an editor takes)."""
        link = self._link(request, entry_id, link_id)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_change_permission(request, link.entry):
            raise PermissionDenied
        change_url = reverse("admin:archive_entry_change", args=[entry_id])
        if (
            link.file.content_type not in OCR_READS
            or link.readings.filter(
                state__in=[OcrReading.State.PENDING, OcrReading.State.RUNNING]
            ).exists()
        ):
            messages.warning(
                request,
                gettext("“%(name)s” is being read already, or is not a scan.")
                % {"name": link.filename},
            )
            return redirect(change_url)
        with transaction.atomic():
            reading = readings.read_again(link)
        reading.refresh_from_db()
        if reading.state == OcrReading.State.FAILED:
            messages.error(request, gettext("OCR failed: %(reason)s") % {"reason": reading.failure})
        else:
            messages.success(
                request,
                gettext("“%(name)s” is being read by OCR again; this page shows its progress.")
                % {"name": link.filename}
                if reading.in_progress
                else gettext("“%(name)s” was read by OCR again.") % {"name": link.filename},
            )
        return redirect(change_url)
