"""Editors' decisions on entities (merge, split, reject, add and remove on an entry,
promote), each surviving re-extraction, and the admin that makes them (#33)."""

import pytest
from django.urls import reverse

from archive.entities import services
from archive.entities.extraction import extract
from archive.entities.models import Entity, EntityForm, EntityStatus, EntryEntity
from archive.entities.resolution import form_for
from archive.thesaurus.models import ConceptLabel

pytestmark = pytest.mark.django_db


def names_of(entry):
    return {link.entity.final().name for link in EntryEntity.objects.filter(entry=entry)}


def test_merge_survives_re_extraction_and_the_old_address_leads_on(make_entry, client):
    entry = make_entry(title="Putin", body="Vladimir Putin met Abe. Путин говорил.", language="en")
    putin = form_for("person", "Vladimir Putin").entity
    kremlin_boss = form_for("person", "Kremlin boss Putin-like").entity
    services.merge(putin, [kremlin_boss])
    extract(entry, force=True)
    kremlin_boss.refresh_from_db()
    assert kremlin_boss.status == EntityStatus.MERGED
    assert EntityForm.objects.get(text="Kremlin boss Putin-like").entity == putin
    response = client.get(f"/people/{kremlin_boss.key}/")
    assert response.status_code == 301
    assert response["Location"].endswith(f"/people/{putin.key}/")
    with pytest.raises(services.EntityDecisionError):
        services.merge(putin, [kremlin_boss])  # a merge into itself (a cycle): refused


def test_a_split_form_stays_apart_after_re_extraction(make_entry):
    lavrov = form_for("person", "Sergey Lavrov").entity
    alone = form_for("person", "Lavrov")
    assert alone.entity == lavrov
    entry = make_entry(title="Talks", body="Sergey Lavrov spoke.\n\nLavrov agreed.")
    extract(entry)
    new = services.split_off(alone)
    extract(entry, force=True)
    assert EntityForm.objects.get(text="Lavrov").entity == new
    assert new.pk in set(EntryEntity.objects.filter(entry=entry).values_list("entity", flat=True))


def test_a_rejected_entity_never_comes_back(make_entry):
    first = make_entry(title="One", body="Vladimir Putin visited Hadron Collider today.")
    extract(first)
    wrong = EntityForm.objects.get(text="Hadron Collider").entity
    services.set_status([wrong], EntityStatus.REJECTED)
    assert "Hadron Collider" not in names_of(first)
    second = make_entry(title="Two", body="Scientists met at Hadron Collider again.")
    extract(second)
    extract(first, force=True)
    assert "Hadron Collider" not in names_of(first) | names_of(second)
    assert Entity.objects.filter(name="Hadron Collider").count() == 1


def test_an_editor_adds_and_removes_entities_on_an_entry(make_entry):
    entry = make_entry(title="Talks", body="Sergey Lavrov met Fumio Kishida in Tokyo.")
    extract(entry)
    tokyo = EntityForm.objects.get(text="Tokyo").entity
    osaka = form_for("place", "Osaka").entity
    services.choose(entry.pk, tokyo, included=False)
    services.choose(entry.pk, osaka, included=True)
    extract(entry, force=True)
    names = names_of(entry)
    assert "Tokyo" not in names
    assert "Osaka" in names


def test_promote_makes_a_concept_whose_labels_the_gazetteer_then_finds(make_entry):
    lavrov = form_for("person", "Сергей Лавров").entity
    assert form_for("person", "Sergey Lavrov").entity == lavrov
    concept = services.promote(lavrov)
    labels = set(ConceptLabel.objects.filter(concept=concept).values_list("language", "text"))
    assert ("ru", "Сергей Лавров") in labels and ("en", "Sergey Lavrov") in labels
    lavrov.refresh_from_db()
    assert lavrov.status == EntityStatus.ACCEPTED and lavrov.concept == concept
    later = make_entry(title="Later", body="Визит: Сергея Лаврова ждут.", language="ru")
    extract(later)
    assert lavrov.pk in set(
        EntryEntity.objects.filter(entry=later).values_list("entity", flat=True)
    )


