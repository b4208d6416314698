"""The record of every change: who, when, from where, what (field by field) and whence
(the admin, capture, an import, the seed, a command); never written through the admin;
exported with backups."""

import json
from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from archive.models import Entry, Source, Topic
from tests.capture.conftest import fixture_bytes
from tests.services.test_import import record, write_manifest
from tests.web.admin.test_entries import entry_form

pytestmark = pytest.mark.django_db


def records_of(instance) -> list[LogEntry]:
    return list(LogEntry.objects.get_for_object(instance).order_by("timestamp", "pk"))


def test_a_change_in_the_admin_is_recorded_field_by_field(editor_client, editor, make_entry):
    entry = make_entry(title="Before")
    url = reverse("admin:archive_entry_change", args=[entry.pk])
    data = entry_form(title="After", slug=entry.slug, body=entry.body)
    response = editor_client.post(url, data, REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 302, response.content.decode()[:2000]
    change = records_of(entry)[-1]
    assert change.action == LogEntry.Action.UPDATE
    assert change.changes_dict["title"] == ["Before", "After"]
    assert change.actor == editor and change.remote_addr == "203.0.113.7"
    assert change.additional_data["origin"] == "admin"
    page = editor_client.get(reverse("admin:archive_entry_auditlog", args=[entry.pk]))
    text = page.content.decode()
    assert "from admin" in text and "203.0.113.7" in text and "After" in text


def test_a_capture_is_recorded_as_capture_with_its_editor(editor_client, editor):
    upload = SimpleUploadedFile("note-en.txt", fixture_bytes("note-en.txt"))
    editor_client.post(reverse("admin:archive_entry_capture"), {"file": upload})
    (made,) = records_of(Entry.objects.get())
    assert made.action == LogEntry.Action.CREATE
    assert made.additional_data["origin"] == "capture" and made.actor == editor


def test_an_import_and_the_seed_are_recorded_with_their_origin(tmp_path):
    write_manifest(tmp_path, [record()])
    call_command("import_entries", str(tmp_path), stdout=StringIO(), stderr=StringIO())
    imported = Entry.objects.get(external_id="doc-1")
    assert records_of(imported)[0].additional_data["origin"] == "import_entries"
    assert (
        records_of(Source.objects.get(slug="tass"))[0].additional_data["origin"] == "import_entries"
    )
    call_command("load_seed", stdout=StringIO())
    seeded = Entry.objects.exclude(pk=imported.pk).first()
    assert records_of(seeded)[0].additional_data["origin"] == "load_seed"
    assert records_of(seeded)[0].actor is None


@pytest.mark.parametrize(
    ("model", "url_name", "data"),
    [
        (Topic, "admin:archive_topic_add", {"name_en": "Fisheries", "slug": "fisheries"}),
        (Group, "admin:auth_group_add", {"name": "Proofreaders"}),
        (
            User,
            "admin:auth_user_add",
            {
                "username": "newcomer",
                "password1": "a long passphrase 42",
                "password2": "a long passphrase 42",
                "usable_password": "true",
            },
        ),
    ],
)
def test_topics_groups_and_users_are_recorded(superuser_client, model, url_name, data):
    response = superuser_client.post(reverse(url_name), data)
    assert response.status_code == 302, response.content.decode()[:1500]
    made = model.objects.order_by("-pk").first()
    (created,) = records_of(made)
    assert created.additional_data["origin"] == "admin"
    if model is User:
        assert "a long passphrase" not in json.dumps(created.changes)  # masked


def test_concepts_and_sources_are_recorded(make_concept):
    concept = make_concept("fisheries", ("en", "preferred", "Fisheries"))
    source = Source.objects.create(name="Gazette", slug="gazette")
    assert records_of(concept) and records_of(source)


def test_nobody_writes_the_record_through_the_admin_and_each_try_is_recorded(
    superuser_client, make_entry
):
    entry = make_entry()
    change = records_of(entry)[0]
    for url in (
        reverse("admin:auditlog_logentry_change", args=[change.pk]),
        reverse("admin:auditlog_logentry_delete", args=[change.pk]),
        reverse("admin:auditlog_logentry_add"),
    ):
        assert superuser_client.post(url, {"changes": "{}"}).status_code == 403
    change.refresh_from_db()
    assert LogEntry.objects.filter(pk=change.pk).exists()
    refused = LogEntry.objects.filter(additional_data__refused__isnull=False)
    assert refused.count() >= 2


def test_the_record_is_a_filterable_list(superuser_client, make_entry):
    make_entry(title="Made by a script")
    superuser_client.post(
        reverse("admin:archive_topic_add"), {"name_en": "Fisheries", "slug": "fisheries"}
    )
    listing = reverse("admin:auditlog_logentry_changelist")
    by_admin = superuser_client.get(listing, {"origin": "admin"}).content.decode()
    assert "Fisheries" in by_admin and "Made by a script" not in by_admin
    everything = superuser_client.get(listing).content.decode()
    assert "Made by a script" in everything


def test_a_backup_carries_the_record(tmp_path, make_entry):
    make_entry(title="Backed up")
    call_command("export_archive", str(tmp_path / "backup"), stdout=StringIO())
    lines = (tmp_path / "backup" / "changes.jsonl").read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines]
    assert any(row["object"] == "Backed up" and row["action"] == "create" for row in rows)
