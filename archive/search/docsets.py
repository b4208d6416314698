"""Which documents of one index segment a query matches, as a sorted numpy array.

Whoosh hands out matches one at a time in Python, which is fine for the top 20 but slow
for "every matching document", which totals, facet counts and filters need. Here a
term's postings are read a whole block at a time (Whoosh keeps each block's document
numbers together), AND / OR / NOT combine whole arrays with numpy set operations, and
every other kind of query (phrases, prefixes, ranges) falls back to Whoosh's matcher.
Deleted documents are dropped once, at the end.
"""

import numpy as np
from whoosh import query as whoosh_query
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching.wrappers import FilterMatcher

DOCNUM = np.int32
EMPTY = np.empty(0, dtype=DOCNUM)


def term_docs(reader, fieldname: str, text) -> np.ndarray:
    """Document numbers of one term's postings (deleted documents included)."""
    if fieldname not in reader.schema:
        return EMPTY
    try:
        matcher = reader.postings(fieldname, text)
    except Exception:  # TermNotFound, or a field without postings
        return EMPTY
    while isinstance(matcher, FilterMatcher):  # the reader's deletion filter
        matcher = matcher.child
    if not isinstance(matcher, W3LeafMatcher):
        return np.fromiter(matcher.all_ids(), dtype=DOCNUM)
    blocks = []
    while matcher.is_active():
        matcher._read_ids()  # noqa: SLF001 - Whoosh reads a block's ids in one go here
        blocks.append(np.asarray(matcher._ids, dtype=DOCNUM))  # noqa: SLF001
        matcher._next_block()  # noqa: SLF001
    return np.concatenate(blocks) if blocks else EMPTY


def deleted_mask(reader) -> np.ndarray | None:
    if not reader.has_deletions():
        return None
    mask = np.zeros(reader.doc_count_all(), dtype=bool)
    mask[np.fromiter(reader.deleted_docs_set, dtype=DOCNUM)] = True
    return mask


def matching(searcher, query: whoosh_query.Query) -> np.ndarray:
    """Sorted numbers of the live documents ``query`` matches in a one-segment searcher."""
    docs = _docs(searcher, query)
    mask = deleted_mask(searcher.reader())
    return docs if mask is None or not len(docs) else docs[~mask[docs]]


def _docs(searcher, query) -> np.ndarray:
    reader = searcher.reader()
    if isinstance(query, whoosh_query.Term):
        return term_docs(reader, query.fieldname, query.text)
    if query is whoosh_query.NullQuery or isinstance(query, whoosh_query.NullQuery.__class__):
        return EMPTY
    if isinstance(query, whoosh_query.Every) and not query.fieldname:
        return np.arange(reader.doc_count_all(), dtype=DOCNUM)
    if isinstance(query, (whoosh_query.Or, whoosh_query.DisjunctionMax)):
        parts = [_docs(searcher, child) for child in query.children()]
        return np.unique(np.concatenate(parts)) if parts else EMPTY
    if isinstance(query, whoosh_query.And):
        return _intersect(_docs(searcher, child) for child in query.children())
    if isinstance(query, whoosh_query.Require):
        return _intersect(_docs(searcher, child) for child in (query.a, query.b))
    if isinstance(query, whoosh_query.AndMaybe):
        return _docs(searcher, query.a)
    if isinstance(query, whoosh_query.AndNot):
        return np.setdiff1d(_docs(searcher, query.a), _docs(searcher, query.b), assume_unique=True)
    if isinstance(query, whoosh_query.Not):
        every = np.arange(reader.doc_count_all(), dtype=DOCNUM)
        return np.setdiff1d(every, _docs(searcher, query.query), assume_unique=True)
    return np.fromiter(query.docs(searcher), dtype=DOCNUM)


def _intersect(arrays) -> np.ndarray:
    result = None
    for docs in arrays:
        result = docs if result is None else np.intersect1d(result, docs, assume_unique=True)
        if not len(result):
            return EMPTY
    return EMPTY if result is None else result
