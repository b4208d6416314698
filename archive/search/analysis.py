"""Language-aware text analysis for one multilingual index.

Each word is analysed by the language its script belongs to: Latin-script words are
stemmed as English, Cyrillic words as Russian (both with the C Snowball stemmers of
PyStemmer), and Japanese or Chinese runs, written without spaces, become overlapping
character pairs so that any word inside them can be found. Index and queries share the
same analysis, so a query works across the archive's languages.
"""

import re
import unicodedata
from collections import Counter
from functools import lru_cache

import Stemmer
from whoosh.analysis import Token, Tokenizer
from whoosh.lang.stopwords import stoplists

_CJK = "\u3005\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f"
# A CJK run, or a word of letters and digits (with inner apostrophes: "Japan's").
_TOKEN = re.compile(rf"[{_CJK}]+|(?:(?![{_CJK}])[^\W_])+(?:['’](?:(?![{_CJK}])[^\W_])+)*")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_IS_CJK = re.compile(rf"^[{_CJK}]+$")
_HAS_CJK = re.compile(rf"[{_CJK}]")
# _TOKEN for a text without CJK characters: the same words, found without a look-ahead
# at every character.
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
# _WORD for a text whose underscores are spaces: a fifth faster over a long text.
_WORD_WITHOUT_UNDERSCORES = re.compile(r"\w+(?:['’]\w+)*")

STOP_WORDS = frozenset(stoplists["en"]) | frozenset(stoplists["ru"])


def script_of(word: str) -> str:
    if _IS_CJK.match(word):
        return "cjk"
    if _CYRILLIC.search(word):
        return "cyrillic"
    return "latin"


class ScriptAnalyzer(Tokenizer):
    """Splits text into words and CJK character pairs (keeping character offsets), and
    gives each its index form: Unicode NFKC, lower case, Russian ё as е, stop words
    marked, and (with ``stemming``) the stem of its script's language.

    One pass instead of a tokenizer and four filters: indexing spends much of its time
    here, and each word's form is computed once and cached. Positions skip stop words,
    as Whoosh's StopFilter renumbers them."""

    def __init__(self, stemming: bool = True, minsize: int = 1):
        self.stemming = stemming
        self.minsize = minsize
        self.is_morph = stemming

    def __eq__(self, other):
        return (
            type(other) is type(self)
            and other.stemming == self.stemming
            and other.minsize == self.minsize
        )

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
        token.boost = 1.0
        if not tokenize:
            token.original = token.text = value
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar, token.endchar = start_char, start_char + len(value)
            yield token
            return
        form = _stemmed_form if self.stemming else _plain_form
        minsize = self.minsize
        position = start_pos
        renumbered = None  # the position of the last word kept
        for match in _TOKEN.finditer(value):
            word = match.group()
            pieces = _cjk_pairs(word) if _IS_CJK.match(word) else ((0, word),)
            for offset, piece in pieces:
                text, stopped = form(piece, minsize)
                if stopped and removestops:
                    position += 1
                    continue
                token.text = text
                token.stopped = stopped
                if keeporiginal:
                    token.original = piece
                if positions:
                    if stopped:
                        token.pos = position
                    else:
                        renumbered = position if renumbered is None else renumbered + 1
                        token.pos = renumbered
                if chars:
                    token.startchar = start_char + match.start() + offset
                    token.endchar = token.startchar + len(piece)
                position += 1
                yield token

    def word_counts(self, text: str) -> Counter:
        """How often each indexed word of ``text`` is in it, leaving out stop words,
        numbers and one-character words (what tells entries apart): the text's pieces are
        counted first and each distinct one is given its form once, the same counts as
        analysing it token by token in less than half the time."""
        counts: Counter = Counter()
        for piece, count in Counter(self.pieces(text)).items():
            word, stopped = self.form(piece)
            if not stopped and len(word) > 1 and not word.isdigit():
                counts[word] += count
        return counts

    def pieces(self, value: str) -> list[str]:
        """The text's words and CJK character pairs, in order, as ``__call__`` cuts them."""
        if not _HAS_CJK.search(value):
            return _WORD_WITHOUT_UNDERSCORES.findall(value.replace("_", " "))
        words = words_of(value)
        pieces = []
        for word in words:
            if _IS_CJK.match(word):
                pieces.extend(pair for _, pair in _cjk_pairs(word))
            else:
                pieces.append(word)
        return pieces

    def spans(self, text: str, start: int, end: int):
        """(first character, piece) of each word and CJK pair of ``text[start:end]`` (which
        starts and ends on word boundaries), as ``__call__`` with ``chars`` finds them."""
        cjk = _HAS_CJK.search(text, start, end) is not None
        for match in (_TOKEN if cjk else _WORD).finditer(text, start, end):
            word = match.group()
            if cjk and _IS_CJK.match(word):
                first = match.start()
                for offset, pair in _cjk_pairs(word):
                    yield first + offset, pair
            else:
                yield match.start(), word

    def form(self, piece: str) -> tuple[str, bool]:
        """A piece's index form, and whether it is a stop word (or too short)."""
        return (_stemmed_form if self.stemming else _plain_form)(piece, self.minsize)


