"""Highlighted snippets for search hits: the passages of an entry's text with the most
searched words, the words in <mark>, everything else escaped.

Finding the words means analysing the text as the index did (stemming, CJK pairs). A
hit's body runs to thousands of words, so only the stretches around the first places
where a searched word's indexed form appears as plain text are analysed: a Snowball
stem is the start of the words it comes from ("relat" in "relations"), but for an
English final y ("citi" for "city") and a Russian ё ("елк" for "ёлка"), which the
pattern allows for; a CJK pair is part of its run. A text where no searched word can
appear (the hit matched in its title) is not analysed at all.
"""

import re
import unicodedata

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from whoosh import highlight
from whoosh import query as whoosh_query
from whoosh.analysis import Token

SNIPPET_CHARACTERS = 320
FRAGMENTS = 2
WINDOWS = 4  # stretches analysed around the first places a word may appear
WINDOW_REACH = 400  # characters each side of such a place


class MarkFormatter(highlight.Formatter):
    """HTML: all document text escaped, matched terms wrapped in <mark>; fragments are
    joined by an ellipsis, which also marks a cut at either end."""

    def _text(self, text):
        return escape(text)

    def format_token(self, text, token, replace=False):
        return f"<mark>{escape(highlight.get_text(text, token, replace))}</mark>"

    def format(self, fragments, replace=False):
        parts = []
        for fragment in fragments:
            html = self.format_fragment(fragment, replace).strip()
            if fragment.startchar > 0:
                html = "… " + html
            if fragment.endchar < len(fragment.text):
                html += " …"
            parts.append(html)
        return " ".join(parts).replace("… …", "…")


def searched_words(query, reader, fieldname: str = "body") -> frozenset[str]:
    """The field's indexed words a query looks for (prefixes expanded), leaving out the
    words it excludes."""

    def wanted(node):
        if isinstance(node, whoosh_query.Not):
            return
        if isinstance(node, whoosh_query.AndNot):
            yield from wanted(node.a)
        elif node.is_leaf():
            yield node
        else:
            for child in node.children():
                yield from wanted(child)

    words = set()
    for leaf in wanted(query):
        for field, text in leaf.existing_terms(reader, phrases=True, expand=True):
            if field == fieldname:
                words.add(text.decode("utf-8") if isinstance(text, bytes) else text)
    return frozenset(words)


class SnippetMaker:
    """Makes the snippets of one search's hits (the words and analyser are shared)."""

    def __init__(self, words: frozenset[str], analyzer):
        self.words = words
        self.analyzer = analyzer
        forms = "|".join(map(_plain_forms, sorted(words, key=len, reverse=True)))
        self.pattern = re.compile(forms, re.I) if words else None
        # Every place one may start, overlapping ones too (北方 and 方領 in 北方領土).
        self.starts = re.compile(f"(?=(?:{forms}))", re.I) if words else None

    def snippet(self, entry) -> SafeString:
        for text in (entry.body, entry.summary):
            if text and self.words:
                fragment = self._highlight(text)
                if fragment:
                    return mark_safe(fragment)
        plain = entry.summary or entry.body
        return mark_safe(escape(Truncator(plain).chars(SNIPPET_CHARACTERS)))

    def _highlight(self, text: str) -> str:
        windows = self._windows(text)
        if not windows:
            return ""
        tokens = self._tokens(text, windows)
        fragmenter = highlight.ContextFragmenter(maxchars=SNIPPET_CHARACTERS, surround=90)
        fragments = highlight.top_fragments(
            fragmenter.fragment_tokens(text, tokens),
            FRAGMENTS,
            highlight.BasicFragmentScorer(),
            highlight.FIRST,
        )
        return MarkFormatter()(text, fragments)

    def _windows(self, text: str) -> list[tuple[int, int]]:
        """Stretches of ``text`` (on word boundaries) around the first places a searched
        word may appear, merged where they overlap."""
        spans: list[tuple[int, int]] = []
        budget = WINDOWS * 2 * WINDOW_REACH  # characters analysed at most
        for match in self.pattern.finditer(text):
            start = _word_start(text, max(0, match.start() - WINDOW_REACH))
            end = _word_end(text, min(len(text), match.end() + WINDOW_REACH))
            if spans and start <= spans[-1][1]:
                spans[-1] = (spans[-1][0], end)
            elif len(spans) < WINDOWS:
                spans.append((start, end))
            if len(spans) == WINDOWS or sum(e - s for s, e in spans) >= budget:
                break
        return spans

    def _tokens(self, text: str, windows):
        """The windows' tokens as the highlighter reads them (one token object, reused as
        Whoosh's analysers do), each marked matched when its indexed form is searched.

        Only a piece where a searched word's plain form starts can be one (or a piece
        that NFKC changes, such as full-width letters): the others are not analysed, which
        spares stemming hundreds of words a snippet."""
        token = Token(chars=True)
        form, words = self.analyzer.form, self.words
        for start, end in windows:
            candidates = {match.start() for match in self.starts.finditer(text, start, end)}
            for first, piece in self.analyzer.spans(text, start, end):
                token.startchar, token.endchar = first, first + len(piece)
                if first in candidates or not unicodedata.is_normalized("NFKC", piece):
                    token.text = form(piece)[0]
                    token.matched = token.text in words
                else:
                    token.text, token.matched = piece, False
                yield token


def _plain_forms(word: str) -> str:
    """A pattern for where an indexed word may stand in plain text."""
    pattern = re.escape(word).replace("е", "[её]")
    if word.endswith("i") and word.isascii():
        pattern = pattern[:-1] + "[iy]"
    return pattern


MAX_WORD = 64  # CJK runs have no spaces: never walk further than this to find an edge


def _word_start(text: str, position: int) -> int:
    """``position``, moved back to the start of the word it falls in."""
    limit = max(0, position - MAX_WORD)
    while position > limit and text[position - 1].isalnum():
        position -= 1
    return position


def _word_end(text: str, position: int) -> int:
    limit = min(len(text), position + MAX_WORD)
    while position < limit and text[position].isalnum():
        position += 1
    return position
