"""Names in the index and in a query: the fields a document's names fill, and a query's
words searched under their names' keys, below the words typed.

Fields (terms are keys, so a name is found whatever script its entry writes it in):
- ``name_key``: the spelling key of every name (Latin, Cyrillic, kanji read in kana,
  katakana romanized);
- ``name_kana``: the skeletons of names written in katakana (what a Latin or Cyrillic
  query's skeleton is looked up in);
- ``name_spelled``: the skeletons of names written in Latin or Cyrillic letters (what a
  katakana query's skeleton is looked up in);
- ``name_forms``: "k:key|form", "s:skeleton|form" (katakana) and "t:skeleton|form"
  (spelled) for every form: what the page says was matched, and what editors see.
Skeletons are compared only across katakana and the other scripts: within one script the
spelling key is the better judge.
"""

from dataclasses import dataclass, replace
from functools import lru_cache

from whoosh import query as whoosh_query

from archive.search.analysis import script_of
from archive.search.names.finding import NameForm, names_in

NAME_WEIGHT = 0.5  # a name matched in another script counts half as much as a word typed
MAX_FORMS_SHOWN = 8  # forms the page names for one word
NAME_FIELDS = ("name_key", "name_kana", "name_spelled", "name_forms")


Terms = tuple[tuple[str, str], ...]  # (field, key): any of them


@dataclass(frozen=True)
class NameAlternatives:
    """What a query word is also searched as, and the forms found under it: each of the
    names it holds (a given name and a family name, written together in Japanese), all
    required; or the name written as one word (ペトロパブロフスク・カムチャツキー as
    Petropavlovsk-Kamchatsky)."""

    word: str
    parts: tuple[Terms, ...]  # every part must match, under any of its terms
    whole: Terms = ()  # … or this
    forms: tuple[str, ...] = ()  # other forms in the index (filled from the index)
    typed_as_name: bool = False  # capitalized, and not just as a sentence's first word

    @property
    def terms(self) -> Terms:
        return tuple(dict.fromkeys(term for part in (*self.parts, self.whole) for term in part))

    def present(self, reader) -> "NameAlternatives | None":
        """Only the terms the index holds, and the parts it holds any of (a part no entry
        has, a given name read otherwise, does not keep the others from matching); None
        when nothing can match."""

        def held(terms: Terms) -> Terms:
            return tuple(term for term in terms if reader.doc_frequency(*term))

        parts = tuple(part for part in map(held, self.parts) if part)
        whole = held(self.whole)
        return replace(self, parts=parts, whole=whole) if parts or whole else None


@lru_cache(maxsize=200_000)
def _form_terms(form: NameForm) -> tuple[str, ...]:
    kind = "s" if form.katakana else "t"
    return (
        f"k:{form.key}|{form.written}",
        *(f"{kind}:{shape}|{form.written}" for shape in form.skeletons),
    )


def document_name_fields(*texts: str) -> dict[str, str]:
    """The name fields of a document whose text is ``texts`` (title, summary, body)."""
    keys, kana, spelled, forms = {}, {}, {}, {}
    for text in texts:
        for form in dict.fromkeys(names_in(text)):
            keys[form.key] = None
            for shape in form.skeletons:
                (kana if form.katakana else spelled)[shape] = None
            for term in _form_terms(form):
                forms[term] = None
    return {
        "name_key": " ".join(keys),
        "name_kana": " ".join(kana),
        "name_spelled": " ".join(spelled),
        "name_forms": " ".join(forms),
    }


def _search_terms(form: NameForm) -> Terms:
    field = "name_spelled" if form.katakana else "name_kana"
    return (("name_key", form.key), *((field, shape) for shape in form.skeletons))


def alternatives_for(word: str) -> NameAlternatives | None:
    """The keys a typed word is also searched under, or None (no name in it)."""
    forms = names_in(word, every_word=True)
    by_written: dict[str, dict] = {}  # one part per name written, its readings' terms
    for form in forms:
        if not form.whole:
            by_written.setdefault(form.written, {}).update(dict.fromkeys(_search_terms(form)))
    parts = tuple(tuple(terms) for terms in by_written.values())
    whole = tuple(term for form in forms if form.whole for term in _search_terms(form))
    return NameAlternatives(word, parts, whole) if parts or whole else None


_FORM_PREFIX = {"name_key": "k", "name_kana": "s", "name_spelled": "t"}


def forms_matched(reader, alternatives: NameAlternatives) -> tuple[str, ...]:
    """The forms in the index found under a word's keys, other than the word itself (as
    written, ignoring case), most useful first: another script's before a variant. A
    variant in the word's own script counts only when the word was typed as a name
    ("Lavrow" finds "Lavrov"), so that a question's plain words are never read as names
    (``colour``, ``color``)."""
    typed = alternatives.word.casefold()
    own_script = script_of(alternatives.word)
    variants_too = alternatives.typed_as_name
    found: dict[str, None] = {}
    for field, key in alternatives.terms:
        prefix = f"{_FORM_PREFIX[field]}:{key}|"
        for term in reader.expand_prefix("name_forms", prefix):
            form = (term.decode("utf-8") if isinstance(term, bytes) else term)[len(prefix) :]
            if form.casefold() != typed and (variants_too or script_of(form) != own_script):
                found[form] = None
    return tuple(sorted(found, key=lambda form: (script_of(form) == own_script, form)))


def clause(alternatives: NameAlternatives):
    """Every part under any of its terms (or the whole), weighted below a word typed."""

    def any_of(terms: Terms):
        return whoosh_query.Or(
            [whoosh_query.Term(field, key, boost=NAME_WEIGHT) for field, key in terms]
        )

    options = []
    if alternatives.parts:
        parts = [any_of(part) for part in alternatives.parts]
        options.append(parts[0] if len(parts) == 1 else whoosh_query.And(parts))
    if alternatives.whole:
        options.append(any_of(alternatives.whole))
    return options[0] if len(options) == 1 else whoosh_query.Or(options)
