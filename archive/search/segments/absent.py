"""A query without the parts the index cannot match, found once for all its segments.

A word expanded through the thesaurus becomes a phrase or a word for each of its labels
in every field: "北方領土" is ~110 phrases and words, most of which (a Russian label in
the author field) no entry holds. Each segment's evaluation would look each of them up
again, and the snippets once more: ~22,000 look-ups for one search at 1,000,000 entries.
Here each word is looked up once in the whole index (``IndexStatistics.holds``: the
first segment holding it answers), and a term or phrase holding a word no entry has
becomes a ``NullQuery`` in place: it matched nothing, and still matches nothing, so every
document's match and score stay the same (no child is removed, so a disjunction's
coordination counts the same children).
"""

from whoosh import query as whoosh_query

from archive.search.query.tree import children, rewrite

NOTHING = whoosh_query.NullQuery


def without_absent(query, statistics):
    """``query`` with each term or phrase that holds a word the index lacks replaced by
    ``NOTHING``; ``statistics`` is the search's ``docsets.IndexStatistics``."""
    kind = type(query)
    if kind is whoosh_query.Term:
        return query if statistics.holds(query.fieldname, query.text) else NOTHING
    if kind is whoosh_query.Phrase:
        held = all(statistics.holds(query.fieldname, word) for word in query.words)
        return query if held else NOTHING
    if children(query):  # and, or, not, and not, …
        return rewrite(query, lambda child: without_absent(child, statistics))
    return query  # a word across fields, a prefix, everything: evaluated as they are
