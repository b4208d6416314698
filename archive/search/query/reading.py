"""Reading what a searcher typed: syntax, repairs with a note, fallbacks, suggestions.

Supported: words (all must match), "exact phrases", OR, NOT or -word, (groups),
field:word for title, summary, text, source, topic, author, issn, doi, and prefix*.
Nothing a person types raises: broken syntax is repaired or read as plain words, and
the searcher is told how the query was understood.
"""

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, replace

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from whoosh import qparser
from whoosh import query as whoosh_query

from archive.search.analysis import (
    HIRAGANA,
    STOP_WORDS,
    character_pairs,
    script_of,
    significant_words,
    stem,
)
from archive.search.fields import DEFAULT_FIELD_BOOSTS, FIELD_ALIASES
from archive.search.query import limits
from archive.search.query.ranking import combine_fields
from archive.search.query.tree import excluded_parts
from archive.search.request import MAX_QUERY_CHARACTERS

QUESTION_WORDS = 5  # significant words from which a query without operators is a question
PASTED_WORDS = 12  # significant words from which any query is read as prose
# Operators nobody types by accident in prose: quotes, AND/OR/NOT, field:, prefix*.
_DELIBERATE = re.compile(r'"|\b(?:AND|OR|NOT)\b|(?<![\w])[A-Za-z_]+:\S|\w\*')

NOTHING_LEFT = _("Nothing searchable was left in the query: showing the whole archive.")

# How a query was read, as the page says it.
READINGS = {
    "all": _("Showing entries with all of your words."),
    "operators": _("Your query was read with its operators (see the search tips)."),
    "any": _("Showing entries with some of your words, those with more of them first."),
    "question": _("Read as a question: entries are ranked by how well they match its words."),
    "browse": "",
}
_HALF_WIDTH_KANA = re.compile("[\uff66-\uff9f]+")
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
    reading: str = "all"  # how it was read: one of READINGS
    runs: tuple[str, ...] = ()  # runs of Japanese read as their character pairs


def clean(text: str) -> tuple[str, list[str]]:
    """Remove control characters, normalise Unicode and whitespace, bound the length."""
    notes = []
    text = unicodedata.normalize("NFC", text or "")
    # Half-width katakana as full-width (ﾗﾌﾞﾛﾌ → ラブロフ), as the index reads them.
    text = _HALF_WIDTH_KANA.sub(lambda run: unicodedata.normalize("NFKC", run.group()), text)
    text = _INVISIBLE.sub("", _CONTROL.sub(" ", text))
    text = " ".join(text.split())
    if len(text) > MAX_QUERY_CHARACTERS:
        cut = text[:MAX_QUERY_CHARACTERS]
        text = cut.rsplit(" ", 1)[0] if " " in cut else cut
        notes.append(
            gettext("Your query was shortened to its first %(limit)d characters.")
            % {"limit": MAX_QUERY_CHARACTERS}
        )
    return text, notes


def repair(text: str) -> tuple[str, list[str]]:
    """Fix what the parser would misread: odd quotes, unbalanced brackets, empty fields,
    unknown field names."""
    notes = []
    if text.count('"') % 2:
        position = text.rfind('"')
        text = text[:position] + text[position + 1 :]
        notes.append(gettext("An unmatched quotation mark was ignored."))
    depth, balanced = 0, True
    for character in text:
        depth += {"(": 1, ")": -1}.get(character, 0)
        balanced = balanced and depth >= 0
    if depth != 0 or not balanced:
        text = text.replace("(", " ").replace(")", " ")
        notes.append(gettext("Unbalanced parentheses were ignored."))
    if _EMPTY_FIELD.search(text):
        text = _EMPTY_FIELD.sub(" ", text)
        notes.append(gettext("A field name with nothing after it (like “title:”) was ignored."))

    def known_field(match):
        name = match.group(1).lower()
        if name in FIELD_ALIASES:
            return f"{FIELD_ALIASES[name]}:"
        notes.append(
            gettext("“%(name)s:” is not a field you can search; searched it as text.")
            % {"name": match.group(1)}
        )
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


