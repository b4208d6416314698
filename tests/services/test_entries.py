"""An entry's life through its services (``archive/services/entries.py``): each change is
recorded once, with its version and its index change, whoever makes it."""

from django.urls import reverse

from archive import search
from archive.models import Entry, EntryTombstone, Status
from archive.search import IndexChange
from archive.services import entries
from tests.web.admin.test_entries import entry_form


def _logged(entry_id) -> int:
    return IndexChange.objects.filter(entry_id=entry_id).count()


def test_a_new_published_entry_is_logged_once_and_versioned_after_its_commit(db, committed):
    with committed():
        entry = entries.create_entry(
            title="Kuril ferry", body="The ferry sails.", status=Status.PUBLISHED
        )
    assert _logged(entry.pk) == 1
    assert entry.versions.count() == 1


def test_an_entry_saved_in_the_admin_with_identifiers_is_logged_once(
    superuser_client, committed, source
):
    data = entry_form(
        status="published",
        source=source.pk,
        **{
            "identifiers-TOTAL_FORMS": "2",
            "identifiers-0-scheme": "issn",
            "identifiers-0-value": "2618-7159",
            "identifiers-1-scheme": "doi",
            "identifiers-1-value": "10.1234/abc",
        },
    )
    with committed():
        response = superuser_client.post(reverse("admin:archive_entry_add"), data)
    assert response.status_code == 302
    entry = Entry.objects.get()
    assert entry.identifiers.count() == 2
    assert _logged(entry.pk) == 1  # the entry, its topics and identifiers: one change
    assert entry.versions.count() == 1


def test_publishing_and_unpublishing_log_each_entry_that_changed(db, make_entry, committed, source):
    drafts = [make_entry(status=Status.DRAFT, source=source) for _ in range(3)]
    before = IndexChange.objects.count()
    with committed():
        chosen = Entry.objects.filter(pk__in=[d.pk for d in drafts])
        assert entries.publish_entries(chosen).published == 3
        assert entries.publish_entries(Entry.objects.filter(pk=drafts[0].pk)).published == 0
    assert IndexChange.objects.count() == before + 3


def test_a_deleted_entry_leaves_the_index_and_a_tombstone(indexed_seed, committed):
    entry = Entry.objects.filter(status=Status.PUBLISHED).first()
    with committed():
        assert entries.delete_entries([entry]) == 1
    assert EntryTombstone.objects.filter(entry_id=entry.pk).exists()
    assert entry.pk not in search.search(search.SearchRequest(query=entry.title)).entry_ids


def test_a_direct_orm_write_is_still_followed(db, make_entry, committed):
    with committed():
        entry = make_entry(title="Written in the shell")
    assert _logged(entry.pk) == 1
    assert entry.versions.count() == 1
