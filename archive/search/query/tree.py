"""Rewriting parsed queries. Whoosh's ``apply()`` rebuilds a compound query from its
class, boost and children only, dropping an OR's ``scale`` (how "any of the words"
ranks entries matching more of them) and ``minmatch``; this keeps them. A binary query
(``a -b`` is an AND NOT) is read through its ``a`` and ``b``, which this rewrites with
its children."""

import copy

from whoosh import query as whoosh_query
from whoosh.query.compound import BinaryQuery, CompoundQuery


def children(query) -> list:
    return list(query.children())  # Whoosh gives an iterator


def rewrite(query, function):
    """The query with ``function`` applied to each child, every other attribute kept."""
    if isinstance(query, BinaryQuery):  # AndNot, AndMaybe, Require, Otherwise
        return with_parts(query, function(query.a), function(query.b))
    if isinstance(query, CompoundQuery):
        rewritten = copy.copy(query)
        rewritten.subqueries = [function(child) for child in query.subqueries]
        return rewritten
    return query.apply(function)


def with_parts(query: BinaryQuery, a, b) -> BinaryQuery:
    """A copy of a binary query with the parts ``a`` and ``b`` (its children too)."""
    rewritten = copy.copy(query)
    rewritten.a, rewritten.b = a, b
    rewritten.subqueries = (a, b)
    return rewritten


def excluded_parts(query) -> list:
    """What a query excludes: the subject of each NOT (``-word``) and of each AND NOT."""
    if isinstance(query, whoosh_query.Not):
        return [query.query]
    if isinstance(query, whoosh_query.AndNot):
        return [query.b, *excluded_parts(query.a)]
    return [part for child in children(query) for part in excluded_parts(child)]


def one_word_across_fields(query) -> bool:
    """A compound of one word (or phrase, or pattern) searched in several fields: what
    the parser makes of a plain word."""
    leaves = children(query)
    if not leaves or any(children(leaf) for leaf in leaves):
        return False
    texts = {getattr(leaf, "text", None) or tuple(getattr(leaf, "words", ())) for leaf in leaves}
    return len(texts) == 1 and len({leaf.field() for leaf in leaves}) == len(leaves)
