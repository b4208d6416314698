"""What a search gives back: the page of hits, facets, snippets, the searched words
marked in a text, related entries."""
