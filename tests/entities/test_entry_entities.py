"""An entry's people, places and organizations: read after a save, shown on its page and
in the API, added and removed by an editor in the entry form (#33)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from archive.entities import background, services
from archive.entities.extraction import extract
from archive.entities.models import EntityChoice, EntityForm, EntryEntity
from archive.entities.resolution import add_form, form_for
from archive.models import Entry
from tests.oai.test_oai import NS, oai
from tests.web.admin.test_entries import ADD_URL, entry_form

TALKS = "Foreign Minister Sergey Lavrov met Fumio Kishida in Tokyo."

pytestmark = pytest.mark.django_db


def test_a_save_in_the_admin_reads_the_names_after_its_commit(
    settings, editor_client, django_capture_on_commit_callbacks
):
    settings.ARCHIVE_ENTITIES_ON_SAVE = "now"
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            ADD_URL, entry_form(body="Foreign Minister Sergey Lavrov met Fumio Kishida in Tokyo.")
        )
    assert response.status_code == 302
    entry = Entry.objects.get()
    names = {link.entity.name for link in EntryEntity.objects.filter(entry=entry)}
    assert {"Sergey Lavrov", "Fumio Kishida", "Tokyo"} <= names


def test_in_the_background_a_save_does_not_wait(settings, make_entry, transactional_db):
    settings.ARCHIVE_ENTITIES_ON_SAVE = "background"
    entry = make_entry(
        title="Talks", body="Foreign Minister Sergey Lavrov met Fumio Kishida in Tokyo."
    )
    background.after_save([entry.pk])  # outside a transaction: queued at once
    background.wait_until_done()
    assert EntryEntity.objects.filter(entry=entry, entity__name="Sergey Lavrov").exists()


def test_the_entry_form_shows_and_changes_its_entities(superuser_client, make_entry):
    entry = make_entry(
        title="Talks", body="Foreign Minister Sergey Lavrov met Fumio Kishida in Tokyo."
    )
    extract(entry)
    change = reverse("admin:archive_entry_change", args=[entry.pk])
    page = superuser_client.get(change).content.decode()
    assert "People, places and organizations" in page
    assert "Read from the current text." in page
    assert "Sergey Lavrov (Person)" in page
    tokyo = EntityForm.objects.get(text="Tokyo").entity
    osaka = form_for("place", "Osaka").entity
    data = entry_form(
        title=entry.title,
        body=entry.body,
        status="draft",
        entities_remove=[tokyo.pk],
        entities_add=[osaka.pk],
    )
    response = superuser_client.post(change, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert EntityChoice.objects.filter(entry=entry, entity=tokyo, included=False).exists()
    extract(entry, force=True)  # the editor's word holds across re-extraction
    names = {link.entity.name for link in EntryEntity.objects.filter(entry=entry)}
    assert "Osaka" in names and "Tokyo" not in names


def test_the_entry_page_and_the_api_list_them(client, make_entry):
    entry = make_entry(
        title="Talks", body="Foreign Minister Sergey Lavrov met Fumio Kishida in Tokyo."
    )
    extract(entry)
    lavrov = EntityForm.objects.get(text="Sergey Lavrov").entity
    page = client.get(entry.get_absolute_url()).content.decode()
    assert f'href="/people/{lavrov.key}/"' in page
    data = client.get(f"/api/entries/{entry.pk}/").json()
    people = {person["key"]: person for person in data["people"]}
    assert people[lavrov.key]["name"] == "Sergey Lavrov"
    assert people[lavrov.key]["url"] == f"http://testserver/people/{lavrov.key}/"
    assert data["places"][0]["name"] == "Tokyo"
    assert data["organizations"] == []


def test_oai_harvests_people_as_subjects_and_places_as_coverage(client, make_entry):

    entry = make_entry(
        title="Talks", body="Foreign Minister Sergey Lavrov met Fumio Kishida in Tokyo."
    )
    extract(entry)
    document = oai(
        client,
        verb="GetRecord",
        identifier=f"oai:127.0.0.1:entry/{entry.pk}",
        metadataPrefix="oai_dc",
    )
    subjects = document.xpath(".//dc:subject/text()", namespaces=NS)
    assert {"Sergey Lavrov", "Fumio Kishida"} <= set(subjects)
    assert document.xpath(".//dc:coverage/text()", namespaces=NS) == ["Tokyo"]


def test_a_promoted_entity_is_in_the_skos_export(make_entry):
    lavrov = form_for("person", "Sergey Lavrov").entity
    form_for("person", "Сергей Лавров")
    concept = services.promote(lavrov)
    call_command("export_thesaurus", stdout=(out := StringIO()))
    turtle = out.getvalue()
    assert f"/concepts/{concept.key}/" in turtle
    assert '"Сергей Лавров"@ru' in turtle and '"Sergey Lavrov"@en' in turtle


def test_an_entity_with_five_hundred_forms_is_listed_and_shown(superuser_client, empty_index):
    entity = form_for("organization", "Gazprom").entity
    for number in range(500):
        add_form(entity, f"Gazprom Unit {number}")
    listing = superuser_client.get(reverse("admin:archive_entity_changelist"))
    assert "(+495)" in listing.content.decode()
    assert superuser_client.get(f"/organizations/{entity.key}/").status_code == 200
