"""Small helpers shared by the search tests."""

from archive import search
from archive.search import SearchRequest


def run(query="", **options) -> search.SearchPage:
    filters = options.pop("filters", {})
    return search.search(
        SearchRequest(
            query=query, filters=tuple((k, tuple(v)) for k, v in filters.items()), **options
        )
    )


def titles(page) -> list[str]:
    return [hit.entry.title for hit in page.hits]


def ids(page) -> list[int]:
    return [hit.entry.pk for hit in page.hits]