def is_question(text: str) -> bool:
    """A query pasted or written as prose, to be ranked by its words: long (whatever
    characters it holds: quotes and brackets in a pasted paragraph are punctuation), or
    of several words without operators typed on purpose, or of four words written as a
    sentence (with small words such as "of", "the", or a question mark). Japanese is
    written without spaces: a run with grammatical kana (の, について) is a sentence."""
    words = significant_words(text)
    if any(_is_japanese_sentence(word) for word in words):
        return not _DELIBERATE.search(text)
    significant = len(words)
    if significant >= PASTED_WORDS:
        return True
    if _DELIBERATE.search(text):
        return False
    if significant >= QUESTION_WORDS:
        return True
    words = re.findall(r"\w+", text.lower())
    prose = "?" in text or any(word in STOP_WORDS for word in words)
    return significant >= QUESTION_WORDS - 1 and prose


_KANA_PARTICLES = re.compile(f"[{HIRAGANA}]")
JAPANESE_SENTENCE_CHARACTERS = 6


def _is_japanese_sentence(word: str) -> bool:
    return (
        script_of(word) == "cjk"
        and len(word) >= JAPANESE_SENTENCE_CHARACTERS
        and bool(_KANA_PARTICLES.search(word))
    )


def read(text: str, schema, reader) -> "ParsedQuery":
    """A searcher's query read as they meant it: a question ranked by its words, or
    keywords (all must match) with any operators as documented."""
    if is_question(clean(text)[0]):
        return parse(text, schema, words_only=True, reader=reader)
    return parse(text, schema, reader=reader)


def parse(
    text: str, schema, *, match_any: bool = False, words_only: bool = False, reader=None
) -> ParsedQuery:
    """Parse a searcher's query; ``match_any`` ranks entries with any of the words;
    ``words_only`` reads the words alone, every other character as punctuation, ranked
    by how well entries match them (a question). With the index's ``reader``, the query
    is also bounded in cost (``limits.py``)."""
    text, notes = clean(text)
    if not text:
        return ParsedQuery("", whoosh_query.Every(), tuple(notes), browse_all=True)
    if words_only:
        parsed = _parse_words(text, schema, reader)
        return replace(parsed, notes=tuple(notes) + parsed.notes)
    text, repair_notes = repair(text)
    notes += repair_notes
    uses_syntax = bool(_OPERATORS.search(text))
    reading = "any" if match_any else "operators" if uses_syntax else "all"
    group = qparser.OrGroup.factory(0.9) if match_any else qparser.AndGroup
    try:
        query = _parser(schema, group).parse(text)
        query = _analyse_wildcards(query).normalize()
    except Exception:  # The parser has many ways to fail on odd input; read plain words.
        words = significant_words(text)
        notes.append(
            gettext("The query could not be read as written; searched for its words instead.")
        )
        query = _parser(schema, group).parse(" ".join(words)) if words else whoosh_query.NullQuery
        uses_syntax = False
        reading = "any" if match_any else "all"
    if _is_everything(query):
        notes.append(gettext("A lone “*” matches everything: showing the whole archive."))
        return ParsedQuery(text, whoosh_query.Every(), tuple(notes), browse_all=True)
    if _is_empty(query):
        words = [word for word in re.findall(r"\w+", text.lower()) if word in STOP_WORDS]
        if words:
            common = ", ".join(f"“{word}”" for word in dict.fromkeys(words))
            notes.append(
                gettext(
                    "Very common words (%(words)s) are not searched: showing the whole archive."
                )
                % {"words": common}
            )
        else:
            notes.append(NOTHING_LEFT)
        return ParsedQuery(text, whoosh_query.Every(), tuple(notes), browse_all=True)
    query = combine_fields(query)
    if reader is not None:
        query, limit_notes = limits.bound(query, reader)
        notes += limit_notes
        if _is_empty(query):
            notes.append(NOTHING_LEFT)
            return ParsedQuery(text, whoosh_query.Every(), tuple(notes), browse_all=True)
    return ParsedQuery(text, query, tuple(notes), uses_syntax=uses_syntax, reading=reading)


