"""Names the archive already knows, found wherever a text writes them: the labels (in
every language) of the thesaurus concepts that are people, places or organizations
(those linked to an entity: the seed's, and every one an editor promotes), and the
world's countries in English, Russian and Japanese from pycountry's ISO 3166 names
(with the short names everyday writing uses: Russia, Россия, ロシア). A gazetteer's match
wins over a model's span where they overlap: it knows the kind and the identity, and a
concept's labels put the three scripts' forms in one entity."""

import gettext
import re
import threading
import time
from dataclasses import dataclass

import pycountry

from archive.entities.models import SHOWN_STATUSES, Entity
from archive.entities.naming import script_of
from archive.entities.recognizers import PLACE, Mention
from archive.thesaurus.models import ConceptLabel

# Countries' everyday names where ISO 3166's differ ("Russian Federation").
_SHORT_NAMES = {
    "RU": ("Russia", "Россия", "ロシア"),
    "JP": ("Japan", "Япония", "日本"),
    "US": ("United States", "США", "米国", "アメリカ"),
    "GB": ("United Kingdom", "Великобритания", "英国", "イギリス"),
    "KR": ("South Korea", "Южная Корея", "韓国"),
    "KP": ("North Korea", "КНДР", "北朝鮮"),
    "CN": ("China", "Китай", "中国"),
    "UA": ("Ukraine", "Украина", "ウクライナ"),
}


@dataclass(frozen=True)
class Known:
    """A name the gazetteer knows: its kind, and what it stands for (``concept:<id>`` or
    ``country:<code>``), with every form of it by language."""

    kind: str
    identity: str
    forms: tuple[tuple[str, str], ...]  # (language, text)


def _countries() -> list[Known]:
    translations = {
        language: gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language])
        for language in ("ru", "ja")
    }
    known = []
    for country in pycountry.countries:
        forms = [("en", country.name)]
        for attribute in ("common_name",):
            if getattr(country, attribute, None):
                forms.append(("en", getattr(country, attribute)))
        for language, translation in translations.items():
            translated = translation.gettext(country.name)
            if translated != country.name:
                # 大韓民国 (韓国): the name and, in brackets, its short form.
                for part in re.split(r"\s*[(（]\s*|\s*[)）]\s*", translated):
                    if part:
                        forms.append((language, part))
        forms += [(script_of(text), text) for text in _SHORT_NAMES.get(country.alpha_2, ())]
        known.append(Known(PLACE, f"country:{country.alpha_2}", tuple(dict.fromkeys(forms))))
    return known


def _concepts() -> list[Known]:
    kinds = dict(
        Entity.objects.filter(concept__isnull=False, status__in=SHOWN_STATUSES).values_list(
            "concept_id", "kind"
        )
    )
    forms: dict[int, list[tuple[str, str]]] = {}
    labels = ConceptLabel.objects.filter(concept_id__in=kinds).values_list(
        "concept_id", "language", "text"
    )
    for concept_id, language, text in labels:
        forms.setdefault(concept_id, []).append((language, text))
    return [
        Known(kinds[concept_id], f"concept:{concept_id}", tuple(texts))
        for concept_id, texts in forms.items()
    ]


_JAPANESE_RUN = re.compile(r"[\u3040-\u30ff\u3400-\u9fff々〆ヵヶ]+")
# A word: letters and digits, with inner hyphens and apostrophes (Южно-Сахалинск and
# «Сахалин-2» are one word each, so neither is Сахалин).
_WORD = re.compile(r"\w+(?:[-'’]\w+)*")
_MAX_ENDING = 3  # letters a Russian case ending adds to a stem


@dataclass(frozen=True)
class _Stem:
    """A word of a name as it is matched: its stem, and how many letters of ending may
    follow it (a Russian word in any case: Япония, Японии; Курильские, Курильских)."""

    stem: str
    least: int = 0
    most: int = 0

    def matches(self, word: str) -> bool:
        ending = word[len(self.stem) :]
        return (
            self.least <= len(ending) <= self.most
            and word.startswith(self.stem)
            and (not ending or ending.isalpha())  # «Сахалин-2» is not Сахалин
        )


def _stem(word: str) -> _Stem:
    if len(word) <= 3 or script_of(word) != "ru":
        return _Stem(word)
    if word[-2:].lower() in ("ие", "ые", "ий", "ый", "ая", "ое"):
        return _Stem(word[:-2], 1, _MAX_ENDING)
    if word[-1].lower() in "аяоеиьйы":
        return _Stem(word[:-1], 1, _MAX_ENDING)
    return _Stem(word, 0, _MAX_ENDING)


