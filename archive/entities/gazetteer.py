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

from archive.entities.models import Entity, EntityStatus
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
        for text in _SHORT_NAMES.get(country.alpha_2, ()):
            language = "ja" if re.search(r"[\u3040-\u9fff]", text) else "en"
            if re.search(r"[а-яё]", text, re.IGNORECASE):
                language = "ru"
            forms.append((language, text))
        known.append(Known(PLACE, f"country:{country.alpha_2}", tuple(dict.fromkeys(forms))))
    return known


def _concepts() -> list[Known]:
    kinds = dict(
        Entity.objects.filter(
            concept__isnull=False, status__in=[EntityStatus.PROPOSED, EntityStatus.ACCEPTED]
        ).values_list("concept_id", "kind")
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


_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
_CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)


def _pattern(text: str) -> str:
    """A form as an expression: Japanese anywhere; Latin as a whole word; Cyrillic as a
    whole word in any case (Япония, Японии, Японией)."""
    if _JAPANESE.search(text):
        # Not a part of a numbered name (サハリン2, the project, is not the island).
        return rf"{re.escape(text)}(?![0-9])"
    if _CYRILLIC.search(text):
        escaped = r"\s+".join(_declinable(word) for word in text.split())
    else:
        escaped = re.escape(text)
    # A whole word, and not a part of a hyphenated one (Сахалин in Южно-Сахалинск, or
    # in «Сахалин-2»).
    return rf"(?<![\w-]){escaped}(?![\w-])"


def _declinable(word: str) -> str:
    """A Russian word in any case (Япония, Японии; Курильские острова, Курильских
    островах): its stem and up to three letters of ending."""
    if len(word) <= 3 or not _CYRILLIC.search(word):
        return re.escape(word)
    if word[-2:].lower() in ("ие", "ые", "ий", "ый", "ая", "ое"):
        return re.escape(word[:-2]) + "[а-яё]{1,3}"
    if word[-1].lower() in "аяоеиьйы":
        return re.escape(word[:-1]) + "[а-яё]{1,3}"
    return re.escape(word) + "[а-яё]{0,3}"


class Gazetteer:
    def __init__(self, known: list[Known]):
        self.by_text: dict[str, Known] = {}
        for item in known:
            for _language, text in item.forms:
                if len(text) >= 2:
                    self.by_text.setdefault(text, item)
        # Longest first, so that "Ministry of Foreign Affairs of Japan" wins over "Japan".
        texts = sorted(self.by_text, key=len, reverse=True)
        self.patterns = [
            re.compile("|".join(f"(?P<g{i}>{_pattern(text)})" for i, text in chunk))
            for chunk in _chunked(list(enumerate(texts)), 400)
        ]
        self.texts = texts

    def mentions(self, text: str) -> list[tuple[Mention, Known]]:
        found: list[tuple[Mention, Known]] = []
        taken: list[tuple[int, int]] = []
        for pattern in self.patterns:
            for match in pattern.finditer(text):
                start, end = match.span()
                if any(start < other_end and other_start < end for other_start, other_end in taken):
                    continue
                name = self.texts[int(match.lastgroup[1:])]
                known = self.by_text[name]
                taken.append((start, end))
                written = match.group()
                found.append((Mention(known.kind, written, name, start, end, "gazetteer"), known))
        return found


def _chunked(items, size):
    for start in range(0, len(items), size):
        yield items[start : start + size]


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
