"""evaluate_ranking measures ranking on a judged collection in an archive of its own."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from archive.evaluation import metrics, smart

SLICE = Path(__file__).resolve().parents[1] / "data" / "cisi-slice"


def test_the_measures_follow_their_definitions():
    relevant = frozenset({"a", "c"})
    assert metrics.precision(["a", "b", "c"], relevant, k=2) == 0.5
    assert metrics.average_precision(["a", "b", "c"], relevant) == pytest.approx((1 + 2 / 3) / 2)
    perfect = metrics.ndcg(["a", "c", "b"], relevant)
    assert perfect == pytest.approx(1.0)
    assert metrics.ndcg(["b", "a", "c"], relevant) < perfect
    assert metrics.ndcg(["b"], relevant) == 0.0


def test_a_smart_collection_is_read_with_its_judgements():
    collection = smart.load(SLICE)
    assert len(collection.questions) == 6
    assert len(collection.judged_questions) == 6
    first = collection.documents[0]
    assert first.title == "18 Editions of the Dewey Decimal Classifications"
    assert first.authors == ("Comaromi, J.P.",)
    assert all(collection.relevant[q.number] for q in collection.judged_questions)


def test_evaluate_ranking_prints_the_measures_beside_fts5_and_compares_runs(tmp_path, db):
    saved = tmp_path / "run.json"
    out = StringIO()
    call_command(
        "evaluate_ranking", str(SLICE), "--questions", "3", "--save", str(saved), stdout=out
    )
    text = out.getvalue()
    assert "3 judged questions" in text
    assert "nDCG@10" in text and "MAP" in text and "P@10" in text
    ours = next(line for line in text.splitlines() if line.startswith("RJ Archive"))
    fts5 = next(line for line in text.splitlines() if line.startswith("SQLite FTS5"))
    assert float(ours.split()[2]) > 0 and float(fts5.split()[-5]) > 0
    figures = json.loads(saved.read_text())
    assert len(figures["questions"]) == 3 and figures["without_results"] == 0
    # A saved run with one question made worse shows up in the comparison.
    number = next(iter(figures["questions"]))
    figures["questions"][number] = figures["questions"][number] + 0.5
    saved.write_text(json.dumps(figures))
    compared = StringIO()
    call_command(
        "evaluate_ranking", str(SLICE), "--questions", "3", "--compare", str(saved), stdout=compared
    )
    assert f"question {number}:" in compared.getvalue()
    assert "0 questions better, 1 worse" in compared.getvalue()


def test_evaluate_ranking_never_touches_this_archive(tmp_path, db):
    from archive.models import Entry

    call_command("evaluate_ranking", str(SLICE), "--questions", "1", stdout=StringIO())
    assert not Entry.objects.exists()


def test_a_folder_without_a_collection_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match=r"no \*\.ALL file"):
        call_command("evaluate_ranking", str(tmp_path), stdout=StringIO())