# A word or group the searcher excluded: ``-word``, ``-"a phrase"``, ``NOT (a OR b)``.
_EXCLUSION = re.compile(r'(?:(?<=\s)|^)-("[^"]*"|\([^)]*\)|\S+)|\bNOT\s+("[^"]*"|\([^)]*\)|\S+)')


def words_alone(text: str, schema, read_with_operators: ParsedQuery, reader=None) -> ParsedQuery:
    """An operator query that matched nothing, read for its words alone (any of them
    matching), its exclusions still in force: a looser reading may drop the need for
    every word, never a ``-word`` or a ``NOT``."""
    looser = parse(_EXCLUSION.sub(" ", clean(text)[0]), schema, words_only=True, reader=reader)
    excluded = excluded_parts(read_with_operators.query)
    if looser.browse_all or not excluded:
        return looser
    without = whoosh_query.AndNot(looser.query, whoosh_query.Or(excluded))
    return replace(looser, query=without)


def _parse_words(text: str, schema, reader) -> ParsedQuery:
    """The words of a question, each once, any of them matching, ranked by BM25F; when
    there are more than a query may hold, the most distinctive ones."""
    words = list(dict.fromkeys(significant_words(text)))
    notes = []
    if reader is not None:
        words, dropped = limits.distinctive_words(words, reader)
        if dropped:
            notes.append(
                gettext("Only the %(count)d most distinctive words of your question were searched.")
                % {"count": len(words)}
            )
    if not words:
        notes.append(NOTHING_LEFT)
        return ParsedQuery(text, whoosh_query.Every(), tuple(notes), browse_all=True)
    # Parsed one by one: a word of prose is never an operator. A word the question
    # repeats (in any form) weighs as often as it is written, as BM25 weighs a query's
    # term frequency.
    parser = _parser(schema, qparser.OrGroup)
    repeats = Counter(stem(word) for word in significant_words(text))
    clauses = []
    for word in words:
        # A run of Japanese is a sentence, not a phrase: its character pairs are its
        # words (those of kana alone are grammar, as stop words are).
        pieces = character_pairs(word) if script_of(word) == "cjk" else [word]
        for piece in pieces:
            clause = parser.parse(piece)
            clause.boost = repeats[stem(word)]
            clauses.append(clause)
    query = combine_fields(whoosh_query.Or([c for c in clauses if not _is_empty(c)]))
    if _is_empty(query):
        notes.append(NOTHING_LEFT)
        return ParsedQuery(text, whoosh_query.Every(), tuple(notes), browse_all=True)
    return ParsedQuery(
        text,
        query.normalize(),
        tuple(notes),
        reading="question" if len(clauses) > 1 else "all",
        runs=tuple(word for word in words if script_of(word) == "cjk"),
    )


def suggest(text: str, searcher) -> str | None:
    """ "Did you mean": the query with unknown words replaced by close words the archive
    contains ("Motgi" → "Motegi"), or None."""
    corrector = searcher.corrector("vocabulary")
    reader = searcher.reader()
    analyzer = searcher.schema["body"].analyzer
    changed = False

    def matched(lower: str) -> bool:
        """The word is in the archive as typed, or in another form of it ("Россия" where
        the texts say "России"): nothing to correct."""
        if reader.frequency("vocabulary", lower):
            return True
        form, _stopped = analyzer.form(lower)
        return any(reader.doc_frequency(field, form) for field in DEFAULT_FIELD_BOOSTS)

    def replace(match):
        nonlocal changed
        word = match.group()
        lower = word.lower()
        if lower in STOP_WORDS or len(lower) < 3 or matched(lower):
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