def test_the_admin_lists_merges_rejects_and_splits(superuser_client, make_entry):
    entry = make_entry(
        title="Talks", body="Foreign Minister Sergey Lavrov met Fumio Kishida in Tokyo."
    )
    extract(entry)
    listing = superuser_client.get(reverse("admin:archive_entity_changelist"))
    page = listing.content.decode()
    assert "Sergey Lavrov" in page and "Fumio Kishida" in page
    lavrov = EntityForm.objects.get(text="Sergey Lavrov").entity
    kishida = EntityForm.objects.get(text="Fumio Kishida").entity
    response = superuser_client.post(
        reverse("admin:archive_entity_changelist"),
        {"action": "reject", "_selected_action": [kishida.pk]},
        follow=True,
    )
    assert "Rejected 1." in response.content.decode()
    kishida.refresh_from_db()
    assert kishida.status == EntityStatus.REJECTED
    # Split "Lavrov" off in the entity's page.
    assert form_for("person", "Lavrov").entity == lavrov
    change = reverse("admin:archive_entity_change", args=[lavrov.pk])
    form = superuser_client.get(change).context["adminform"].form
    forms = list(lavrov.forms.order_by("pk"))
    data = {
        "name": lavrov.name,
        "kind": lavrov.kind,
        "status": lavrov.status,
        "label_en": lavrov.label_en,
        "label_ru": "",
        "label_ja": "",
        "concept": "",
        "forms-TOTAL_FORMS": len(forms),
        "forms-INITIAL_FORMS": len(forms),
        "forms-MIN_NUM_FORMS": 0,
        "forms-MAX_NUM_FORMS": 1000,
    }
    for i, entity_form in enumerate(forms):
        data[f"forms-{i}-id"] = entity_form.pk
        data[f"forms-{i}-entity"] = lavrov.pk
        if entity_form.text == "Lavrov":
            data[f"forms-{i}-split"] = "on"
    assert form is not None
    response = superuser_client.post(change, data, follow=True)
    assert "is now an entity of its own" in response.content.decode()
    assert EntityForm.objects.get(text="Lavrov").entity != lavrov


def test_an_editor_changes_a_kind_and_the_entry_moves_facet(
    superuser_client, make_entry, empty_index, committed, client
):
    with committed():
        entry = make_entry(title="Visit", body="Scientists met at Hadron Collider again.")
        extract(entry)
    collider = EntityForm.objects.get(text="Hadron Collider").entity
    assert collider.kind == "person"  # the small English model's guess
    change = reverse("admin:archive_entity_change", args=[collider.pk])
    data = {
        "name": collider.name,
        "kind": "place",
        "status": "accepted",
        "label_en": collider.label_en,
        "label_ru": "",
        "label_ja": "",
        "concept": "",
        "forms-TOTAL_FORMS": 1,
        "forms-INITIAL_FORMS": 1,
        "forms-MIN_NUM_FORMS": 0,
        "forms-MAX_NUM_FORMS": 1000,
        "forms-0-id": collider.forms.get().pk,
        "forms-0-entity": collider.pk,
    }
    with committed():
        response = superuser_client.post(change, data)
    assert response.status_code == 302
    facets = client.get("/api/search/").json()["facets"]
    assert collider.key in {value["value"] for value in facets["places"]}
    assert collider.key not in {value["value"] for value in facets["people"]}
    assert client.get(f"/places/{collider.key}/").status_code == 200


def test_editors_decisions_survive_a_backup_and_its_restore(tmp_path, make_entry):
    from io import StringIO

    from django.core.management import call_command

    entry = make_entry(
        title="Talks", body="Foreign Minister Sergey Lavrov met Fumio Kishida in Tokyo."
    )
    extract(entry)
    lavrov = EntityForm.objects.get(text="Sergey Lavrov").entity
    kishida = EntityForm.objects.get(text="Fumio Kishida").entity
    services.set_status([kishida], EntityStatus.REJECTED)
    osaka = form_for("place", "Osaka").entity
    services.choose(entry.pk, osaka, included=True)
    call_command("export_archive", str(tmp_path / "backup"), stdout=StringIO())
    Entity.objects.all().delete()  # the forms, choices and links with them
    call_command("import_entries", str(tmp_path / "backup"), stdout=(out := StringIO()))
    assert "entity fumio-kishida" in out.getvalue()
    assert Entity.objects.get(key=kishida.key).status == EntityStatus.REJECTED
    assert EntityForm.objects.get(text="Sergey Lavrov").entity.key == lavrov.key
    extract(entry, force=True)  # mentions are read again, and filed as decided
    names = names_of(entry)
    assert "Osaka" in names and "Fumio Kishida" not in names and "Sergey Lavrov" in names
    call_command("import_entries", str(tmp_path / "backup"), stdout=(again := StringIO()))
    assert "created 0, updated 0" in again.getvalue()
