"""Reading a test collection in SMART format: documents (``.I``, ``.T``, ``.A``, ``.W``),
questions (``.I``, ``.W``) and judgements (one ``question document …`` per line).

Files are looked for by suffix in one folder (``*.ALL``, ``*.QRY``, ``*.REL``), as CISI,
CACM, MED and the other classic collections ship them. The reader takes their usual
variants and never stops on one odd record: other fields (``.B``, ``.K``, ``.N``, ``.X``
…) are ignored, a field's text may start on its marker's line, numbers may have leading
zeros or gaps, a document may lack its title (one is devised from its text) or its
abstract, judgements may be ``q d``, ``q d r``, ``q,d,0,0`` or TREC's ``q 0 d r``, and
when judgements number the questions 1, 2, 3 … where the questions' own numbers have
gaps (Cranfield's), they are read by position. What cannot be used is skipped and
counted in ``Collection.skipped``.
"""

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

_RECORD = re.compile(r"^\.I(?:\s+(\S+))?\s*$")
_FIELD = re.compile(r"^\.([A-Z])(?:\s+(.*))?$")
DEVISED_TITLE_WORDS = 12  # a document without a title is named by its first words


class CollectionError(ValueError):
    """The folder does not hold a readable SMART collection."""


@dataclass(frozen=True)
class Document:
    number: str
    title: str
    authors: tuple[str, ...]
    text: str
    title_is_devised: bool = False


@dataclass(frozen=True)
class Question:
    number: str
    text: str


@dataclass(frozen=True)
class Collection:
    name: str
    documents: tuple[Document, ...]
    questions: tuple[Question, ...]
    relevant: dict  # question number → frozenset of document numbers
    skipped: tuple[str, ...] = ()  # what was left out, and how much of it
    notes: tuple[str, ...] = ()  # how the files were read, where they are unusual

    @property
    def judged_questions(self) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if self.relevant.get(q.number))


def _number(token: str | None) -> str | None:
    """A record's number without leading zeros, or None if it is not a number."""
    return str(int(token)) if token and token.isdigit() else None


def _records(text: str, skipped: Counter, kind: str) -> list[tuple[str, dict[str, str]]]:
    """Each record's number and its fields (letter → text), in file order; records
    without a number, or repeating one, are skipped."""
    records, seen = [], set()
    number, fields, letter = None, None, None
    for line in text.splitlines():
        if match := _RECORD.match(line):
            if fields is not None and number is not None:
                records.append((number, fields))
            token = match.group(1)
            number, fields, letter = _number(token), {}, None
            if number is None:
                skipped[f"{kind} without a number after .I"] += 1
            elif number in seen:
                skipped[f"{kind} repeating an earlier .I number"] += 1
                number = None
            else:
                seen.add(number)
            continue
        if fields is None:
            continue  # before the first record
        if match := _FIELD.match(line):
            letter = match.group(1)
            fields[letter] = (fields.get(letter, "") + "\n" + (match.group(2) or "")).strip()
        elif letter is not None:
            fields[letter] = (fields[letter] + "\n" + line).strip()
    if fields is not None and number is not None:
        records.append((number, fields))
    return records


def _one(folder: Path, suffix: str) -> Path:
    found = sorted(folder.glob(f"*.{suffix}")) + sorted(folder.glob(f"*.{suffix.lower()}"))
    if not found:
        raise CollectionError(f"no *.{suffix} file in {folder}")
    return found[0]


def _read(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")  # the classic collections are Latin-1


def _flat(text: str) -> str:
    return " ".join(text.split())


def _document(number: str, fields: dict[str, str]) -> Document | None:
    title, text = _flat(fields.get("T", "")), _flat(fields.get("W", ""))
    if not title and not text:
        return None
    authors = tuple(line.strip() for line in fields.get("A", "").splitlines() if line.strip())
    if title:
        return Document(number, title, authors, text)
    words = text.split()
    devised = " ".join(words[:DEVISED_TITLE_WORDS])
    if len(words) > DEVISED_TITLE_WORDS:
        devised += "…"
    return Document(number, devised, authors, text, title_is_devised=True)


def _judgement(parts: list[str], trec: bool) -> tuple[str, str, bool] | None:
    """(question, document, relevant) of one judgements line, or None if unreadable. In
    TREC's ``q 0 d r`` a pair is relevant when r > 0; otherwise a listed pair is relevant
    unless a later column is negative (Cranfield's −1, "of no interest")."""
    try:
        if trec:
            question, document = _number(parts[0]), _number(parts[2])
            relevant = float(parts[3]) > 0
        else:
            question, document = _number(parts[0]), _number(parts[1])
            relevant = all(float(value) >= 0 for value in parts[2:])
    except (IndexError, ValueError):
        return None
    if question is None or document is None:
        return None
    return question, document, relevant


def _judgements(text: str, skipped: Counter) -> list[tuple[str, str, bool]]:
    lines = [line.replace(",", " ").split() for line in text.splitlines()]
    lines = [parts for parts in lines if parts]
    # TREC's format only when every line has it: CACM's "q d 0 0" can have a 0 there too.
    trec = bool(lines) and all(len(p) >= 4 and p[1] in ("0", "Q0") for p in lines)
    judgements = []
    for parts in lines:
        judgement = _judgement(parts, trec)
        if judgement is None:
            skipped["unreadable judgement lines"] += 1
        else:
            judgements.append(judgement)
    return judgements


def load(folder: Path | str) -> Collection:
    folder = Path(folder)
    if not folder.is_dir():
        raise CollectionError(f"{folder} is not a folder")
    skipped: Counter = Counter()
    documents = []
    for number, fields in _records(_read(_one(folder, "ALL")), skipped, "documents"):
        document = _document(number, fields)
        if document is None:
            skipped["documents with neither title nor text"] += 1
        else:
            documents.append(document)
    questions = []
    for number, fields in _records(_read(_one(folder, "QRY")), skipped, "questions"):
        text = _flat(fields.get("W", "") or fields.get("T", ""))
        if text:
            questions.append(Question(number, text))
        else:
            skipped["questions without text"] += 1
    if not documents or not questions:
        raise CollectionError(f"{folder}: no documents or no questions were found")
    judgements = _judgements(_read(_one(folder, "REL")), skipped)
    notes = []
    if _numbered_by_position(questions, judgements):
        questions = [Question(str(n), q.text) for n, q in enumerate(questions, start=1)]
        notes.append("the judgements number the questions by position (1, 2, 3 …): read so")
    known_documents = {document.number for document in documents}
    known_questions = {question.number for question in questions}
    relevant: dict[str, set] = {}
    for question, document, is_relevant in judgements:
        if question not in known_questions:
            skipped["judgements of questions not in the collection"] += 1
        elif document not in known_documents:
            skipped["judgements of documents not in the collection"] += 1
        elif is_relevant:
            relevant.setdefault(question, set()).add(document)
    return Collection(
        folder.name,
        tuple(documents),
        tuple(questions),
        {question: frozenset(docs) for question, docs in relevant.items()},
        tuple(f"{reason}: {count}" for reason, count in sorted(skipped.items())),
        tuple(notes),
    )


def _numbered_by_position(questions, judgements) -> bool:
    """Cranfield numbers its questions 1, 2, 4, 8 … and its judgements' questions 1 … 225,
    by position: the judgements name questions the file does not number, and every one
    of them is a position."""
    numbers = {question.number for question in questions}
    judged = {question for question, _, _ in judgements}
    positions = {str(position) for position in range(1, len(questions) + 1)}
    return bool(judged) and not judged <= numbers and judged <= positions
