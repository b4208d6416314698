"""A field's terms and how often each is in a value, counted without Whoosh's tokens.

Whoosh indexes a value through generators: its analyzer makes a token object per word,
its format counts them into dictionaries, and ``FieldType.index`` yields a tuple per
term. For the plain kinds of field an entry has many of (names' keys, facet values, ids,
the "did you mean" vocabulary) the same counts come from one regular expression call
and a ``Counter``: a rebuild's worker spent a sixth of its time in those generators. A
test holds every field of the schema equal to ``field.index``.
"""

import re
from collections import Counter
from collections.abc import Callable

from whoosh.analysis import IDAnalyzer, KeywordAnalyzer
from whoosh.fields import FieldType
from whoosh.formats import Existence, Frequency
from whoosh.system import pack_uint

from archive.search.analysis import ScriptAnalyzer

Counting = Callable[[str], dict[str, int]]

_SPACE_SEPARATED = re.compile(r"[^ \t\r\n]+")  # Whoosh's SpaceSeparatedTokenizer
_COMMA_SEPARATED = re.compile(r"[^,]+")  # Whoosh's CommaSeparatedTokenizer, then strip()


def _counted(terms: list[str]) -> dict[str, int]:
    """Each term and how often it is in the list (most values repeat none)."""
    counts = dict.fromkeys(terms, 1)
    return counts if len(counts) == len(terms) else Counter(terms)


def _script_words(analyzer: ScriptAnalyzer) -> Counting:
    def count(value: str) -> dict[str, int]:
        forms = map(analyzer.form, analyzer.pieces(value))
        return _counted([text for text, stopped in forms if not stopped])

    return count


def _space_separated(value: str) -> dict[str, int]:
    return _counted(_SPACE_SEPARATED.findall(value))


def _comma_separated(value: str) -> dict[str, int]:
    return _counted([item.strip() for item in _COMMA_SEPARATED.findall(value)])


def _whole(value: str) -> dict[str, int]:
    return {value: 1}


def counting_for(field) -> Counting | None:
    """How ``field`` turns a value into terms, when it is a plain kind whose counts this
    module reproduces; None for any other (Whoosh's ``field.index`` then)."""
    if type(field).index is not FieldType.index or type(field.format) not in (
        Existence,
        Frequency,
    ):
        return None
    analyzer = field.analyzer
    if isinstance(analyzer, ScriptAnalyzer):
        return _script_words(analyzer)
    if analyzer == KeywordAnalyzer():
        return _space_separated
    if analyzer == KeywordAnalyzer(commas=True):
        return _comma_separated
    if analyzer == IDAnalyzer():
        return _whole
    return None


def keeps_frequencies(field) -> bool:
    """Whether the field's postings hold each term's frequency (Whoosh's Frequency
    format: weight the frequency times the field's boost, value the frequency packed),
    or only that the term is there (Existence: weight the boost, no value)."""
    return type(field.format) is Frequency


def encoded_frequency(frequency: int) -> bytes:
    """A frequency as Whoosh's Frequency format encodes it."""
    return pack_uint(frequency)
