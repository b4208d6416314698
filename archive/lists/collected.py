"""My list: the entries a visitor collects, kept in their session (no account needed),
in the order they chose, each with a note. Only published entries may be added; the
list holds at most ``ARCHIVE_LIST_MAX_ENTRIES``; a note is plain text of at most
``NOTE_MAX_CHARS`` (shown escaped)."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from archive.selectors import visible_entries

SESSION_KEY = "my_list"  # [[entry id, note], …] in the list's order
NOTE_MAX_CHARS = 2000
MAX_AT_ONCE = 500  # ids one request may add (a search's "add all" is capped the same)


class ListRefused(ValueError):
    """What was asked cannot be done; the message says why, for the visitor."""


@dataclass
class Added:
    added: int = 0
    already: int = 0
    not_published: int = 0


def max_entries() -> int:
    return settings.ARCHIVE_LIST_MAX_ENTRIES


class MyList:
    """The session's list. Reading it never creates a session."""

    def __init__(self, session):
        self.session = session
        self.items: list[list] = [
            [int(entry_id), str(note)] for entry_id, note in session.get(SESSION_KEY, [])
        ]

    def __len__(self):
        return len(self.items)

    def __contains__(self, entry_id: int) -> bool:
        return any(entry_id == item[0] for item in self.items)

    @property
    def entry_ids(self) -> list[int]:
        return [entry_id for entry_id, _note in self.items]

    @property
    def notes(self) -> dict[int, str]:
        return {entry_id: note for entry_id, note in self.items}

    def _save(self):
        self.session[SESSION_KEY] = self.items
        self.session.modified = True

    def add(self, entry_ids: list[int]) -> Added:
        """Add published entries (in the order given) not yet in the list."""
        if len(entry_ids) > MAX_AT_ONCE:
            raise ListRefused(
                _("At most %(count)d entries can be added at once.") % {"count": MAX_AT_ONCE}
            )
        wanted = list(dict.fromkeys(entry_ids))
        published = set(
            visible_entries(AnonymousUser()).filter(pk__in=wanted).values_list("pk", flat=True)
        )
        result = Added(not_published=len([i for i in wanted if i not in published]))
        new = [i for i in wanted if i in published and i not in self]
        result.already = len([i for i in wanted if i in published]) - len(new)
        room = max_entries() - len(self.items)
        if len(new) > room:
            raise ListRefused(
                ngettext(
                    "Your list holds at most %(max)d entries: there is room for %(room)d more.",
                    "Your list holds at most %(max)d entries: there is room for %(room)d more.",
                    room,
                )
                % {"max": max_entries(), "room": room}
            )
        self.items += [[entry_id, ""] for entry_id in new]
        result.added = len(new)
        if new:
            self._save()
        return result

    def remove(self, entry_id: int) -> bool:
        before = len(self.items)
        self.items = [item for item in self.items if item[0] != entry_id]
        self._save()
        return len(self.items) < before

    def clear(self):
        self.items = []
        self._save()

    def move(self, entry_id: int, step: int):
        """One place up (-1) or down (+1)."""
        ids = self.entry_ids
        if entry_id not in ids:
            raise ListRefused(_("This entry is not in your list."))
        index = ids.index(entry_id)
        target = min(max(index + step, 0), len(ids) - 1)
        item = self.items.pop(index)
        self.items.insert(target, item)
        self._save()

    def set_note(self, entry_id: int, note: str):
        if entry_id not in self:
            raise ListRefused(_("This entry is not in your list."))
        if len(note) > NOTE_MAX_CHARS:
            raise ListRefused(
                _("A note may be at most %(count)d characters long.") % {"count": NOTE_MAX_CHARS}
            )
        note = note.replace("\x00", "").strip()
        for item in self.items:
            if item[0] == entry_id:
                item[1] = note
        self._save()

    def forget_unpublished(self) -> int:
        """Drop entries no longer published (withdrawn since they were added)."""
        published = set(
            visible_entries(AnonymousUser())
            .filter(pk__in=self.entry_ids)
            .values_list("pk", flat=True)
        )
        gone = [item for item in self.items if item[0] not in published]
        if gone:
            self.items = [item for item in self.items if item[0] in published]
            self._save()
        return len(gone)
