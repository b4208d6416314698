"""A researcher's list in the web layer: "Add to my list" (a form that POSTs, with htmx the
button changes in place), "Add all results", the list page (reorder, remove, clear, a
note per entry), its exports, and sharing it as a permanent list at ``/lists/<key>/``.
The list lives in the visitor's session; no one reaches another's."""

import datetime

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from archive import citations
from archive.dates import display_day
from archive.lists import exports
from archive.lists.collected import MAX_AT_ONCE, NOTE_MAX_CHARS, ListRefused, MyList
from archive.lists.models import SharedList
from archive.lists.sharing import share, shared_entries
from archive.models import Entry
from archive.services.versions import snapshot
from archive.web.citation_downloads import (
    EXPORT_LIMIT,
    citable_entries,
    records_of,
    topic_paths_of,
)
from archive.web.languages import permalinks
from archive.web.ratelimits import rate_limited
from archive.web.searching import (
    InvalidParameters,
    SearchUnavailable,
    run,
    search_request_from,
)

TITLE_MAX = 200
DESCRIPTION_MAX = 2000
EXPORTS = ("bib", "ris", "json", "csv", "txt", "jsonl")


def list_in_header(request) -> dict:
    """Every page's header: how many entries the visitor's list holds (a context
    processor; reads the session only when the visitor has one)."""
    if not request.COOKIES.get(settings.SESSION_COOKIE_NAME):
        return {"my_list_count": 0, "my_list_ids": frozenset()}
    my_list = MyList(request.session)
    return {"my_list_count": len(my_list), "my_list_ids": frozenset(my_list.entry_ids)}


