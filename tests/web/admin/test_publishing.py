"""Publishing asks of a public entry what the archive requires: a source, a type, and a
date or "Undated" that someone stated (#31, 4)."""

import datetime

import pytest
from django.urls import reverse

from archive.models import DatePrecision, DocumentType, Entry, Source, Status
from tests.web.admin.test_entries import ADD_URL, CHANGELIST_URL, entry_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def gazette():
    return Source.objects.create(name="Gazette", slug="gazette")


def captured_draft(**fields):
    """A draft as capture leaves it when the file said nothing of its source, type or date."""
    values = {
        "title": "Ferry to Sakhalin resumes",
        "body": "The ferry runs again.",
        "document_type": DocumentType.NOT_STATED,
        "date_precision": DatePrecision.NOT_STATED,
    }
    values.update(fields)
    return Entry.objects.create(**values)


def publish_selected(client, entries):
    return client.post(
        CHANGELIST_URL,
        {"action": "publish_selected", "_selected_action": [entry.pk for entry in entries]},
        follow=True,
    )


def test_publish_selected_names_what_blocks_each_entry_and_publishes_the_rest(
    superuser_client, gazette
):
    bare = captured_draft()
    ready = captured_draft(
        title="Ministers meet",
        source=gazette,
        document_type=DocumentType.OTHER,
        date_precision=DatePrecision.UNDATED,
    )
    page = publish_selected(superuser_client, [bare, ready]).content.decode()

    bare.refresh_from_db()
    ready.refresh_from_db()
    assert bare.status == Status.DRAFT
    assert ready.status == Status.PUBLISHED
    assert "1 entry published." in page
    assert f"#{bare.pk} Ferry to Sakhalin resumes" in page
    assert "no source; no document type chosen; no date, and “Undated” not chosen" in page


def test_a_dated_entry_needs_no_undated_statement(superuser_client, gazette):
    entry = captured_draft(
        source=gazette,
        document_type=DocumentType.NEWS,
        date=datetime.date(2018, 9, 5),
        date_precision=DatePrecision.DAY,
    )
    publish_selected(superuser_client, [entry])
    entry.refresh_from_db()
    assert entry.status == Status.PUBLISHED


def test_the_form_refuses_to_publish_an_entry_without_a_source(superuser_client):
    response = superuser_client.post(ADD_URL, entry_form(status="published", source=""))
    assert response.status_code == 200
    assert "It cannot be published yet: no source." in response.content.decode()
    assert not Entry.objects.exists()


def test_the_form_saves_such_an_entry_as_a_draft(superuser_client):
    response = superuser_client.post(
        ADD_URL, entry_form(source="", document_type="", date="", date_precision="")
    )
    assert response.status_code == 302
    entry = Entry.objects.get()
    assert (entry.status, entry.document_type, entry.date_precision) == ("draft", "", "")
    assert entry.display_date == "undated"


def test_a_new_entry_starts_with_type_and_date_not_stated(superuser_client):
    page = superuser_client.get(ADD_URL).content.decode()
    assert '<option value="" selected>Not stated yet</option>' in page


def test_a_typed_date_with_no_precision_chosen_is_as_precise_as_written(superuser_client, gazette):
    response = superuser_client.post(
        ADD_URL,
        entry_form(status="published", source=gazette.pk, date="2016-05", date_precision=""),
    )
    assert response.status_code == 302
    entry = Entry.objects.get()
    assert (entry.status, entry.date_precision, entry.display_date) == (
        "published",
        "month",
        "May 2016",
    )


def test_the_change_form_offers_the_entry_to_the_editor_after_a_blocked_publish(
    superuser_client,
):
    entry = captured_draft()
    page = publish_selected(superuser_client, [entry]).content.decode()
    assert reverse("admin:archive_entry_change", args=[entry.pk]) in page