@dataclass(frozen=True)
class _Name:
    text: str  # the form as the gazetteer knows it
    words: tuple[_Stem, ...]
    gaps: tuple[str, ...]  # what stands between its words (a space, a dash)


def _spelled(text: str) -> _Name | None:
    words = list(_WORD.finditer(text))
    if not words:
        return None
    gaps = tuple(
        " " if text[a.end() : b.start()].isspace() else text[a.end() : b.start()]
        for a, b in zip(words, words[1:], strict=False)
    )
    return _Name(text, tuple(_stem(word.group()) for word in words), gaps)


class Gazetteer:
    """The names, looked up word by word (Latin and Cyrillic: by each text word's
    possible stems, then the following words checked) and, in Japanese, by first
    character: a text is read once, whatever the number of names."""

    def __init__(self, known: list[Known]):
        self.by_text: dict[str, Known] = {}
        for item in known:
            for _language, text in item.forms:
                if len(text) >= 2:
                    self.by_text.setdefault(text, item)
        self.by_first_stem: dict[str, list[_Name]] = {}
        self.by_first_character: dict[str, list[str]] = {}
        for text in self.by_text:
            if script_of(text) == "ja":
                self.by_first_character.setdefault(text[0], []).append(text)
            elif name := _spelled(text):
                self.by_first_stem.setdefault(name.words[0].stem, []).append(name)
        for names in self.by_first_character.values():
            names.sort(key=len, reverse=True)

    def _spelled_matches(self, text: str):
        words = list(_WORD.finditer(text))
        for i, first in enumerate(words):
            word = first.group()
            stems = {word[: len(word) - cut] for cut in range(_MAX_ENDING + 1) if cut < len(word)}
            for stem in stems:
                for name in self.by_first_stem.get(stem, ()):
                    end = self._follows(text, words, i, name)
                    if end is not None:
                        yield first.start(), end, name.text

    @staticmethod
    def _follows(text, words, i, name: _Name) -> int | None:
        """Where ``name`` ends if the text's words from the i-th on spell it."""
        if i + len(name.words) > len(words):
            return None
        for k, stem in enumerate(name.words):
            word = words[i + k]
            if not stem.matches(word.group()):
                return None
            if k:
                gap = text[words[i + k - 1].end() : word.start()]
                gap = " " if gap.isspace() else gap
                if gap != name.gaps[k - 1]:
                    return None
        return words[i + len(name.words) - 1].end()

    def _japanese_matches(self, text: str):
        for run in _JAPANESE_RUN.finditer(text):
            for position in range(run.start(), run.end()):
                for name in self.by_first_character.get(text[position], ()):
                    end = position + len(name)
                    # Not a part of a numbered name (サハリン2 is the project, not the island).
                    if text.startswith(name, position) and not text[end : end + 1].isdigit():
                        yield position, end, name

    def mentions(self, text: str) -> list[tuple[Mention, Known]]:
        candidates = [*self._spelled_matches(text), *self._japanese_matches(text)]
        # The longest first ("Ministry of Foreign Affairs of Japan" over "Japan"), then
        # the earliest; a name overlapping one already taken is not one.
        candidates.sort(key=lambda found: (found[0] - found[1], found[0]))
        found: list[tuple[Mention, Known]] = []
        taken: list[tuple[int, int]] = []
        for start, end, name in candidates:
            if any(start < other_end and other_start < end for other_start, other_end in taken):
                continue
            taken.append((start, end))
            known = self.by_text[name]
            mention = Mention(known.kind, text[start:end], name, start, end)
            found.append((mention, known))
        return sorted(found, key=lambda pair: pair[0].start)


_cache: dict[str, object] = {}
_cache_lock = threading.Lock()
SECONDS = 60.0
_countries_cached: list[Known] = []


def current() -> Gazetteer:
    """The gazetteer, read again at most every ``SECONDS`` (or at once after ``forget``)."""
    with _cache_lock:
        kept = _cache.get("gazetteer")
        if kept and time.monotonic() - kept[0] < SECONDS:
            return kept[1]
    if not _countries_cached:
        _countries_cached.extend(_countries())
    gazetteer = Gazetteer(_concepts() + _countries_cached)
    with _cache_lock:
        _cache["gazetteer"] = (time.monotonic(), gazetteer)
    return gazetteer


def forget():
    """A concept was linked or promoted: read the gazetteer again on its next use."""
    with _cache_lock:
        _cache.clear()
