"""The SMART reader takes the classic collections' variants, skips what it cannot use
with a count, and never stops on one odd record; evaluate_ranking reads such a
collection and evaluates several at once."""

from io import StringIO
from pathlib import Path

from django.core.management import call_command

from archive.evaluation import smart

SLICE = Path(__file__).resolve().parents[1] / "data" / "cisi-slice"


def collection(folder: Path, documents: str, questions: str, judgements: str) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / "ODD.ALL").write_bytes(documents.encode("latin-1"))
    (folder / "ODD.QRY").write_bytes(questions.encode("latin-1"))
    (folder / "ODD.REL").write_text(judgements)
    return folder


# CACM's fields (.B, .N, .X, .K), a document without a title, one without an abstract,
# one with neither, a repeated number, leading zeros and gaps, text on a marker's line.
DOCUMENTS = """.I 001
.T
.W
Formula coding for direct entry of formulae typed on a Flexo-writer, without carriage
return, to permit completely general sub and superscripting.
.B
CACM July, 1958
.I 2
.T
Preliminary report on an algebraic language
.B
CACM December, 1958
.A
Perlis, A. J.
Samelson, K.
.N
CA581203 JB March 22, 1978  8:28 PM
.X
100\t5\t1
.I 5
.T Sorting on magnetic tapes
.W
Merge sorting with four tapes.
.K
sorting, tapes
.I 7
.B
CACM 1960
.I 5
.T
A repeated number
.I x
.T
Not a number
"""

QUESTIONS = """.I 1
.W
 formula coding for typewriters
.N
 1. Someone
.I 2
.W
sorting with magnetic tapes
.I 0
"""


def test_every_variant_of_the_documents_is_read_or_counted(tmp_path):
    folder = collection(tmp_path / "odd", DOCUMENTS, QUESTIONS, "01 001  0 0\n2 5 0 0\n")
    read = smart.load(folder)
    numbers = [document.number for document in read.documents]
    assert numbers == ["1", "2", "5"]
    untitled, no_abstract, sorting = read.documents
    assert untitled.title_is_devised
    assert untitled.title.startswith("Formula coding for direct entry of formulae typed on a")
    assert untitled.title.endswith("…")
    assert no_abstract.title == "Preliminary report on an algebraic language"
    assert no_abstract.text == "" and no_abstract.authors == ("Perlis, A. J.", "Samelson, K.")
    assert sorting.title == "Sorting on magnetic tapes"  # text on the marker's line
    assert sorting.text == "Merge sorting with four tapes."  # .K ignored
    assert set(read.skipped) == {
        "documents with neither title nor text: 1",
        "documents repeating an earlier .I number: 1",
        "documents without a number after .I: 1",
        "questions without text: 1",
    }
    assert read.relevant == {"1": frozenset({"1"}), "2": frozenset({"5"})}


def test_judgements_in_each_usual_form(tmp_path):
    forms = {
        "q d": "1 1\n2 5\n",
        "CISI's q,d,0,0": "1,1,0,0.000000\n2,5,0,0.000000\n",
        "TREC's q 0 d r": "1 0 1 1\n1 0 2 0\n2 0 5 2\n",
        "Cranfield's q d r, −1 of no interest": "1 1 2\n1 2 -1\n2 5 1\n",
    }
    for number, (name, judgements) in enumerate(forms.items()):
        folder = collection(tmp_path / f"form{number}", DOCUMENTS, QUESTIONS, judgements)
        relevant = smart.load(folder).relevant
        assert relevant == {"1": frozenset({"1"}), "2": frozenset({"5"})}, name


def test_unusable_judgements_are_counted_not_fatal(tmp_path):
    judgements = "1 1\n1 99\n9 1\nnonsense here\n\n2 5 0 0\n"
    read = smart.load(collection(tmp_path / "odd", DOCUMENTS, QUESTIONS, judgements))
    assert read.relevant == {"1": frozenset({"1"}), "2": frozenset({"5"})}
    assert "judgements of documents not in the collection: 1" in read.skipped
    assert "judgements of questions not in the collection: 1" in read.skipped
    assert "unreadable judgement lines: 1" in read.skipped


def test_judgements_numbering_questions_by_position_are_read_so(tmp_path):
    """Cranfield numbers its questions 1, 2, 4, 8 … and its judgements 1, 2, 3, 4 …"""
    questions = ".I 001\n.W\nformula coding\n.I 004\n.W\nmagnetic tapes\n"
    read = smart.load(collection(tmp_path / "cran", DOCUMENTS, questions, "1 1 2\n2 5 1\n"))
    assert [q.number for q in read.questions] == ["1", "2"]
    assert read.questions[1].text == "magnetic tapes"
    assert read.relevant == {"1": frozenset({"1"}), "2": frozenset({"5"})}
    assert any("by position" in note for note in read.notes)


def test_a_utf8_collection_is_read_as_utf8(tmp_path):
    folder = collection(tmp_path / "utf8", "", "", "1 1\n")
    (folder / "ODD.ALL").write_text(".I 1\n.T\nКурилы и Сахалин\n.W\nОстрова.\n")
    (folder / "ODD.QRY").write_text(".I 1\n.W\nКурилы\n")
    assert smart.load(folder).documents[0].title == "Курилы и Сахалин"


def test_evaluate_ranking_reads_odd_collections_and_prints_their_mean(tmp_path, db):
    odd = collection(tmp_path / "odd", DOCUMENTS, QUESTIONS, "1 1\n2 5\n")
    cran = collection(tmp_path / "cran", DOCUMENTS, QUESTIONS.replace(".I 2", ".I 4"), "2 5\n")
    out = StringIO()
    call_command("evaluate_ranking", "--all", str(odd), str(cran), stdout=out)
    text = out.getvalue()
    assert "odd: 3 documents, 2 judged questions." in text
    assert "  documents with neither title nor text: 1" in text
    assert "cran: 3 documents, 1 judged questions." in text
    assert "by position" in text
    summary = text.split("All collections", 1)[1]
    rows = {
        (line[:14].strip(), line[15:27].strip()): [float(value) for value in line[27:].split()[:3]]
        for line in summary.splitlines()[2:]
        if line.strip() and not line.startswith("Saved")
    }
    assert set(rows) == {
        (name, ranking) for name in ("odd", "cran", "mean") for ranking in ("RJ Archive", "FTS5")
    }
    # "formula coding for typewriters" finds the untitled document first.
    assert rows["odd", "RJ Archive"][0] > 0 and rows["cran", "RJ Archive"][0] == 1.0
    mean = (rows["odd", "RJ Archive"][0] + rows["cran", "RJ Archive"][0]) / 2
    assert abs(rows["mean", "RJ Archive"][0] - mean) < 0.001
