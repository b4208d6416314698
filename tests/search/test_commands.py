"""The search, rebuild_index, check_index and sync_index commands as a terminal user sees them."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command


def command(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_search_prints_ranked_results_snippets_and_facets(indexed_seed):
    output = command("search", "sister city")
    assert output.startswith("2 results")
    assert "1. Russia and Japan extend Year of interregional and sister city exchanges" in output
    assert "22 November 2021 · Russkiy Mir Foundation" in output
    assert "[city]" in output and "<mark>" not in output
    assert "Year: 2021 (1), 2020 (1)" in output


def test_search_filters_by_facets_and_dates(indexed_seed):
    output = command("search", "--topic", "energy", "--year", "undated")
    assert output.startswith("1 result\n")
    assert "[Russia–Japan relations: areas of bilateral cooperation]" in output
    assert "*Undated (1)" in output
    assert command("search", "--from", "2021", "--to", "2021-12").startswith("1 result\n")


def test_search_suggests_a_spelling(indexed_seed):
    assert "Did you mean: Motegi" in command("search", "Motgi")


def test_search_reports_notes_for_repaired_queries(indexed_seed):
    assert "Note: An unmatched quotation mark was ignored." in command("search", '"Motegi')


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2021-13"], "not a real date"),
        (["--page", "0"], "whole number"),
        (["--sort", "random"], "invalid choice"),
    ],
)
def test_search_rejects_bad_options_with_a_message(indexed_seed, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("search", "Japan", *args, stdout=StringIO())


def test_sync_index_applies_queued_updates(indexed_seed):
    from archive.search import queue_entries

    queue_entries([entry.pk for entry in indexed_seed.values()])
    assert "Applied 3 queued updates." in command("sync_index")
