"""What one search may cost, bounded by design: no leading wildcards, a bounded number of
words per wildcard (the most frequent first), of wildcards, clauses and phrase words per
query, and a time budget. The searcher is told in a note whenever a limit applied.

The limits are settings (``ARCHIVE_SEARCH_*``, documented in the README), as Lucene's
clause and expansion limits and Elasticsearch's ``allow_expensive_queries`` are.
"""

import copy
import heapq
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext
from whoosh import query as whoosh_query

from archive.search.analysis import stem
from archive.search.query.tree import children, one_word_across_fields, rewrite, with_parts

WILDCARD_CHARACTERS = "*?"


class SearchTooSlow(Exception):
    """A search reached its time budget and was stopped."""


@dataclass(frozen=True)
class Limits:
    max_expansions: int  # words one wildcard word may stand for
    max_wildcards: int  # wildcard words in one query
    max_clauses: int  # words and phrases in one query
    max_phrase_words: int  # words in one phrase
    max_scanned_words: int  # words of the archive looked at to expand one wildcard

    @classmethod
    def from_settings(cls) -> "Limits":
        return cls(
            max_expansions=settings.ARCHIVE_SEARCH_MAX_EXPANSIONS,
            max_wildcards=settings.ARCHIVE_SEARCH_MAX_WILDCARDS,
            max_clauses=settings.ARCHIVE_SEARCH_MAX_CLAUSES,
            max_phrase_words=settings.ARCHIVE_SEARCH_MAX_PHRASE_WORDS,
            max_scanned_words=settings.ARCHIVE_SEARCH_MAX_SCANNED_WORDS,
        )


class ChosenTerms(whoosh_query.MultiTerm):
    """A wildcard word reduced to the words chosen for it; searched like the wildcard
    (each segment reads only the chosen words it has)."""

    def __init__(self, fieldname, text, words, boost=1.0, constantscore=True):
        self.fieldname = fieldname
        self.text = text  # the pattern as typed, for display
        self.words = tuple(words)  # encoded, as the index stores them
        self.boost = boost
        self.constantscore = constantscore

    def __eq__(self, other):
        return type(other) is type(self) and (self.fieldname, self.words, self.boost) == (
            other.fieldname,
            other.words,
            other.boost,
        )

    def __hash__(self):
        return hash((self.fieldname, self.words, self.boost))

    def __repr__(self):
        return f"ChosenTerms({self.fieldname!r}, {self.text!r}, {len(self.words)} words)"

    def _btexts(self, ixreader):
        return (word for word in self.words if (self.fieldname, word) in ixreader)


def _is_wildcard(query) -> bool:
    return isinstance(query, whoosh_query.Prefix | whoosh_query.Wildcard)


def _pattern(query) -> str:
    return f"{query.text}*" if isinstance(query, whoosh_query.Prefix) else query.text


