"""Which words of a text are names, and their keys.

Latin and Cyrillic: capitalized words (a name is written so in both). Japanese: the
proper nouns of UniDic (through fugashi, with the unidic-lite dictionary from PyPI), read
in kana and romanized (pykakasi); and every run of katakana, where foreign names are
written (ラブロフ, ハバロフスク), matched by its consonant skeleton.
"""

import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import fugashi
import pykakasi

from archive.search.analysis import STOP_WORDS
from archive.search.names.keys import skeleton, spelling_key

# A word in Latin or Cyrillic letters (with inner hyphens and apostrophes), a run of
# katakana (with its long-vowel mark and the dot between given and family name), or a
# run of kanji and kana for the morphological analyser.
_WORD = re.compile(
    r"(?P<japanese>[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]+)"
    r"|(?P<spelled>[^\W\d_](?:[^\W\d_]|['’-](?=[^\W\d_]))*)"
)
_KATAKANA = re.compile(r"[\u30a1-\u30fa\u30fc]{2,}")
MAX_WORDS = 20_000  # of one text: a huge document's names are read from its beginning


@dataclass(frozen=True)
class NameForm:
    """A name as a text writes it, and the keys it is found under."""

    written: str
    key: str  # spelling key ("" when too short)
    skeleton: str  # consonant skeleton ("" when too short)
    katakana: bool  # written in katakana: matched to other scripts by its skeleton


_local = threading.local()


def _tagger() -> fugashi.Tagger:
    """One analyser per thread (a MeCab tagger is not shared between threads)."""
    if not hasattr(_local, "tagger"):
        _local.tagger = fugashi.Tagger()
    return _local.tagger


@lru_cache(maxsize=1)
def _kakasi():
    return pykakasi.kakasi()


@lru_cache(maxsize=50_000)
def kana_in_latin(kana: str) -> str:
    return "".join(part["hepburn"] for part in _kakasi().convert(kana))


@lru_cache(maxsize=200_000)
def spelled_form(word: str) -> NameForm | None:
    key = spelling_key(word)
    return NameForm(word, key, skeleton(key), False) if key else None


@lru_cache(maxsize=50_000)
def kana_form(written: str, kana: str, katakana: bool) -> NameForm | None:
    key = spelling_key(kana_in_latin(kana))
    if not key:
        return None
    return NameForm(written, key, skeleton(key) if katakana else "", katakana)


def _japanese_names(run: str) -> list[NameForm]:
    found = []
    for katakana in _KATAKANA.findall(run):
        for part in katakana.split("・"):
            form = kana_form(part, part, True) if len(part) >= 2 else None
            if form:
                found.append(form)
    if re.search(r"[\u3400-\u9fff]", run):
        for word in _tagger()(run):
            feature = word.feature
            if feature.pos2 == "固有名詞" and re.search(r"[\u3400-\u9fff]", word.surface):
                form = kana_form(word.surface, feature.kana or "", False)
                if form:
                    found.append(form)
    return found


def names_in(text: str, *, every_word: bool = False) -> list[NameForm]:
    """The names a text holds, in order (repeats kept). ``every_word``: a query's words
    are all looked up, capitalized or not."""
    text = unicodedata.normalize("NFKC", text or "")
    found: list[NameForm] = []
    for count, match in enumerate(_WORD.finditer(text)):
        if count >= MAX_WORDS:
            break
        word = match.group("spelled")
        if word is not None:
            if (every_word or word[0].isupper()) and word.casefold() not in STOP_WORDS:
                form = spelled_form(word)
                if form:
                    found.append(form)
        else:
            found += _japanese_names(match.group("japanese"))
    return found
