"""A rebuild reads entries as plain rows (``archive.catalogue.DocumentRows``), not model
objects: its documents must be exactly those the entry's projection gives, field by field,
whatever the interface's language (names in English), for published entries and drafts."""

import pytest
from django.utils import translation

from archive.benchmark.corpus import generate
from archive.catalogue import (
    EntryCatalogue,
    document_of,
    entity_keys_of,
    indexed_entries,
)
from archive.models import EntryIdentifier, Status
from archive.projection import entry_data

pytestmark = pytest.mark.django_db


def projected(published: bool) -> list[dict]:
    entries = list(
        indexed_entries(published)
        .select_related("source")
        .prefetch_related("topics__parent__parent", "identifiers")
        .order_by("pk")
    )
    keys = entity_keys_of([entry.pk for entry in entries])
    with translation.override("en"):
        return [
            document_of(entry_data(entry, broader=True, entity_keys=keys.get(entry.pk, {})))
            for entry in entries
        ]


def test_documents_from_rows_are_the_projections(seed, make_entry):
    generate(300, seed=3)  # sources, a topic tree, entities, every date precision
    draft = make_entry(title="Draft with an ISSN", status=Status.DRAFT, authors="A, B\n\n C ")
    EntryIdentifier.objects.create(entry=draft, scheme="issn", value="1234-5679")
    EntryIdentifier.objects.create(entry=draft, scheme="doi", value="10.1000/x")
    for published in (True, False):
        with translation.override("ru"):  # the rows give English names all the same
            read = list(EntryCatalogue().documents(published=published))
        expected = projected(published)
        assert len(read) == len(expected) > 0
        for got, want in zip(read, expected, strict=True):
            assert got == want, got["entry_id"]
    some = list(EntryCatalogue().documents(published=True, after=5, limit=7))
    assert [int(d["entry_id"]) for d in some] == sorted(int(d["entry_id"]) for d in some)
    assert len(some) == 7 and all(int(d["entry_id"]) > 5 for d in some)


def test_a_renamed_source_is_in_the_next_documents_at_once(seed):
    entry = next(e for e in seed.values() if e.source_id)
    list(EntryCatalogue().documents(published=True))
    entry.source.name = "Renamed Ministry"
    entry.source.save()
    [document] = EntryCatalogue().documents(published=True, entry_ids=[entry.pk])
    assert document["source"] == "Renamed Ministry"