class _Bounding:
    """One pass over a parsed query: repairs leading wildcards, then counts and expands."""

    def __init__(self, reader, limits: Limits):
        self.reader = reader
        self.limits = limits
        self.notes: list[str] = []
        self.patterns: list[str] = []  # wildcard words kept, in query order
        self.dropped_patterns: list[str] = []
        self.truncated: list[str] = []
        self.leading: dict[str, str] = {}  # typed pattern → what was searched ("" = none)
        self.clauses = 0
        self.dropped_clauses = 0
        self.shortened_phrases = False
        # Inside what the query excludes (``-word``, NOT): a bound that narrows what is
        # searched would let excluded entries back in, so none applies but the repair of
        # a leading wildcard (and the time budget).
        self.excluding = False

    def bound(self, query):
        query = self._visit(query)
        self._write_notes()
        return query

    def _visit(self, query):
        if isinstance(query, whoosh_query.AndNot):
            return with_parts(query, self._visit(query.a), self._excluded(query.b))
        if isinstance(query, whoosh_query.Not):
            bounded = copy.copy(query)
            bounded.query = self._excluded(query.query)
            return bounded
        # A word searched in several fields is one clause: count it once.
        if not children(query) or one_word_across_fields(query):
            return self._clause(query)
        return rewrite(query, self._visit)

    def _excluded(self, query):
        excluding, self.excluding = self.excluding, True
        try:
            return self._visit(query)
        finally:
            self.excluding = excluding

    def _clause(self, query):
        if query is whoosh_query.NullQuery or isinstance(query, whoosh_query.Every):
            return query
        if not self.excluding:  # an exclusion dropped would let its entries back in
            if self.clauses >= self.limits.max_clauses:
                self.dropped_clauses += 1
                return whoosh_query.NullQuery
            self.clauses += 1
        return rewrite(query, self._leaf) if children(query) else self._leaf(query)

    def _leaf(self, query):
        if _is_wildcard(query):
            return self._wildcard(query)
        if (
            isinstance(query, whoosh_query.Phrase)
            and len(query.words) > self.limits.max_phrase_words
            and not self.excluding  # a shorter phrase would exclude more
        ):
            self.shortened_phrases = True
            return whoosh_query.Phrase(
                query.fieldname,
                query.words[: self.limits.max_phrase_words],
                slop=query.slop,
                boost=query.boost,
            )
        return query

    def _wildcard(self, query):
        pattern = _pattern(query)
        if query.text[:1] in WILDCARD_CHARACTERS:
            query = self._without_leading_wildcard(query)
            if not _is_wildcard(query):
                return query
            pattern = _pattern(query)
        if self.excluding:  # every word it matches, found by each segment in its terms
            return query
        if pattern not in self.patterns:
            if len(self.patterns) >= self.limits.max_wildcards:
                if pattern not in self.dropped_patterns:
                    self.dropped_patterns.append(pattern)
                return whoosh_query.NullQuery
            self.patterns.append(pattern)
        return self._expand(query, pattern)

    def _without_leading_wildcard(self, query):
        typed = query.text
        rest = typed.lstrip(WILDCARD_CHARACTERS)
        if not any(character.isalnum() for character in rest):
            self.leading[typed] = ""
            return whoosh_query.NullQuery
        self.leading[typed] = rest
        if rest.endswith("*") and not any(c in WILDCARD_CHARACTERS for c in rest[:-1]):
            return whoosh_query.Prefix(query.fieldname, rest[:-1], boost=query.boost)
        if any(character in WILDCARD_CHARACTERS for character in rest):
            return whoosh_query.Wildcard(query.fieldname, rest, boost=query.boost)
        return whoosh_query.Term(query.fieldname, rest, boost=query.boost)

    def _expand(self, query, pattern):
        """The wildcard's most frequent words in the archive, at most max_expansions."""
        frequencies = []
        words = query._btexts(self.reader)  # noqa: SLF001  (Whoosh's own expansion)
        for scanned, word in enumerate(words, start=1):
            if scanned > self.limits.max_scanned_words:
                self._truncated(pattern)
                break
            frequencies.append((self.reader.doc_frequency(query.fieldname, word), word))
        if len(frequencies) > self.limits.max_expansions:
            self._truncated(pattern)
        chosen = heapq.nlargest(self.limits.max_expansions, frequencies)
        return ChosenTerms(
            query.fieldname,
            query.text,
            [word for _, word in chosen],
            boost=query.boost,
            constantscore=query.constantscore,
        )

    def _truncated(self, pattern):
        if pattern not in self.truncated:
            self.truncated.append(pattern)

    def _write_notes(self):
        limits = self.limits
        for typed, searched in self.leading.items():
            if searched:
                note = gettext(
                    "A wildcard at the start of a word (“%(typed)s”) would read every word "
                    "in the archive: searched “%(searched)s” instead."
                )
            else:
                note = gettext(
                    "A wildcard at the start of a word (“%(typed)s”) would read every word "
                    "in the archive: it was left out."
                )
            self.notes.append(note % {"typed": typed, "searched": searched})
        if self.truncated:
            words = ", ".join(f"“{pattern}”" for pattern in self.truncated)
            self.notes.append(
                gettext(
                    "A wildcard word stands for at most %(limit)d words: for %(words)s the "
                    "most frequent %(limit)d were searched."
                )
                % {"limit": limits.max_expansions, "words": words}
            )
        if self.dropped_patterns:
            words = ", ".join(f"“{pattern}”" for pattern in self.dropped_patterns)
            self.notes.append(
                gettext(
                    "Only %(limit)d words with wildcards are searched in one query: "
                    "%(words)s left out."
                )
                % {"limit": limits.max_wildcards, "words": words}
            )
        if self.dropped_clauses:
            self.notes.append(
                gettext("Only the first %(limit)d words and phrases of the query were searched.")
                % {"limit": limits.max_clauses}
            )
        if self.shortened_phrases:
            self.notes.append(
                gettext(
                    "A phrase longer than %(limit)d words was searched for its first %(limit)d "
                    "words."
                )
                % {"limit": limits.max_phrase_words}
            )


def distinctive_words(words: list[str], reader, limits: Limits | None = None):
    """At most ``max_clauses`` of the words, the rarest in the archive first (they say
    most about what is asked); returns (kept in their order, how many were dropped)."""
    limit = (limits or Limits.from_settings()).max_clauses
    if len(words) <= limit:
        return words, 0
    rarity = {word: reader.doc_frequency("body", stem(word)) for word in words}
    kept = set(sorted(words, key=lambda word: rarity[word])[:limit])
    return [word for word in words if word in kept], len(words) - limit


def bound(query, reader, limits: Limits | None = None):
    """The query within the limits, and the notes saying what was changed."""
    bounding = _Bounding(reader, limits or Limits.from_settings())
    bounded = bounding.bound(query)
    if bounded is not whoosh_query.NullQuery:
        bounded = bounded.normalize()
    return bounded, tuple(bounding.notes)


# The time budget ---------------------------------------------------------------------------

_deadline = threading.local()


@contextmanager
def time_budget(seconds: float):
    """Searches in this block stop with SearchTooSlow once they have used ``seconds`` of
    the processor. Processor time, not the clock: on a busy server a cheap search waits
    for its turn, and must not be stopped for the others' work."""
    previous = getattr(_deadline, "at", None)
    _deadline.at = time.thread_time() + seconds if seconds > 0 else None
    try:
        yield
    finally:
        _deadline.at = previous


def check_time():
    """Called between steps of a search (each word, each block of postings)."""
    at = getattr(_deadline, "at", None)
    if at is not None and time.thread_time() > at:
        raise SearchTooSlow


@contextmanager
def not_counted():
    """Work done once per process (reading a segment's arrays into the caches) is not
    the search's cost: nothing inside is stopped by the budget (reading them checks the
    time as a search does), and the budget is moved on by the processor time it took."""
    started = time.thread_time()
    at = getattr(_deadline, "at", None)
    _deadline.at = None
    try:
        yield
    finally:
        _deadline.at = None if at is None else at + (time.thread_time() - started)
