"""The names judged set (#32): 150 names and more in three scripts, and name matching
finding each name's documents in the other scripts, 90 % and more of them, and hardly
anything else; without it, none."""

import re
from io import StringIO
from pathlib import Path

from django.core.management import call_command

from archive.evaluation import names

NAMES = Path(__file__).resolve().parents[1] / "data" / "names"
LATIN, CYRILLIC = re.compile(r"^[A-Za-z .'-]+$"), re.compile(r"^[А-Яа-яЁё .-]+$")
JAPANESE = re.compile(r"^[\u3040-\u30ff\u3400-\u9fff・]+$")


def test_the_set_has_150_names_each_in_three_scripts():
    judged = names.load(NAMES)
    assert len(judged) >= 150
    assert len({name.id for name in judged}) == len(judged)
    for name in judged:
        assert LATIN.match(name.forms["en"]), name
        assert CYRILLIC.match(name.forms["ru"]), name
        assert JAPANESE.match(name.forms["ja"]), name
    assert {"person", "place", "organization", "ship"} <= {name.kind for name in judged}


def test_family_names_are_read_in_each_script():
    [kishida] = [name for name in names.load(NAMES) if name.forms["en"] == "Fumio Kishida"]
    assert [names.family_name(kishida, script) for script in names.SCRIPTS] == [
        "Kishida",
        "Кисида",
        "岸田",
    ]


def test_names_are_found_across_every_pair_of_scripts(db):
    out = StringIO()
    call_command("evaluate_names", str(NAMES), stdout=out)
    rows = re.findall(
        r"^(en|ru|ja)→(en|ru|ja)\s+\d+\s+([\d.]+)%\s+([\d.]+)%\s+([\d.]+)%\s+([\d.]+)%",
        out.getvalue(),
        re.MULTILINE,
    )
    assert len(rows) == 6, out.getvalue()
    for source, target, recall, recall_without, precision, _without in rows:
        assert float(recall) >= 90, (source, target, out.getvalue())
        assert float(precision) >= 90, (source, target, out.getvalue())
        assert float(recall_without) < 10
