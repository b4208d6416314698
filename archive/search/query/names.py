"""A query's words also searched as names in other scripts (``search/names``): each word
that names something written otherwise in the index is searched as typed OR under its
name keys, the keys weighted below the words typed. A word after NOT or a minus excludes
the name in every script. Words searched in one named field and prefixes are left as
typed.
"""

import re
from dataclasses import replace

from whoosh import query as whoosh_query

from archive.search.names import NameAlternatives, alternatives_for, forms_matched
from archive.search.names.matching import MAX_FORMS_SHOWN, clause
from archive.search.query.expansion import default_fields_word, label_terms
from archive.search.query.limits import Limits
from archive.search.query.tree import rewrite

MAX_NAMED_WORDS = 12  # words of one query looked up as names (a pasted page has hundreds)
# In a query longer than this, only the words written as names are looked up (a question
# of prose is mostly plain words, each lookup a few reads of the index's lexicon).
EVERY_WORD_UP_TO = 4
_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
_TOKEN = re.compile(r'(?:^|(?<=\s))(NOT\s+|-)?([^\s"()]+)')


def _typed_words(text: str) -> list[str]:
    """The words typed, as the parser reads them: a katakana name with ・ is two words
    (セルゲイ・ラブロフ), each looked up, as is the whole."""
    words = []
    for _excluded, word in _TOKEN.findall(text):
        if ":" in word or word.endswith("*") or word in ("AND", "OR", "NOT"):
            continue
        word = word.strip("'’.,;!?")
        parts = [part for part in word.split("・") if part]
        words += parts + ([word] if len(parts) > 1 else [])
    return words


def with_names(query, text: str, reader) -> tuple[object, tuple[NameAlternatives, ...]]:
    """The query with its words' name keys added beside them, and for each word the
    forms of other scripts that the index holds under them."""
    by_terms: dict[tuple[str, ...], NameAlternatives] = {}
    words = _typed_words(text)
    # As the query holds a word's terms: a long phrase is cut to its first words.
    max_terms = Limits.from_settings().max_phrase_words
    for position, word in enumerate(words):
        if len(by_terms) >= MAX_NAMED_WORDS:
            break
        # A capital says "a name", unless it only begins a sentence of several words.
        as_name = word[:1].isupper() and (position > 0 or len(words) == 1)
        if len(words) > EVERY_WORD_UP_TO and not (as_name or _JAPANESE.search(word)):
            continue
        alternatives = alternatives_for(word)
        found = alternatives.present(reader) if alternatives else None
        if found is None:
            continue
        found = replace(found, typed_as_name=as_name)
        forms = forms_matched(reader, found)
        terms = label_terms(word)[:max_terms]
        if forms and terms and terms not in by_terms:
            by_terms[terms] = replace(found, forms=forms[:MAX_FORMS_SHOWN])
    if not by_terms:
        return query, ()
    used: dict[str, NameAlternatives] = {}
    return _rewritten(query, by_terms, used), tuple(used.values())


def _word_terms(node) -> tuple[str, ...] | None:
    """The terms of a word searched across the default fields: one BM25F clause, a phrase
    in each field, or (as a word under NOT is read) a term in each field."""
    terms = default_fields_word(node)
    if terms is None and type(node) is whoosh_query.Or:
        kids = list(node.children())
        texts = {kid.text for kid in kids if type(kid) is whoosh_query.Term}
        if len(kids) > 1 and len(texts) == 1 and all(type(k) is whoosh_query.Term for k in kids):
            terms = (texts.pop(),)
    return terms


def _rewritten(node, by_terms, used):
    """``used`` collects the words matched in other scripts (None: under NOT, where a
    name is excluded in every script and nothing is said)."""
    if isinstance(node, whoosh_query.Not):
        return whoosh_query.Not(_rewritten(node.query, by_terms, None))
    if isinstance(node, whoosh_query.AndNot):
        return whoosh_query.AndNot(
            _rewritten(node.a, by_terms, used), _rewritten(node.b, by_terms, None)
        )
    terms = _word_terms(node)
    if terms is not None and terms in by_terms:
        alternatives = by_terms[terms]
        if used is not None:
            used[alternatives.word] = alternatives
        return whoosh_query.Or([node, clause(alternatives)])
    if isinstance(
        node, (whoosh_query.And, whoosh_query.Or, whoosh_query.Require, whoosh_query.AndMaybe)
    ) and not isinstance(node, whoosh_query.DisjunctionMax):
        return rewrite(node, lambda kid: _rewritten(kid, by_terms, used))
    return node


def words_of_forms(names: tuple[NameAlternatives, ...]) -> frozenset[str]:
    """The indexed words of the forms a query's names matched in other scripts: marked
    where the words typed are (Лавров and ラブロフ in a search for Lavrov)."""
    return frozenset(term for found in names for form in found.forms for term in label_terms(form))
