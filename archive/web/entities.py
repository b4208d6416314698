"""A person's, a place's or an organization's page: its forms in every script, its
entries newest first, the entities named with it most often, its thesaurus concept."""

from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import get_language

from archive import search
from archive.entities.models import (
    KIND_PATHS,
    LABEL_LANGUAGES,
    PATH_KINDS,
    Entity,
    EntityStatus,
    EntryEntity,
)
from archive.models import Status
from archive.web.presentation import SearchState

ENTRIES_SHOWN = 20
COMPANIONS_SHOWN = 12


def _companions(entity: Entity) -> list[dict]:
    """The entities named in the most of this one's published entries."""
    entries = EntryEntity.objects.filter(entity=entity, entry__status=Status.PUBLISHED).values(
        "entry_id"
    )
    rows = (
        EntryEntity.objects.filter(entry_id__in=entries, entry__status=Status.PUBLISHED)
        .exclude(entity=entity)
        .values("entity_id")
        .annotate(together=Count("entry_id"))
        .order_by("-together", "entity_id")[:COMPANIONS_SHOWN]
    )
    together = {row["entity_id"]: row["together"] for row in rows}
    language = get_language()
    found = Entity.objects.in_bulk(list(together))
    return [
        {"entity": found[pk], "label": found[pk].label(language), "count": count}
        for pk, count in together.items()
        if pk in found
    ]


def entity_detail(request, kind_path: str, key: str):
    kind = PATH_KINDS.get(kind_path)
    entity = Entity.objects.select_related("concept", "merged_into").filter(key=key).first()
    if kind is None or entity is None:
        raise Http404("No such entity.")
    if entity.status == EntityStatus.MERGED and entity.merged_into_id:
        # A merged entity's address leads to the one it became: links never break.
        return redirect(entity.final().get_absolute_url(), permanent=True)
    if entity.status == EntityStatus.REJECTED:
        raise Http404("No such entity.")
    if KIND_PATHS[entity.kind] != kind_path:
        return redirect(entity.get_absolute_url(), permanent=True)
    facet = kind_path
    about = search.SearchRequest(
        filters=((facet, (entity.key,)),), sort="newest", per_page=ENTRIES_SHOWN, facets=False
    )
    page = search.search(about)
    forms: dict[str, list] = {}
    for form in entity.forms.all():
        forms.setdefault(form.script, []).append(form)
    return render(
        request,
        "archive/entity_detail.html",
        {
            "entity": entity,
            "label": entity.label(get_language()),
            "kind_label": entity.get_kind_display(),
            "forms": [
                {"script": code, "forms": forms[code]} for code in LABEL_LANGUAGES if code in forms
            ],
            "page": page,
            "search_url": SearchState.from_request(about).without("page").url(),
            "companions": _companions(entity),
        },
        status=200 if page.available else 503,
    )
