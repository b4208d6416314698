"""Which words of a text are names, and their keys.

Latin and Cyrillic: capitalized words (a name is written so in both). Japanese: the
proper nouns of UniDic (through fugashi, with the unidic-lite dictionary from PyPI), read
in kana and romanized (pykakasi); and every run of katakana, where foreign names are
written (ラブロフ, ハバロフスク), matched by its consonant skeleton.
"""

import re
import threading
import unicodedata
from dataclasses import dataclass, field, replace
from functools import lru_cache
from itertools import islice

import fugashi
from pykakasi.scripts import IConv

from archive.search.analysis import STOP_WORDS
from archive.search.names.kanji_dictionary import kakasi
from archive.search.names.keys import skeleton, spelling_key

# A word in Latin or Cyrillic letters (with inner hyphens and apostrophes), a run of
# katakana (with its long-vowel mark and the dot between given and family name), or a
# run of kanji and kana for the morphological analyser.
_JAPANESE = "\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff"
_WORD = re.compile(
    rf"(?P<japanese>[{_JAPANESE}]+)|(?P<spelled>[^\W\d_](?:[^\W\d_]|['’-](?=[^\W\d_]))*)"
)
# Where only capitalized words can be names (an entry's text): the expressions skip the
# lower-case words, most of a text, without a step each in Python. The capital comes
# first and the word boundary after it (no letter, digit or _ before the capital): an
# expression that begins with a set of characters is tried only where one of them is,
# twice as fast over a text as one that begins with ``\b``.
_CAPITALIZED = re.compile(r"[A-ZÀ-ÖØ-ÞĀ-ſА-ЯЁ](?<!\w.)[^\W\d_]*(?:['’-][^\W\d_]+)*", re.DOTALL)
_JAPANESE_RUN = re.compile(rf"[{_JAPANESE}]+")
_KATAKANA = re.compile(r"[\u30a1-\u30fa\u30fc]{2,}")
_KATAKANA_WITH_DOTS = re.compile(r"[\u30a1-\u30fa\u30fc・]+")
_KANJI = re.compile(r"[\u3400-\u9fff]")
MAX_WORDS = 20_000  # of one text: a huge document's names are read from its beginning


@dataclass(frozen=True)
class NameForm:
    """A name as a text writes it, and the keys it is found under."""

    written: str
    key: str  # spelling key ("" when too short)
    skeletons: tuple[str, ...]  # consonant skeletons (none when too short)
    katakana: bool  # written in katakana: matched to other scripts by its skeleton
    whole: bool = False  # the parts of a name written with ・, as one word
    # Hashed once: a document's forms are put in sets and caches dozens of times each.
    _hash: int = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        fields = (self.written, self.key, self.skeletons, self.katakana, self.whole)
        object.__setattr__(self, "_hash", hash(fields))

    def __hash__(self):
        return self._hash


_local = threading.local()


def _tagger() -> fugashi.Tagger:
    """One analyser per thread (a MeCab tagger is not shared between threads)."""
    if not hasattr(_local, "tagger"):
        _local.tagger = fugashi.Tagger()
    return _local.tagger


def japanese_words(text: str) -> list[tuple[str, str, str]]:
    """Each word UniDic reads in a Japanese text: (as written, its name tag: 姓 for a
    family name, 名 for a given name, else "", its reading in katakana)."""
    return [
        (word.surface, getattr(word.feature, "pos4", "") or "", word.feature.kana or "")
        for word in _tagger()(text)
    ]


# Text in one kana script (UniDic's readings are katakana), the long vowel mark included.
_ONE_KANA_SCRIPT = re.compile(r"^(?:[\u30a1-\u30f6\u30fc]+|[\u3041-\u3096\u30fc]+)$")


@lru_cache(maxsize=1)
def _kakasi():
    """pykakasi whole, its kanji dictionary held compactly (kanji_dictionary.py)."""
    return kakasi()


@lru_cache(maxsize=1)
def _kana_converter():
    """pykakasi's kana converter alone (what its whole converter uses for kana)."""
    return IConv()


@lru_cache(maxsize=50_000)
def kana_in_latin(kana: str) -> str:
    """Japanese text in Hepburn's Latin letters. Kana of one script (a name's reading) is
    converted by pykakasi's kana converter alone, the same letters (a test compares them)
    without its kanji dictionary: a process that only ever reads kana never loads it."""
    if _ONE_KANA_SCRIPT.match(kana):
        return _kana_converter().convert(kana, kana)["hepburn"]
    return "".join(part["hepburn"] for part in _kakasi().convert(kana))


@lru_cache(maxsize=200_000)
def spelled_form(word: str) -> NameForm | None:
    key = spelling_key(word)
    return NameForm(word, key, _skeletons(key), False) if key else None


