"""pykakasi's kanji dictionary held compactly: the same readings in a fraction of the
memory."""

import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
from pykakasi.properties import Configurations

from archive.search.names import kanji_dictionary
from archive.slugs import latin_slug

ROOT = Path(__file__).resolve().parents[2]


def test_every_table_is_the_one_pykakasi_reads():
    with open(Configurations.dictpath(Configurations.jisyo_kanwa), "rb") as source:
        whole = pickle.load(source)
    compact = kanji_dictionary.split_tables()
    assert len(compact) == len(whole)
    assert all(compact.get(key) == table for key, table in whole.items())
    assert compact.get(ord("a")) is None  # no table: what pykakasi's own dict answers


def test_names_and_titles_read_the_same_through_the_compact_tables():
    reader = kanji_dictionary.kakasi()
    assert [part["hepburn"] for part in reader.convert("岸田文雄")] == ["kishida", "fumio"]
    assert (
        latin_slug("ラブロフ外相、岸田首相と会談") == "raburofu-gaishou-kishida-shushou-to-kaidan"
    )
    assert latin_slug("北方領土の日") == "hoppouryoudo-no-nichi"


# A fresh process (nothing loaded by other tests) reads a kanji name and a title, and
# prints how much its resident memory grew.
_MEASURE = """
import django
django.setup()
from archive.search import kana_in_latin
from archive.search.segments.batch_writer import resident_bytes
from archive.slugs import latin_slug
before = resident_bytes()
assert kana_in_latin("岸田文雄") == "kishidafumio"
assert latin_slug("北方領土の日") == "hoppouryoudo-no-nichi"
print((resident_bytes() - before) / 2**20)
"""


def test_reading_kanji_does_not_load_the_whole_dictionary_into_a_process():
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="rjsite.settings", PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE], capture_output=True, text=True, env=env, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    grown_mib = float(done.stdout.split()[-1])
    assert grown_mib < 40  # pykakasi's own loading: ~100 MiB (its dictionary's objects)


@pytest.mark.parametrize("interpreter", ["/nonexistent/python3", "/usr/bin/uwsgi", ""])
def test_where_the_child_cannot_run_pykakasi_loads_its_own_dictionary(
    monkeypatch, caplog, interpreter
):
    monkeypatch.setattr(kanji_dictionary.sys, "executable", interpreter)
    monkeypatch.setitem(kanji_dictionary.Kanwa._shared_state, "_jisyo_table", None)
    reader = kanji_dictionary.kakasi()
    assert [part["hepburn"] for part in reader.convert("岸田")] == ["kishida"]
    assert isinstance(kanji_dictionary.Kanwa._shared_state["_jisyo_table"], dict)
    assert "read whole" in caplog.text
