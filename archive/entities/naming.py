"""The keys under which one name's forms in different scripts meet.

A person: the family name's spelling key (the keys of name matching, from
``archive.search``: Lavrov, Лавров, Lavrow; Kishida, Кисида, and 岸田 read as キシダ)
and its consonant skeleton for katakana (ラブロフ), with the given name's initial, which
must not disagree (Sergey Lavrov and Alexander Lavrov are two people). A place or an
organization: the whole name's key and skeleton (Gazprom, Газпром, ガスプロム). The keys
are stored on each form (``EntityForm``), so an editor sees why two forms were put
together, and can split one off.
"""

import re
import unicodedata
from dataclasses import dataclass

from archive.entities.models import FORM_LENGTH
from archive.entities.recognizers import PERSON
from archive.search import japanese_words, kana_in_latin, romanized, skeleton, spelling_key

_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")
_KATAKANA = re.compile(r"^[\u30a1-\u30fa\u30fc・=＝\s]+$")
_KANJI = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)
_PATRONYMIC = re.compile(r"(?:вич|вна|ична|ьич)$", re.IGNORECASE)
# A Japanese family name declined as a Russian noun in -а (Кисидой, Кисиды), which
# pymorphy does not know: its nominative.
_DECLINED_IN_A = re.compile(r"(?<=[бвгджзклмнпрстфхцчшщ])(?:ой|ы)$")
# Legal forms and quotation marks around an organization's own name.
_LEGAL_FORMS = re.compile(
    r"(?:^|\s)(?:ПАО|ОАО|ЗАО|АО|ООО|ФГУП|Inc\.?|Ltd\.?|Co\.?|Corp\.?|LLC|PJSC|JSC|"
    r"株式会社|有限会社|\(株\)|（株）)(?=\s|$)"
)
_QUOTES = re.compile(r"[«»\"“”„『』「」]")


def normal_text(text: str) -> str:
    """A form as stored: NFKC, single spaces, no surrounding punctuation."""
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"\s+", " ", text).strip(" ,.;:!?-–—'’")


def folded(text: str) -> str:
    """What two forms that are the same form share (case and width aside), as stored."""
    return normal_text(text).casefold()[:FORM_LENGTH]


def script_of(text: str) -> str:
    if _JAPANESE.search(text):
        return "ja"
    if _CYRILLIC.search(text):
        return "ru"
    return "en"


@dataclass(frozen=True)
class FormKeys:
    """A form's keys (each "" when the form has none)."""

    key: str  # a person's family name, or the whole name of a place or organization
    skeleton: str
    given_initial: str  # a person's given name's first letter, as a skeleton writes it
    katakana: bool


def _reading(text: str) -> str:
    """Japanese text in Latin letters (a name's reading, kanji read by pykakasi)."""
    return kana_in_latin(text)


def _initial(word: str, katakana: bool = False) -> str:
    """A given name's initial, in the letter classes katakana keeps apart; "" where it
    cannot be trusted (a vowel katakana added before a cluster: ウラジーミル)."""
    key = spelling_key(word) or romanized(word).strip(".")
    if not key:
        return ""
    letter = key[0].translate(str.maketrans("lvfwpdz", "rbbbbts"))
    if katakana and letter in "aeiou":
        return ""
    return letter


def _person_keys(text: str) -> FormKeys:
    if _KATAKANA.match(text):
        parts = [part for part in re.split(r"[・=＝\s]+", text) if part]
        family = _reading(parts[-1])
        given = _initial(_reading(parts[0]), katakana=True) if len(parts) > 1 else ""
        key = spelling_key(family)
        return FormKeys(key, skeleton(key) if key else "", given, True)
    if _JAPANESE.search(text):
        family, given = _japanese_family_name(text)
        key = spelling_key(_reading(family))
        return FormKeys(key, skeleton(key) if key else "", given, False)
    words = [word for word in re.split(r"[\s]+", text) if word]
    if not words:
        return FormKeys("", "", "", False)
    family_at = len(words) - 1
    capitals = [i for i, word in enumerate(words) if len(word) > 2 and word.isupper()]
    if capitals:
        family_at = capitals[0]  # KISHIDA Fumio
    elif len(words) == 3 and _PATRONYMIC.search(words[2]):
        family_at = 0  # Лавров Сергей Викторович
    family = words[family_at]
    if _CYRILLIC.search(family):
        family = _DECLINED_IN_A.sub("а", family)
    given_words = [word for i, word in enumerate(words) if i != family_at]
    given = _initial(given_words[0]) if given_words else ""
    key = spelling_key(family)
    return FormKeys(key, skeleton(key) if key else "", given, False)


def _japanese_family_name(text: str) -> tuple[str, str]:
    """A Japanese name's family name in kana (UniDic tags 姓 and 名), and "" for the given
    name's initial: a given name's kanji have several readings (文雄 ブンユウ or フミオ)."""
    words = japanese_words(text)
    family = [word for word in words if word[1] == "姓"]
    chosen = family[0] if family else (words[0] if words else None)
    if chosen is None:
        return text, ""
    surface, _tag, kana = chosen
    return kana or surface, ""


def _whole_keys(text: str) -> FormKeys:
    text = _QUOTES.sub("", _LEGAL_FORMS.sub(" ", text)).strip()
    katakana = bool(_KATAKANA.match(text))
    spelled = _reading(text) if _JAPANESE.search(text) else text
    key = spelling_key(re.sub(r"[\s\-‐・]+", "", spelled))
    return FormKeys(key, skeleton(key) if key else "", "", katakana)


def keys_of(kind: str, text: str) -> FormKeys:
    """The keys a form of this kind is matched to other scripts' forms by."""
    return _person_keys(text) if kind == PERSON else _whole_keys(text)
