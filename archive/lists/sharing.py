"""Sharing a list: frozen at an unguessable key, each entry at its current version, with
the researcher's title, description and notes; read back with each entry as it was
shared, or withdrawn (unpublished or deleted since), never its text then."""

import secrets
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max

from archive.lists.collected import ListRefused, MyList
from archive.lists.models import SharedList, SharedListItem
from archive.models import EntryVersion, Status
from archive.projection import display_title
from archive.services.versions import record_version


@dataclass(frozen=True)
class SharedEntry:
    position: int
    entry_id: int
    version: EntryVersion | None  # None: withdrawn
    note: str

    @property
    def withdrawn(self) -> bool:
        return self.version is None

    @property
    def title(self) -> str:
        """As the archive shows it ("[…]" around a title it devised)."""
        content = self.version.snapshot
        return display_title(content["title"], content.get("title_is_devised", False))


def share(my_list: MyList, title: str, description: str = "") -> SharedList:
    """A shared list of ``my_list`` as it is now (its unpublished entries left out)."""
    my_list.forget_unpublished()
    if not len(my_list):
        raise ListRefused("empty")
    latest = dict(
        EntryVersion.objects.filter(entry_id__in=my_list.entry_ids)
        .values("entry_id")
        .annotate(number=Max("number"))
        .values_list("entry_id", "number")
    )
    versions = {
        version.entry_id: version
        for version in EntryVersion.objects.filter(entry_id__in=latest).only(
            "pk", "entry_id", "number"
        )
        if latest[version.entry_id] == version.number
    }
    for entry_id in my_list.entry_ids:
        if entry_id not in versions:  # published without a version yet: frozen now
            made = record_version(entry_id)
            if made is not None:
                versions[entry_id] = made
    notes = my_list.notes
    with transaction.atomic():
        shared = SharedList(key=secrets.token_urlsafe(16), title=title, description=description)
        shared.save()
        SharedListItem.objects.bulk_create(
            SharedListItem(
                shared_list=shared,
                position=position,
                entry_id_shared=entry_id,
                version=versions.get(entry_id),
                note=notes[entry_id],
            )
            for position, entry_id in enumerate(my_list.entry_ids, start=1)
        )
    return shared


def shared_entries(shared: SharedList) -> list[SharedEntry]:
    """The list's entries in order; those unpublished or deleted since, withdrawn."""
    items = list(
        shared.items.select_related("version__entry")
        .defer(*(f"version__entry__{name}" for name in ("body", "raw_capture", "summary")))
        .order_by("position")
    )
    return [
        SharedEntry(
            item.position,
            item.entry_id_shared,
            item.version
            if item.version is not None and item.version.entry.status == Status.PUBLISHED
            else None,
            item.note,
        )
        for item in items
    ]
