"""Language-aware text analysis for one multilingual index.

Each word is analysed by the language its script belongs to: Latin-script words are
stemmed as English, Cyrillic words as Russian (both with the C Snowball stemmers of
PyStemmer), and Japanese or Chinese runs, written without spaces, become overlapping
character pairs so that any word inside them can be found. Index and queries share the
same analysis, so a query works across the archive's languages.
"""

import re
import unicodedata
from functools import lru_cache

import Stemmer
from whoosh.analysis import Composable, Filter, LowercaseFilter, StopFilter, Token, Tokenizer
from whoosh.lang.stopwords import stoplists

_CJK = "\u3005\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f"
# A CJK run, or a word of letters and digits (with inner apostrophes: "Japan's").
_TOKEN = re.compile(rf"[{_CJK}]+|(?:(?![{_CJK}])[^\W_])+(?:['’](?:(?![{_CJK}])[^\W_])+)*")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_IS_CJK = re.compile(rf"^[{_CJK}]+$")

STOP_WORDS = frozenset(stoplists["en"]) | frozenset(stoplists["ru"])


def script_of(word: str) -> str:
    if _IS_CJK.match(word):
        return "cjk"
    if _CYRILLIC.search(word):
        return "cyrillic"
    return "latin"


class ScriptTokenizer(Tokenizer):
    """Splits text into words and CJK character pairs, keeping character offsets."""

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        **kwargs,
    ):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            token.original = token.text = value
            token.boost = 1.0
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar, token.endchar = start_char, start_char + len(value)
            yield token
            return
        position = start_pos
        for match in _TOKEN.finditer(value):
            word = match.group()
            if _IS_CJK.match(word):
                pieces = [(i, word[i : i + 2]) for i in range(max(len(word) - 1, 1))]
            else:
                pieces = [(0, word.replace("’", "'"))]
            for offset, text in pieces:
                token.text = text
                token.boost = 1.0
                token.stopped = False
                if keeporiginal:
                    token.original = text
                if positions:
                    token.pos = position
                if chars:
                    token.startchar = start_char + match.start() + offset
                    token.endchar = token.startchar + len(text)
                position += 1
                yield token


class NormaliseFilter(Filter):
    """Unicode NFKC (full-width letters, ligatures) and Russian ё → е."""

    def __call__(self, tokens):
        for token in tokens:
            token.text = unicodedata.normalize("NFKC", token.text).replace("ё", "е")
            yield token


@lru_cache(maxsize=1)
def _stemmers():
    return {"latin": Stemmer.Stemmer("english"), "cyrillic": Stemmer.Stemmer("russian")}


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    script = script_of(word)
    if script == "cjk" or word.isdigit():
        return word
    return _stemmers()[script].stemWord(word.removesuffix("'s"))


class ScriptStemFilter(Filter):
    """Stems each word with the Snowball stemmer of its script's language."""

    is_morph = True

    def __call__(self, tokens):
        for token in tokens:
            if not token.stopped:
                token.text = stem(token.text)
            yield token


def multilingual_analyzer() -> Composable:
    """The analyser of every full-text field: tokenise, normalise, drop stop words, stem."""
    return (
        ScriptTokenizer()
        | NormaliseFilter()
        | LowercaseFilter()
        | StopFilter(stoplist=STOP_WORDS, minsize=1)
        | ScriptStemFilter()
    )


def vocabulary_analyzer() -> Composable:
    """Unstemmed lowercase words: the vocabulary "did you mean" suggests from."""
    return (
        ScriptTokenizer()
        | NormaliseFilter()
        | LowercaseFilter()
        | StopFilter(stoplist=STOP_WORDS, minsize=3)
    )


def significant_words(text: str) -> list[str]:
    """The words of a text that are not stop words, in order, as typed (lower-cased)."""
    words = [match.group().lower() for match in _TOKEN.finditer(text)]
    return [word for word in words if word not in STOP_WORDS]


def distinct_words(text: str) -> list[str]:
    """Each word of a text once, in order of first appearance."""
    return list(dict.fromkeys(match.group() for match in _TOKEN.finditer(text)))
