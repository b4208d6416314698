"""The thesaurus's public pages: every concept, and one concept with its names in every
language, its broader, narrower and related concepts, and the entries about it."""

from django.shortcuts import get_object_or_404, render

from archive import search
from archive.thesaurus.models import LANGUAGES, Concept, LabelKind
from archive.web.presentation import SearchState

ENTRIES_SHOWN = 20


def _names(concept) -> list[dict]:
    """Per language: the preferred label and the other (shown) labels."""
    rows = []
    for code, language in LANGUAGES:
        labels = [label for label in concept.labels.all() if label.language == code]
        preferred = next((label.text for label in labels if label.kind == LabelKind.PREFERRED), "")
        others = [label.text for label in labels if label.kind == LabelKind.ALTERNATIVE]
        if preferred or others:
            rows.append(
                {"code": code, "language": language, "preferred": preferred, "others": others}
            )
    return rows


def concept_list(request):
    concepts = Concept.objects.prefetch_related("labels", "broader")
    by_parent: dict[int | None, list] = {}
    for concept in concepts:
        parents = [parent.pk for parent in concept.broader.all()] or [None]
        for parent in parents:
            by_parent.setdefault(parent, []).append(concept)

    def tree(parent, seen):
        return [
            {"concept": concept, "children": tree(concept.pk, seen | {concept.pk})}
            for concept in sorted(by_parent.get(parent, []), key=lambda c: c.name().casefold())
            if concept.pk not in seen
        ]

    return render(
        request,
        "archive/concept_list.html",
        {"tree": tree(None, frozenset()), "count": len(concepts)},
    )


def concept_detail(request, key: str):
    related_labels = ("labels", "broader__labels", "narrower__labels", "related__labels")
    concept = get_object_or_404(
        Concept.objects.select_related("topic").prefetch_related(*related_labels), key=key
    )
    about = search.SearchRequest(concept=concept.key, per_page=ENTRIES_SHOWN, facets=False)
    page = search.search(about)
    return render(
        request,
        "archive/concept_detail.html",
        {
            "concept": concept,
            "names": _names(concept),
            "broader": sorted(concept.broader.all(), key=lambda c: c.name()),
            "narrower": sorted(concept.narrower.all(), key=lambda c: c.name()),
            "related": sorted(concept.related.all(), key=lambda c: c.name()),
            "page": page,
            "search_url": SearchState.from_request(about).without("page").url(),
            "topic_url": SearchState((("topic", concept.topic.slug),)).url()
            if concept.topic
            else None,
        },
        status=200 if page.available else 503,
    )
