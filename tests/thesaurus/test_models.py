"""The thesaurus's constraints: SKOS's one preferred label per language, no empty
labels, no cycles of broader concepts."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from archive.thesaurus.models import ConceptLabel, broader_cycle, fold
from archive.thesaurus.services import broader_cycle_path, label_error


def test_a_concept_has_one_preferred_label_per_language(kurils):
    with pytest.raises(IntegrityError), transaction.atomic():
        ConceptLabel.objects.create(
            concept=kurils["islands"], language="en", kind="preferred", text="Kurile Islands"
        )
    # Other names in the same language are alternative labels.
    ConceptLabel.objects.create(
        concept=kurils["islands"], language="en", kind="alternative", text="Kurile Islands"
    )
    assert kurils["islands"].name("en") == "Kuril Islands"


def test_a_label_is_given_once_per_concept_and_language_whatever_its_case(kurils):
    with pytest.raises(IntegrityError), transaction.atomic():
        ConceptLabel.objects.create(
            concept=kurils["islands"], language="ru", kind="alternative", text="КУРИЛЬСКИЕ  острова"
        )


def test_labels_are_folded_for_comparison_in_every_script():
    assert fold("Курильские Острова") == fold("курильские острова")
    assert fold("Ёлка") == fold("елка")
    assert fold("ＫＵＲＩＬ") == "kuril"  # full-width letters


@pytest.mark.parametrize("text", ["", "   ", "—", "?!", "“ ”"])
def test_an_empty_or_punctuation_only_label_is_refused(kurils, text):
    label = ConceptLabel(concept=kurils["islands"], language="en", kind="alternative", text=text)
    with pytest.raises(ValidationError):
        label.full_clean()
    assert label_error(text)


def test_a_label_of_only_common_words_is_refused():
    assert "too common" in label_error("the and of")
    assert label_error("Iturup") is None


def test_a_broader_concept_cannot_be_the_concept_itself_or_below_it(kurils):
    islands, iturup = kurils["islands"], kurils["iturup"]
    assert broader_cycle(islands, [iturup]) == iturup
    assert broader_cycle(islands, [islands]) == islands
    assert broader_cycle(iturup, [islands]) is None


def test_a_cycle_of_broader_concepts_is_found_and_named():
    assert broader_cycle_path({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert broader_cycle_path({"a": {"b"}, "b": set(), "c": {"b"}}) is None


def test_names_fall_back_to_english_then_any_language(kurils):
    assert kurils["islands"].name("ru") == "Курильские острова"
    assert kurils["islands"].name("de") == "Kuril Islands"
    assert kurils["iturup"].descendants() == set()
    assert kurils["islands"].descendants() == {kurils["territories"].pk, kurils["iturup"].pk}
