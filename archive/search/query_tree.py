"""Rewriting parsed queries. Whoosh's ``apply()`` rebuilds a compound query from its
class, boost and children only, dropping an OR's ``scale`` (how "any of the words"
ranks entries matching more of them) and ``minmatch``; this keeps them."""

import copy

from whoosh.query.compound import CompoundQuery


def children(query) -> list:
    return list(query.children())  # Whoosh gives an iterator


def rewrite(query, function):
    """The query with ``function`` applied to each child, every other attribute kept."""
    if isinstance(query, CompoundQuery):
        rewritten = copy.copy(query)
        rewritten.subqueries = [function(child) for child in query.subqueries]
        return rewritten
    return query.apply(function)
