"""Names across scripts: "Lavrov" finds Лавров and ラブロフ, "Kishida" Кисида and 岸田.

Each name an entry's text holds is kept in the index under keys that do not depend on
the script it was written in (``keys.py``): a *spelling key* (the name romanized and
folded so that the usual romanizations of Russian and of Japanese agree) and, across
katakana, a *consonant skeleton* (katakana adds vowels after consonants and writes l as
r and v as b). A query's words are looked up under the same keys (``matching.py``) and
matched entries rank below those with the words typed.

Which words are names (``finding.py``): in Latin and Cyrillic, capitalized words; in
Japanese, the proper nouns UniDic knows (through fugashi), read in kana, and every word
in katakana.
"""

from archive.search.names.finding import NameForm, japanese_words, kana_in_latin, names_in
from archive.search.names.kanji_dictionary import kakasi
from archive.search.names.keys import romanized, skeleton, spelling_key
from archive.search.names.matching import (
    NAME_FIELDS,
    NameAlternatives,
    alternatives_for,
    document_name_fields,
    forms_matched,
)

__all__ = [
    "japanese_words",
    "kakasi",
    "kana_in_latin",
    "romanized",
    "skeleton",
    "spelling_key",
    "NAME_FIELDS",
    "NameAlternatives",
    "NameForm",
    "alternatives_for",
    "document_name_fields",
    "forms_matched",
    "names_in",
    "skeleton",
    "spelling_key",
]