_HALF_WIDTH_KANA = re.compile("[\uff66-\uff9f]")
_SOUND_MARKS = "\uff9e\uff9f"  # half-width ﾞ and ﾟ, written after the kana they voice


def _full_width(run: str) -> tuple[str, list[int]]:
    """A run with half-width katakana as full-width (ﾗﾌﾞﾛﾌ → ラブロフ, a voiced kana one
    character), and the offset in ``run`` of each character of the result."""
    characters, offsets = [], []
    for offset, character in enumerate(run):
        if character in _SOUND_MARKS and characters:
            characters[-1] = unicodedata.normalize("NFKC", characters[-1] + character)
            continue
        characters.append(unicodedata.normalize("NFKC", character))
        offsets.append(offset)
    return "".join(characters), offsets


def _cjk_pairs(run: str) -> list[tuple[int, str]]:
    """A CJK run's overlapping character pairs with their offsets (a lone character as
    itself): how the index cuts text written without spaces. Half-width katakana are
    read as full-width, so that ﾗﾌﾞﾛﾌ and ラブロフ are the same pairs."""
    if _HALF_WIDTH_KANA.search(run):
        run, offsets = _full_width(run)
        return [(offsets[i], run[i : i + 2]) for i in range(max(len(run) - 1, 1))]
    return [(i, run[i : i + 2]) for i in range(max(len(run) - 1, 1))]


def _normalised(piece: str) -> str:
    """NFKC (full-width letters, ligatures), lower case, Russian ё → е."""
    return unicodedata.normalize("NFKC", piece.replace("’", "'")).lower().replace("ё", "е")


@lru_cache(maxsize=500_000)
def _plain_form(piece: str, minsize: int) -> tuple[str, bool]:
    text = _normalised(piece)
    return text, len(text) < minsize or text in STOP_WORDS


@lru_cache(maxsize=500_000)
def _stemmed_form(piece: str, minsize: int) -> tuple[str, bool]:
    text, stopped = _plain_form(piece, minsize)
    return (text, True) if stopped else (stem(text), False)


@lru_cache(maxsize=1)
def _stemmers():
    return {"latin": Stemmer.Stemmer("english"), "cyrillic": Stemmer.Stemmer("russian")}


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    script = script_of(word)
    if script == "cjk" or word.isdigit():
        return word
    return _stemmers()[script].stemWord(word.removesuffix("'s"))


def multilingual_analyzer() -> ScriptAnalyzer:
    """The analyser of every full-text field: tokenise, normalise, drop stop words, stem."""
    return ScriptAnalyzer(stemming=True, minsize=1)


def vocabulary_analyzer() -> ScriptAnalyzer:
    """Unstemmed lowercase words: the vocabulary "did you mean" suggests from."""
    return ScriptAnalyzer(stemming=False, minsize=3)


def significant_words(text: str) -> list[str]:
    """The words of a text that are not stop words, in order, as typed (lower-cased)."""
    words = [match.group().lower() for match in _TOKEN.finditer(text)]
    return [word for word in words if word not in STOP_WORDS]


def words_of(text: str) -> list[str]:
    """The words of a text (a CJK run as one), in order."""
    return (_TOKEN if _HAS_CJK.search(text) else _WORD).findall(text)


def distinct_words(text: str) -> list[str]:
    """Each word of a text once, in order of first appearance."""
    return list(dict.fromkeys(words_of(text)))


HIRAGANA = "\u3040-\u309f"  # the kana Japanese writes its particles and endings in
_KANA_ONLY = re.compile(rf"^[{HIRAGANA}]+$")


def character_pairs(run: str) -> list[str]:
    """A CJK run's overlapping character pairs (as the index holds them), leaving out
    pairs of hiragana alone: particles and endings (について, です), not content."""
    if len(run) < 2:
        return [run]
    pairs = [run[i : i + 2] for i in range(len(run) - 1)]
    kept = list(dict.fromkeys(pair for pair in pairs if not _KANA_ONLY.match(pair)))
    return kept or pairs[:1]