# A Russian surname in -ов, -ев, -ин declined in a case only a man's takes: «с Лавровым»,
# «о Лаврове». (Лаврова and Лаврову are left as written: a woman's name, Иванова, reads
# the same.)
_MASCULINE_CASE = re.compile(r"^([А-ЯЁ][а-яё]+(?:ов|ев|ёв|ин|ын))(?:ым|е)$")


@lru_cache(maxsize=200_000)
def spelled_forms(word: str) -> tuple[NameForm, ...]:
    """A word's name form, and, for a declined Russian surname, its nominative's too."""
    forms = [spelled_form(word)]
    declined = _MASCULINE_CASE.match(word)
    if declined:
        nominative = spelled_form(declined.group(1))
        if nominative:
            forms.append(replace(nominative, written=word))
    return tuple(form for form in forms if form)


@lru_cache(maxsize=50_000)
def kana_form(written: str, kana: str, katakana: bool) -> NameForm | None:
    key = spelling_key(kana_in_latin(kana))
    if not key:
        return None
    return NameForm(written, key, _skeletons(key, katakana=True) if katakana else (), katakana)


def _skeletons(key: str, katakana: bool = False) -> tuple[str, ...]:
    """A key's skeleton; in katakana also read with ジ as a soft d (ヴォロジン Volodin,
    メドベージェフ Medvedev)."""
    found = [skeleton(key)]
    if katakana and "z" in key:
        found.append(skeleton(key.replace("z", "d")))
    return tuple(dict.fromkeys(shape for shape in found if shape))


def _is_proper_noun(word) -> bool:
    """UniDic's second part of speech, read from the word's raw features: fugashi builds
    the named tuple of all 26 of them on ``word.feature``, which took half the time a
    rebuild spent reading an entry's Japanese."""
    return word.feature_raw.split(",", 2)[1:2] == ["固有名詞"]


def _japanese_names(run: str, every_word: bool = False) -> list[NameForm]:
    found = []
    for katakana in _KATAKANA_WITH_DOTS.findall(run):
        parts = [part for part in katakana.split("・") if _KATAKANA.fullmatch(part)]
        # Each part (a given name, a family name), and the parts as one word, as Latin
        # writes Petropavlovsk-Kamchatsky.
        spelled = [(part, part) for part in parts]
        if len(parts) > 1:
            spelled.append(("・".join(parts), "".join(parts)))
        for written, kana in spelled:
            form = kana_form(written, kana, True)
            if form:
                found.append(replace(form, whole=True) if "・" in written else form)
    if _KANJI.search(run):
        words = list(_tagger()(run))
        proper = [word for word in words if _is_proper_noun(word) and _KANJI.search(word.surface)]
        for word in proper:
            # A given name's kanji have several readings (文雄: UniDic ブンユウ, as a
            # name フミオ): UniDic's, and pykakasi's of the same kanji.
            readings = dict.fromkeys([word.feature.kana or "", word.surface])
            forms = (kana_form(word.surface, reading, False) for reading in readings if reading)
            found += dict.fromkeys(form for form in forms if form)
        if every_word and not proper:
            # A word typed in kanji that UniDic does not call a name (茂木 alone reads as
            # a common noun): searched by its reading all the same.
            reading = "".join(word.feature.kana or "" for word in words)
            form = kana_form(run, reading, False) if reading else None
            if form:
                found.append(form)
    return found


@lru_cache(maxsize=200_000)
def _capitalized_forms(word: str) -> tuple[NameForm, ...] | None:
    """A capitalized word's name forms; None for a stop word, a name only inside a
    sentence. One cached look a word of a text, most of which repeat."""
    return None if word.casefold() in STOP_WORDS else spelled_forms(word)


def names_in(text: str, *, every_word: bool = False) -> list[NameForm]:
    """The names a text holds (repeats kept): in Latin and Cyrillic letters, then in
    Japanese, each in the order written. ``every_word``: a query's words are all looked
    up, capitalized or not."""
    text = unicodedata.normalize("NFKC", text or "")
    found: list[NameForm] = []
    if every_word:
        for match in _WORD.finditer(text):
            word = match.group("spelled")
            if word is not None:
                if word.casefold() not in STOP_WORDS:
                    found += spelled_forms(word)
            else:
                found += _japanese_names(match.group("japanese"), every_word=True)
        return found
    for match in islice(_CAPITALIZED.finditer(text), MAX_WORDS):
        forms = _capitalized_forms(match.group())
        if forms is None:  # a stop word
            # A capitalized function word begins a sentence ("The", «Того же»); the same
            # word inside one is a name (Кадзухико Того).
            before = text[max(0, match.start() - 4) : match.start()].rstrip()
            if not before or before[-1] in '.!?。…:«"“(':
                continue
            forms = spelled_forms(match.group())
        found += forms
    for count, match in enumerate(_JAPANESE_RUN.finditer(text)):
        if count >= MAX_WORDS:
            break
        found += _japanese_names(match.group())
    return found
