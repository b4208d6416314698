"""SKOS exchange: export_thesaurus writes Turtle and JSON-LD that import_thesaurus reads
back exactly; a bad file writes nothing and says what is wrong."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from rdflib import Graph
from rdflib.compare import isomorphic
from rdflib.namespace import SKOS

from archive.models import Topic
from archive.thesaurus.models import Concept, ConceptLabel


def export(fmt: str) -> str:
    out = StringIO()
    call_command("export_thesaurus", "--format", fmt, stdout=out)
    return out.getvalue()


def test_the_export_is_skos_with_every_label_note_and_link(kurils):
    graph = Graph().parse(data=export("turtle"), format="turtle")
    concepts = set(graph.subjects(predicate=None, object=SKOS.Concept))
    assert len(concepts) == 4
    labels = {str(label) for label in graph.objects(predicate=SKOS.prefLabel)}
    assert {"Kuril Islands", "Курильские острова", "千島列島", "北方領土"} <= labels
    hidden = {str(label) for label in graph.objects(predicate=SKOS.hiddenLabel)}
    assert hidden == {"Iturup Island"}
    assert len(list(graph.triples((None, SKOS.broader, None)))) == 2
    assert len(list(graph.triples((None, SKOS.narrower, None)))) == 2
    assert any("Wikipedia" in str(note) for note in graph.objects(predicate=SKOS.note))


@pytest.mark.parametrize(("fmt", "suffix"), [("turtle", "ttl"), ("json-ld", "jsonld")])
def test_the_thesaurus_survives_a_round_trip_exactly(kurils, tmp_path, fmt, suffix):
    topic = Topic.objects.create(name="Peace treaty negotiations", slug="peace-treaty")
    kurils["territories"].topic = topic
    kurils["territories"].save()
    kurils["territories"].related.add(kurils["motegi"])
    before = export(fmt)
    path = tmp_path / f"thesaurus.{suffix}"
    path.write_text(before, encoding="utf-8")

    Concept.objects.all().delete()
    out = StringIO()
    call_command("import_thesaurus", str(path), stdout=out)
    assert "created 4, updated 0, 0 unchanged" in out.getvalue()
    after = export(fmt)
    assert isomorphic(Graph().parse(data=before, format=fmt), Graph().parse(data=after, format=fmt))
    assert Concept.objects.get(key="northern-territories").topic == topic

    call_command("import_thesaurus", str(path), stdout=(out := StringIO()))
    assert "created 0, updated 0, 4 unchanged" in out.getvalue()


def test_an_import_makes_a_concept_exactly_as_the_file_says(kurils, tmp_path):
    path = tmp_path / "thesaurus.ttl"
    path.write_text(export("turtle"), encoding="utf-8")
    ConceptLabel.objects.filter(text="Kurils").delete()
    ConceptLabel.objects.create(
        concept=kurils["islands"], language="en", kind="alternative", text="Kuriles"
    )
    call_command("import_thesaurus", str(path), stdout=(out := StringIO()))
    assert "updated 1" in out.getvalue()
    labels = set(kurils["islands"].labels.values_list("text", flat=True))
    assert "Kurils" in labels and "Kuriles" not in labels


SKOS_PREFIX = "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"


def concept(key: str, statements: str) -> str:
    return f"<http://x/concepts/{key}/> a skos:Concept ; {statements} .\n"


BAD_FILES = {
    "not rdf": (SKOS_PREFIX + "<a> skos:prefLabel", "Not valid turtle"),
    "unknown language": (
        SKOS_PREFIX + concept("kamchatka", 'skos:prefLabel "Kamtschatka"@de'),
        "kamchatka: the label “Kamtschatka” has the language “de”",
    ),
    "no language": (
        SKOS_PREFIX + concept("kamchatka", 'skos:prefLabel "Kamchatka"'),
        "has the language “none”",
    ),
    "punctuation label": (
        SKOS_PREFIX + concept("kamchatka", 'skos:prefLabel "Kamchatka"@en ; skos:altLabel "—"@en'),
        "kamchatka: The label “—” has no letters or digits.",
    ),
    "cycle": (
        SKOS_PREFIX
        + concept("a", 'skos:prefLabel "A"@en ; skos:broader <http://x/concepts/b/>')
        + concept("b", 'skos:prefLabel "B"@en ; skos:broader <http://x/concepts/a/>'),
        "A cycle of broader concepts: a → b → a.",
    ),
    "two preferred": (
        SKOS_PREFIX + concept("a", 'skos:prefLabel "A"@en, "Ay"@en'),
        "a: two preferred labels in “en”",
    ),
    "unknown link": (
        SKOS_PREFIX + concept("a", 'skos:prefLabel "A"@en ; skos:related <http://x/concepts/zzz/>'),
        "a: links to “zzz”, which is not a concept.",
    ),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_a_bad_file_is_refused_with_its_reason_and_nothing_is_written(kurils, tmp_path, case):
    text, message = BAD_FILES[case]
    path = tmp_path / "bad.ttl"
    path.write_text(text, encoding="utf-8")
    # A good concept in the same file is not written either.
    before = Concept.objects.count(), ConceptLabel.objects.count()
    with pytest.raises(CommandError) as raised:
        call_command("import_thesaurus", str(path))
    assert message in str(raised.value)
    assert "nothing was imported" in str(raised.value)
    assert (Concept.objects.count(), ConceptLabel.objects.count()) == before


def test_a_file_of_unknown_format_or_missing_is_refused(db, tmp_path):
    with pytest.raises(CommandError, match="Cannot tell the format"):
        call_command("import_thesaurus", str(tmp_path / "thesaurus.txt"))
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_thesaurus", str(tmp_path / "missing.ttl"))


def test_the_seed_thesaurus_has_thirty_concepts_in_three_languages_with_sources(db):
    call_command("load_seed", stdout=(out := StringIO()))
    assert "Thesaurus: created" in out.getvalue()
    concepts = Concept.objects.prefetch_related("labels")
    assert concepts.count() >= 30
    for concept in concepts:
        assert concept.note, f"{concept.key} names no source"
        assert concept.preferred_labels().get("en"), f"{concept.key} has no English name"
    in_three = [c for c in concepts if set(c.preferred_labels()) == {"en", "ru", "ja"}]
    assert len(in_three) >= 30
    call_command("load_seed", stdout=(out := StringIO()))
    assert "Thesaurus: created 0, updated 0" in out.getvalue()
