"""The cross-language judged set: a question in any of the three languages finds at least
80 % of its judged answers in the first ten with the seed thesaurus, far fewer without."""

import re
from io import StringIO
from pathlib import Path

from django.core.management import call_command

from archive.evaluation import crosslanguage

JUDGED_SET = Path(__file__).resolve().parents[1] / "data" / "crosslanguage"


def test_the_judged_set_has_forty_documents_and_thirty_questions_in_three_languages():
    judged = crosslanguage.load(JUDGED_SET)
    assert len(judged.documents) >= 40
    assert {document["language"] for document in judged.documents} == {"en", "ru", "ja"}
    assert len(judged.questions) >= 30
    for language in ("en", "ru", "ja"):
        assert sum(1 for q in judged.questions if q.language == language) >= 10


def test_expansion_finds_most_judged_answers_in_every_language(db):
    out = StringIO()
    call_command("evaluate_thesaurus", str(JUDGED_SET), stdout=out)
    rows = {
        (language, expansion): float(recall)
        for language, expansion, recall in re.findall(
            r"^(en|ru|ja|all)\s+(on|off)\s+([\d.]+)%", out.getvalue(), re.MULTILINE
        )
    }
    for language in ("en", "ru", "ja"):
        assert rows[(language, "on")] >= 80, out.getvalue()
        assert rows[(language, "off")] < rows[(language, "on")]
