"""Marking a search's words in an entry's whole text, for an entry page reached from a
search: the words the search looked for, found by the analysis the index used (a search
for ``exchanges`` marks ``exchange``; Russian stems; Japanese character pairs), and each
phrase only where the whole phrase stands. Everything else is escaped.
"""

from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from whoosh import query as whoosh_query

FIELD = "body"  # the text shown is the body's (and the summary's, analysed alike)


@dataclass(frozen=True)
class Sought:
    words: frozenset[str]  # indexed forms marked wherever they stand
    phrases: tuple[tuple[str, ...], ...]  # indexed forms marked only in this order

    def __bool__(self):
        return bool(self.words or self.phrases)


def sought(query, reader=None) -> Sought:
    """What ``query`` looks for in the body, leaving out what it excludes (NOT).
    With the index's ``reader``, prefixes and wildcards are expanded to its words."""
    words, phrases = set(), []
    for leaf in _wanted(query):
        if isinstance(leaf, whoosh_query.Phrase):
            if leaf.fieldname == FIELD and leaf.words:
                phrase = tuple(leaf.words)
                if len(phrase) == 1:
                    words.add(phrase[0])
                elif phrase not in phrases:
                    phrases.append(phrase)
            continue
        words |= _leaf_words(leaf, reader)
    return Sought(frozenset(words), tuple(phrases))


def _wanted(node):
    if isinstance(node, whoosh_query.Not):
        return
    if isinstance(node, whoosh_query.AndNot):
        yield from _wanted(node.a)
    elif node.is_leaf() or isinstance(node, whoosh_query.Phrase):
        yield node
    else:
        for child in node.children():
            yield from _wanted(child)


def _leaf_words(leaf, reader) -> set[str]:
    try:
        if reader is not None:
            pairs = leaf.existing_terms(reader, phrases=False, expand=True)
        elif isinstance(leaf, (whoosh_query.Wildcard, whoosh_query.Prefix)):
            pairs = ()  # without the index, a pattern's words are unknown
        else:
            pairs = leaf.terms() if leaf.has_terms() else ()
    except Exception:  # a leaf that names no terms (Every, a range): nothing to mark
        return set()
    return {
        text.decode("utf-8") if isinstance(text, bytes) else text
        for field, text in pairs
        if field == FIELD
    }


@dataclass(frozen=True)
class MarkedTexts:
    texts: tuple[SafeString, ...]  # each text escaped, the matches in <mark id="match-N">
    matches: int  # how many marks, numbered 1… across the texts in order


def mark_texts(texts: list[str], wanted: Sought, analyzer) -> MarkedTexts:
    """Each text with ``wanted`` marked; the marks numbered across all the texts."""
    marked, number = [], 0
    for text in texts:
        spans = _spans(text, wanted, analyzer) if wanted and text else []
        parts, last = [], 0
        for start, end in spans:
            number += 1
            parts.append(escape(text[last:start]))
            parts.append(f'<mark id="match-{number}">{escape(text[start:end])}</mark>')
            last = end
        parts.append(escape(text[last:]))
        marked.append(mark_safe("".join(parts)))
    return MarkedTexts(tuple(marked), number)


def _spans(text: str, wanted: Sought, analyzer) -> list[tuple[int, int]]:
    """Character spans of the wanted words and phrases, merged where they touch."""
    tokens = [
        (token.text, token.startchar, token.endchar)
        for token in analyzer(text, chars=True, mode="query")
    ]
    spans = [(start, end) for word, start, end in tokens if word in wanted.words]
    for phrase in wanted.phrases:
        size = len(phrase)
        for i in range(len(tokens) - size + 1):
            if all(tokens[i + k][0] == phrase[k] for k in range(size)):
                spans.append((tokens[i][1], tokens[i + size - 1][2]))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
