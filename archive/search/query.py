"""Reading what a searcher typed: syntax, repairs with a note, fallbacks, suggestions.

Supported: words (all must match), "exact phrases", OR, NOT or -word, (groups),
field:word for title, summary, text, source, topic, author, issn, doi, and prefix*.
Nothing a person types raises: broken syntax is repaired or read as plain words, and
the searcher is told how the query was understood.
"""

import re
import unicodedata
from dataclasses import dataclass

from whoosh import qparser
from whoosh import query as whoosh_query

from archive.search import limits
from archive.search.analysis import STOP_WORDS, significant_words, stem
from archive.search.schema import DEFAULT_FIELD_BOOSTS, FIELD_ALIASES

MAX_QUERY_CHARACTERS = 500
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_INVISIBLE = re.compile(r"[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]")
_FIELD_PREFIX = re.compile(r"(?<![\w])([A-Za-z_]+):")
_EMPTY_FIELD = re.compile(r"(?<![\w])([A-Za-z_]+):(?=\s|$|\))")
_OPERATORS = re.compile(r'(?:\b(?:AND|OR|NOT)\b|["()*:]|(?:^|\s)[-+]\S)')


@dataclass(frozen=True)
class ParsedQuery:
    text: str  # the query as it was searched (after repairs)
    query: whoosh_query.Query
    notes: tuple[str, ...] = ()
    browse_all: bool = False  # nothing to search for: show the whole archive
    uses_syntax: bool = False  # operators, phrases, fields or wildcards were used


def clean(text: str) -> tuple[str, list[str]]:
    """Remove control characters, normalise Unicode and whitespace, bound the length."""
    notes = []
    text = unicodedata.normalize("NFC", text or "")
    text = _INVISIBLE.sub("", _CONTROL.sub(" ", text))
    text = " ".join(text.split())
    if len(text) > MAX_QUERY_CHARACTERS:
        cut = text[:MAX_QUERY_CHARACTERS]
        text = cut.rsplit(" ", 1)[0] if " " in cut else cut
        notes.append(f"Your query was shortened to its first {MAX_QUERY_CHARACTERS} characters.")
    return text, notes


def repair(text: str) -> tuple[str, list[str]]:
    """Fix what the parser would misread: odd quotes, unbalanced brackets, empty fields,
    unknown field names."""
    notes = []
    if text.count('"') % 2:
        position = text.rfind('"')
        text = text[:position] + text[position + 1 :]
        notes.append("An unmatched quotation mark was ignored.")
    depth, balanced = 0, True
    for character in text:
        depth += {"(": 1, ")": -1}.get(character, 0)
        balanced = balanced and depth >= 0
    if depth != 0 or not balanced:
        text = text.replace("(", " ").replace(")", " ")
        notes.append("Unbalanced parentheses were ignored.")
    if _EMPTY_FIELD.search(text):
        text = _EMPTY_FIELD.sub(" ", text)
        notes.append("A field name with nothing after it (like “title:”) was ignored.")

    def known_field(match):
        name = match.group(1).lower()
        if name in FIELD_ALIASES:
            return f"{FIELD_ALIASES[name]}:"
        notes.append(f"“{match.group(1)}:” is not a field you can search; searched it as text.")
        return f"{match.group(1)} "

    text = _FIELD_PREFIX.sub(known_field, text)
    return " ".join(text.split()), notes


def _parser(schema, group) -> qparser.QueryParser:
    parser = qparser.MultifieldParser(
        list(DEFAULT_FIELD_BOOSTS), schema, fieldboosts=DEFAULT_FIELD_BOOSTS, group=group
    )
    # Apostrophes belong to words ("Japan's"), not to single-quoted terms.
    parser.remove_plugin_class(qparser.SingleQuotePlugin)
    parser.remove_plugin_class(qparser.BoostPlugin)
    parser.remove_plugin_class(qparser.RangePlugin)
    # "-word" excludes and "+word" requires, but only at a word's start: "2618-7159" and
    # "Russian-Japanese" stay single terms.
    parser.add_plugin(qparser.PlusMinusPlugin(plusexpr=r"(?<!\S)\+", minusexpr=r"(?<!\S)-"))
    return parser


