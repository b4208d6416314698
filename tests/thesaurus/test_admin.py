"""Editors keep the thesaurus in the admin: labels inline, search in any script, a warning
for a label another concept has, no cycles, and no deleting concepts."""

from django.urls import reverse

from archive.thesaurus.models import Concept

CHANGELIST = reverse("admin:archive_concept_changelist")
ADD = reverse("admin:archive_concept_add")


def concept_form(key="kamchatka", labels=(), **overrides):
    """An add or change form as the browser sends it; labels: (language, kind, text)."""
    data = {
        "key": key,
        "scope_note": "",
        "note": "Checked against the Wikipedia articles.",
        "topic": "",
        "labels-TOTAL_FORMS": str(len(labels)),
        "labels-INITIAL_FORMS": "0",
        "labels-MIN_NUM_FORMS": "0",
        "labels-MAX_NUM_FORMS": "1000",
    }
    for number, (language, kind, text) in enumerate(labels):
        data.update(
            {
                f"labels-{number}-language": language,
                f"labels-{number}-kind": kind,
                f"labels-{number}-text": text,
            }
        )
    data.update(overrides)
    return data


KAMCHATKA = [("en", "preferred", "Kamchatka"), ("ru", "preferred", "Камчатка")]


def test_an_editor_adds_a_concept_with_its_labels(editor_client, kurils):
    response = editor_client.post(ADD, concept_form(labels=KAMCHATKA), follow=True)
    assert response.status_code == 200
    concept = Concept.objects.get(key="kamchatka")
    assert concept.preferred_labels() == {"en": "Kamchatka", "ru": "Камчатка"}


def test_editors_may_change_concepts_but_never_delete_them(editor_client, kurils):
    change = reverse("admin:archive_concept_change", args=[kurils["iturup"].pk])
    assert editor_client.get(change).status_code == 200
    delete = reverse("admin:archive_concept_delete", args=[kurils["iturup"].pk])
    assert editor_client.post(delete, {"post": "yes"}).status_code == 403
    assert Concept.objects.filter(key="iturup").exists()
    page = editor_client.get(change).content.decode()
    assert "deletelink" not in page


def test_the_concept_list_is_searched_by_any_label_in_any_script(editor_client, kurils):
    for term, key in [
        ("курильские", "kuril-islands"),  # lower case Cyrillic (SQLite folds ASCII only)
        ("КУРИЛЬСКИЕ", "kuril-islands"),
        ("北方四島", "northern-territories"),
        ("motegi", "toshimitsu-motegi"),
        ("ИТУРУП", "iturup"),
    ]:
        page = editor_client.get(CHANGELIST, {"q": term}).content.decode()
        assert f"/{kurils_key_pk(kurils, key)}/change/" in page, term
    page = editor_client.get(CHANGELIST, {"q": "курильские"}).content.decode()
    assert f"/{kurils['motegi'].pk}/change/" not in page


def kurils_key_pk(kurils, key):
    return next(concept.pk for concept in kurils.values() if concept.key == key)


def test_a_label_another_concept_has_is_saved_with_a_warning(editor_client, kurils):
    labels = [*KAMCHATKA, ("en", "alternative", "Kurils")]
    response = editor_client.post(ADD, concept_form(labels=labels), follow=True)
    page = response.content.decode()
    assert Concept.objects.filter(key="kamchatka").exists()
    assert "The label “Kurils” also belongs to the concept" in page
    assert "Kuril Islands" in page


def test_two_preferred_labels_in_one_language_are_refused_on_the_form(editor_client, kurils):
    labels = [("en", "preferred", "Kamchatka"), ("en", "preferred", "Kamchatka Peninsula")]
    response = editor_client.post(ADD, concept_form(labels=labels))
    assert response.status_code == 200
    assert "Only one preferred label per language" in response.content.decode()
    assert not Concept.objects.filter(key="kamchatka").exists()


def test_an_empty_punctuation_or_repeated_label_is_refused_on_the_form(editor_client, kurils):
    for labels, message in [
        ([("en", "preferred", "…")], "has no letters or digits"),
        ([("en", "preferred", "the")], "too common"),
        ([("en", "preferred", "Kamchatka"), ("en", "alternative", "KAMCHATKA")], "given twice"),
    ]:
        response = editor_client.post(ADD, concept_form(labels=labels))
        assert response.status_code == 200
        assert message in response.content.decode()
    assert not Concept.objects.filter(key="kamchatka").exists()


def test_a_broader_concept_that_would_make_a_cycle_is_refused(editor_client, kurils):
    islands = kurils["islands"]
    change = reverse("admin:archive_concept_change", args=[islands.pk])
    data = concept_form(
        key=islands.key,
        broader=[kurils["iturup"].pk],
        **{"labels-TOTAL_FORMS": "0"},
    )
    response = editor_client.post(change, data)
    assert response.status_code == 200
    assert "would make a cycle" in response.content.decode()
    assert not islands.broader.exists()
