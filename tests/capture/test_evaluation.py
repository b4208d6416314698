"""The extraction benchmark's measures and command, on a small folder in its layout (the
full benchmark is measured by hand: docs/capture.md)."""

import gzip
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from archive.capture.evaluation import matching, scores
from tests.capture.conftest import fixture_bytes

EXCHANGE_TEXT = (
    "The sister cities of Sapporo and Yuzhno-Sakhalinsk agreed on Monday to resume the school "
    "exchange that the pandemic interrupted in 2020, with the first group of twenty students "
    "expected to travel in the spring.\n\nOfficials from both cities said the programme, which "
    "began in 1972, had brought more than three thousand pupils to each other's schools. "
    "Teachers will also take part in a new summer course on the history of the region.\n\nThe "
    "mayors signed the renewed agreement by video link. They said that regional ties had "
    "continued online throughout the past two years, and that travel would resume as soon as "
    "health rules allow."
)


def test_the_measures_are_the_benchmarks():
    assert matching("a b c d e", "a b c d e", 4) == (1.0, 0.0, 0.0)
    tp, fp, fn = matching("one two three four five six", "one two three four", 4)
    assert (tp, fp, fn) == (pytest.approx(1 / 3), 0.0, pytest.approx(2 / 3))
    result = scores([("one two three", "one two three extra")], 1)
    assert (result.precision, result.recall) == (0.75, 1.0)


def test_evaluate_capture_reports_both_extractors(tmp_path):
    (tmp_path / "html").mkdir()
    (tmp_path / "html" / "exchange.html.gz").write_bytes(
        gzip.compress(fixture_bytes("exchange-en.html"))
    )
    truth = {"exchange": {"articleBody": EXCHANGE_TEXT, "url": "https://ledger.example.org/"}}
    (tmp_path / "ground-truth.json").write_text(json.dumps(truth))
    out = StringIO()
    call_command("evaluate_capture", str(tmp_path), "--json", str(tmp_path / "r.json"), stdout=out)
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["pages"] == 1 and report["no_text_found"] == 0
    assert report["capture"]["words"]["f1"] == 1.0  # no menu, teaser or footer word
    assert "| capture | shingles |" in out.getvalue()
    assert "| trafilatura_extract | words |" in out.getvalue()


def test_evaluate_capture_names_a_folder_without_a_benchmark(tmp_path):
    with pytest.raises(CommandError, match="no ground-truth.json"):
        call_command("evaluate_capture", str(tmp_path))
