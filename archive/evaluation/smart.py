"""Reading a test collection in SMART format: documents (``.I``, ``.T``, ``.A``, ``.W``),
questions (``.I``, ``.W``) and judgements (``question document …`` per line).

Files are looked for by suffix in one folder (``*.ALL``, ``*.QRY``, ``*.REL``), as CISI,
CACM, MED and the other classic collections ship them.
"""

import re
from dataclasses import dataclass
from pathlib import Path

_RECORD = re.compile(r"^\.I\s+(\d+)\s*$", re.MULTILINE)
_FIELD = re.compile(r"^\.([A-Z])\s*$", re.MULTILINE)


class CollectionError(ValueError):
    """The folder does not hold a readable SMART collection."""


@dataclass(frozen=True)
class Document:
    number: str
    title: str
    authors: tuple[str, ...]
    text: str


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

    @property
    def judged_questions(self) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if self.relevant.get(q.number))


def _records(text: str) -> list[tuple[str, dict[str, str]]]:
    """Each record's number and its fields (letter → text)."""
    parts = _RECORD.split(text)
    records = []
    for number, body in zip(parts[1::2], parts[2::2], strict=True):
        pieces = _FIELD.split(body)
        fields = {}
        for letter, value in zip(pieces[1::2], pieces[2::2], strict=True):
            fields[letter] = (fields.get(letter, "") + "\n" + value).strip()
        records.append((number, fields))
    return records


def _one(folder: Path, suffix: str) -> Path:
    found = sorted(folder.glob(f"*.{suffix}")) + sorted(folder.glob(f"*.{suffix.lower()}"))
    if not found:
        raise CollectionError(f"no *.{suffix} file in {folder}")
    return found[0]


def _read(path: Path) -> str:
    return path.read_bytes().decode("latin-1")  # the classic collections are Latin-1


def load(folder: Path | str) -> Collection:
    folder = Path(folder)
    if not folder.is_dir():
        raise CollectionError(f"{folder} is not a folder")
    documents = tuple(
        Document(
            number,
            " ".join(fields.get("T", "").split()),
            tuple(line.strip() for line in fields.get("A", "").splitlines() if line.strip()),
            " ".join(fields.get("W", "").split()),
        )
        for number, fields in _records(_read(_one(folder, "ALL")))
    )
    questions = tuple(
        Question(number, " ".join(fields.get("W", "").split()))
        for number, fields in _records(_read(_one(folder, "QRY")))
    )
    relevant: dict[str, set] = {}
    for line_number, line in enumerate(_read(_one(folder, "REL")).splitlines(), start=1):
        parts = line.replace(",", " ").split()
        if not parts:
            continue
        if len(parts) < 2:
            raise CollectionError(f"judgements line {line_number}: “{line}” is not “q d …”")
        relevant.setdefault(str(int(parts[0])), set()).add(str(int(parts[1])))
    if not documents or not questions:
        raise CollectionError(f"{folder}: no documents or no questions were found")
    return Collection(
        folder.name,
        documents,
        questions,
        {question: frozenset(docs) for question, docs in relevant.items()},
    )
