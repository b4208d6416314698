"""Stored files re-hashed: each read back from the originals storage and its SHA-256
compared with the one it was stored under, so a capture that changed (bit rot, a hand
edit, a restore gone wrong) or went missing is found."""

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from archive.capture.detection import WACZ, WARC
from archive.capture.models import OriginalFile
from archive.capture.originals import open_original

OK, CHANGED, MISSING = "ok", "changed", "missing"
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Verdict:
    file: OriginalFile
    state: str  # OK, CHANGED or MISSING
    found: str = ""  # the SHA-256 read now (CHANGED)
    entries: tuple[int, ...] = ()


def captures(everything: bool = False):
    """The stored web archives (WACZ, WARC), or every stored file."""
    files = OriginalFile.objects.order_by("pk")
    return files if everything else files.filter(content_type__in=(WARC, WACZ))


def verify(files: Iterable[OriginalFile]) -> Iterator[Verdict]:
    for stored in files:
        entries = tuple(sorted(stored.links.values_list("entry_id", flat=True)))
        try:
            digest = hashlib.sha256()
            with open_original(stored) as stream:
                while chunk := stream.read(_CHUNK):
                    digest.update(chunk)
        except FileNotFoundError:
            yield Verdict(stored, MISSING, entries=entries)
            continue
        found = digest.hexdigest()
        state = OK if found == stored.sha256 else CHANGED
        yield Verdict(stored, state, found if state == CHANGED else "", entries)