def _analyse_wildcards(query: whoosh_query.Query) -> whoosh_query.Query:
    """Prefix and wildcard terms are matched against stems: lower-case and stem them."""
    if isinstance(query, whoosh_query.Prefix):
        word = unicodedata.normalize("NFKC", query.text).lower()
        stemmed = stem(word)
        return whoosh_query.Prefix(query.fieldname, stemmed if word.startswith(stemmed) else word)
    if isinstance(query, whoosh_query.Wildcard):
        return whoosh_query.Wildcard(query.fieldname, query.text.lower())
    return query.apply(_analyse_wildcards) if query.children() else query


def _is_everything(query: whoosh_query.Query) -> bool:
    if isinstance(query, whoosh_query.Every):
        return True
    if isinstance(query, whoosh_query.Or):
        return any(_is_everything(child) for child in query.children())
    return False


def _is_empty(query: whoosh_query.Query) -> bool:
    return query is whoosh_query.NullQuery or query.normalize() is whoosh_query.NullQuery


def parse(text: str, schema, *, match_any: bool = False, reader=None) -> ParsedQuery:
    """Parse a searcher's query; ``match_any`` ranks entries with any of the words. With
    the index's ``reader``, the query is also bounded in cost (``limits.py``)."""
    text, notes = clean(text)
    if not text:
        return ParsedQuery("", whoosh_query.Every(), tuple(notes), browse_all=True)
    text, repair_notes = repair(text)
    notes += repair_notes
    uses_syntax = bool(_OPERATORS.search(text))
    group = qparser.OrGroup.factory(0.9) if match_any else qparser.AndGroup
    try:
        query = _parser(schema, group).parse(text)
        query = _analyse_wildcards(query).normalize()
    except Exception:  # The parser has many ways to fail on odd input; read plain words.
        words = significant_words(text)
        notes.append("The query could not be read as written; searched for its words instead.")
        query = _parser(schema, group).parse(" ".join(words)) if words else whoosh_query.NullQuery
        uses_syntax = False
    if _is_everything(query):
        notes.append("A lone “*” matches everything: showing the whole archive.")
        return ParsedQuery(text, whoosh_query.Every(), tuple(notes), browse_all=True)
    if _is_empty(query):
        words = [word for word in re.findall(r"\w+", text.lower()) if word in STOP_WORDS]
        if words:
            common = ", ".join(f"“{word}”" for word in dict.fromkeys(words))
            notes.append(
                f"Very common words ({common}) are not searched: showing the whole archive."
            )
        else:
            notes.append("Nothing searchable was left in the query: showing the whole archive.")
        return ParsedQuery(text, whoosh_query.Every(), tuple(notes), browse_all=True)
    if reader is not None:
        query, limit_notes = limits.bound(query, reader)
        notes += limit_notes
        if _is_empty(query):
            notes.append("Nothing searchable was left in the query: showing the whole archive.")
            return ParsedQuery(text, whoosh_query.Every(), tuple(notes), browse_all=True)
    return ParsedQuery(text, query, tuple(notes), uses_syntax=uses_syntax)


def suggest(text: str, searcher) -> str | None:
    """ "Did you mean": the query with unknown words replaced by close words the archive
    contains ("Motgi" → "Motegi"), or None."""
    corrector = searcher.corrector("vocabulary")
    reader = searcher.reader()
    changed = False

    def replace(match):
        nonlocal changed
        word = match.group()
        lower = word.lower()
        if lower in STOP_WORDS or len(lower) < 3 or reader.frequency("vocabulary", lower):
            return word
        suggestions = corrector.suggest(lower, limit=1, maxdist=2, prefix=1)
        if not suggestions:
            return word
        changed = True
        suggestion = suggestions[0]
        return suggestion.capitalize() if word[:1].isupper() else suggestion

    # Field names and operators are kept as they are.
    corrected = re.sub(r"(?<![:\w])(?!(?:AND|OR|NOT)\b)[^\W\d_]{3,}(?![\w:])", replace, text)
    return corrected if changed else None