def _back(request, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
        return target
    return fallback


def _refused(request, message: str, status: int = 400):
    if request.htmx:
        return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
    messages.error(request, message)
    return redirect(_back(request, reverse("archive:my-list")))


def _ids(values: list[str]) -> list[int]:
    if len(values) > MAX_AT_ONCE:
        raise ListRefused(
            _("At most %(count)d entries can be added at once.") % {"count": MAX_AT_ONCE}
        )
    try:
        ids = [int(value) for value in values]
    except ValueError:
        raise ListRefused(_("An entry is named by its number.")) from None
    if not ids or any(value <= 0 or value > 2**53 for value in ids):
        raise ListRefused(_("No entry has this number."))
    return ids


@require_POST
def add(request):
    my_list = MyList(request.session)
    try:
        ids = _ids(request.POST.getlist("entry"))
        added = my_list.add(ids)
    except ListRefused as refusal:
        return _refused(request, str(refusal))
    if added.not_published and not added.added and not added.already:
        return _refused(request, _("No published entry has this number."), status=404)
    if request.htmx:
        return render(
            request,
            "lists/_added.html",
            {"entry_id": ids[0], "my_list_count": len(my_list)},
        )
    _say_added(request, added.added, added.already)
    return redirect(_back(request, reverse("archive:my-list")))


def _say_added(request, added: int, already: int):
    if added:
        messages.success(
            request,
            ngettext(
                "%(count)d entry added to your list.",
                "%(count)d entries added to your list.",
                added,
            )
            % {"count": added},
        )
    if already:
        messages.info(
            request,
            ngettext(
                "%(count)d entry was already in your list.",
                "%(count)d entries were already in your list.",
                already,
            )
            % {"count": already},
        )


@require_POST
@rate_limited("export", "page")
def add_all(request):
    """A search's results (the first EXPORT_LIMIT, in its order) added to the list."""
    params = QueryDict(request.POST.get("query", "").lstrip("?"))
    try:
        built = search_request_from(
            params,
            page=1,
            per_page=EXPORT_LIMIT,
            snippets=False,
            facets=False,
            load_entries=False,
        )
        page = run(built)
    except (InvalidParameters, SearchUnavailable):
        return _refused(request, _("The search could not be run; nothing was added."), 503)
    try:
        added = MyList(request.session).add(list(page.entry_ids))
    except ListRefused as refusal:
        return _refused(request, str(refusal))
    _say_added(request, added.added, added.already)
    return redirect(reverse("archive:search") + "?" + params.urlencode())


def _entry_id(request) -> int:
    try:
        return _ids([request.POST.get("entry", "")])[0]
    except ListRefused:
        raise Http404("No entry has this number.") from None


@require_POST
def remove(request):
    MyList(request.session).remove(_entry_id(request))
    return redirect(reverse("archive:my-list"))


@require_POST
def move(request):
    step = -1 if request.POST.get("direction") == "up" else 1
    entry_id = _entry_id(request)
    try:
        MyList(request.session).move(entry_id, step)
    except ListRefused as refusal:
        return _refused(request, str(refusal))
    return redirect(reverse("archive:my-list") + f"#item-{entry_id}")


@require_POST
def clear(request):
    MyList(request.session).clear()
    messages.success(request, _("Your list is empty."))
    return redirect(reverse("archive:my-list"))


@require_POST
def note(request):
    entry_id = _entry_id(request)
    try:
        MyList(request.session).set_note(entry_id, request.POST.get("note", ""))
    except ListRefused as refusal:
        return _refused(request, str(refusal))
    messages.success(request, _("Note saved."))
    return redirect(reverse("archive:my-list") + f"#item-{entry_id}")


def _style(request) -> str:
    style = request.GET.get("style", "chicago")
    return style if style in exports.STYLE_NAMES else "chicago"


@require_GET
def my_list_page(request):
    my_list = MyList(request.session)
    withdrawn = my_list.forget_unpublished() if len(my_list) else 0
    entries = citable_entries(my_list.entry_ids)
    style = _style(request)
    records = records_of(request, entries)
    notes = my_list.notes
    return render(
        request,
        "lists/my_list.html",
        {
            "items": [
                (entry, notes[entry.pk], text)
                for entry, text in zip(entries, exports.bibliography(records, style), strict=True)
            ],
            "withdrawn": withdrawn,
            "style": style,
            "styles": [("chicago", "Chicago"), ("apa", "APA"), ("mla", "MLA")],
            "note_max": NOTE_MAX_CHARS,
            "title_max": TITLE_MAX,
            "description_max": DESCRIPTION_MAX,
            "exports": _export_links(reverse("archive:my-list"), style),
        },
    )


def _export_links(base: str, style: str) -> list[tuple[str, str]]:
    return [
        ("BibTeX", f"{base}cite.bib"),
        ("RIS", f"{base}cite.ris"),
        ("CSL-JSON", f"{base}cite.json"),
        ("CSV", f"{base}cite.csv"),
        (_("bibliography (text)"), f"{base}cite.txt?style={style}"),
        (_("texts for text mining (JSONL)"), f"{base}cite.jsonl"),
    ]


@require_GET
def my_list_export(request, fmt: str):
    my_list = MyList(request.session)
    entries = citable_entries(my_list.entry_ids)
    notes = my_list.notes
    if fmt == "jsonl":
        ids = [entry.pk for entry in entries]
        full = (
            Entry.objects.filter(pk__in=ids)
            .select_related("source")
            .prefetch_related("identifiers")
            .in_bulk()
        )
        paths = topic_paths_of(ids)  # every entry's topics in two queries, not a few each
        lines = [
            exports.text_line(
                full[entry.pk],
                snapshot(full[entry.pk], topic_paths=paths[entry.pk]),
                request.build_absolute_uri(path),
                notes[entry.pk],
                None,
            )
            for entry, path in zip(entries, permalinks(entries), strict=True)
        ]
        return _file(exports.jsonl_text(lines), "jsonl", "rjarchive-my-list")
    records = records_of(request, entries)
    rows = [
        exports.row_of(position, record, notes[record.entry_id], None)
        for position, record in enumerate(records, start=1)
    ]
    return _export(request, fmt, records, rows, "rjarchive-my-list")


def _export(request, fmt: str, records, rows, filename: str):
    if fmt in citations.FORMATS:
        content_type, render_records = citations.FORMATS[fmt]
        return _file(render_records(records), fmt, filename, content_type)
    if fmt == "csv":
        return _file(exports.csv_text(rows), "csv", filename, "text/csv; charset=utf-8")
    if fmt == "txt":
        text = "\n\n".join(exports.bibliography(records, _style(request))) + "\n"
        return _file(text, "txt", filename, "text/plain; charset=utf-8")
    raise Http404("Unknown export format.")


def _file(content: str, fmt: str, filename: str, content_type: str = "") -> HttpResponse:
    content_type = content_type or "application/x-ndjson; charset=utf-8"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
@rate_limited("share", "page")
def share_list(request):
    my_list = MyList(request.session)
    title = " ".join(request.POST.get("title", "").split())
    description = request.POST.get("description", "").replace("\x00", "").strip()
    if not title:  # the date it was shared names it until its maker names it better
        title = _("A list shared on %(day)s") % {"day": display_day(datetime.date.today())}
    if len(title) > TITLE_MAX or len(description) > DESCRIPTION_MAX:
        return _refused(
            request,
            _("A title may have at most %(title)d characters and a description %(text)d.")
            % {"title": TITLE_MAX, "text": DESCRIPTION_MAX},
        )
    try:
        shared = share(my_list, title, description)
    except ListRefused:
        return _refused(request, _("Your list is empty: add entries before sharing it."))
    return redirect(reverse("archive:shared-list", args=[shared.key]))


def _shared(key: str) -> SharedList:
    if len(key) > 32:
        raise Http404("No shared list has this address.")
    return get_object_or_404(SharedList, key=key)


@require_GET
def shared_list_page(request, key: str):
    shared = _shared(key)
    items = shared_entries(shared)
    style = _style(request)
    present = [item for item in items if not item.withdrawn]
    records = _records_then(request, present)
    cited = dict(
        zip(
            [item.position for item in present],
            exports.bibliography(records, style),
            strict=True,
        )
    )
    return render(
        request,
        "lists/shared_list.html",
        {
            "shared": shared,
            "made": display_day(shared.created_at.astimezone(datetime.UTC).date()),
            "items": [(item, cited.get(item.position, "")) for item in items],
            "style": style,
            "styles": [("chicago", "Chicago"), ("apa", "APA"), ("mla", "MLA")],
            "exports": _export_links(reverse("archive:shared-list", args=[key]), style),
            "address": request.build_absolute_uri(),
        },
    )


def _records_then(request, items):
    """Each entry cited at the version the list was shared with."""
    archived = citations.archived_copies([item.entry_id for item in items])
    return [
        citations.record_for_version(
            item.version,
            request.build_absolute_uri(item.version.get_absolute_url()),
            archived.get(item.entry_id),
        )
        for item in items
    ]


@require_GET
def shared_list_export(request, key: str, fmt: str):
    shared = _shared(key)
    present = [item for item in shared_entries(shared) if not item.withdrawn]
    filename = f"rjarchive-list-{key[:8]}"
    if fmt == "jsonl":
        lines = [
            exports.text_line(
                item.version.entry,
                item.version.snapshot,
                request.build_absolute_uri(item.version.get_absolute_url()),
                item.note,
                item.version.number,
            )
            for item in present
        ]
        return _file(exports.jsonl_text(lines), "jsonl", filename)
    records = _records_then(request, present)
    rows = [
        exports.row_of(item.position, record, item.note, item.version.number)
        for item, record in zip(present, records, strict=True)
    ]
    return _export(request, fmt, records, rows, filename)
