"""Keeping originals: a file is read once, hashed as it arrives and refused as soon as it
passes the size limit, its type read from its content, and stored under its SHA-256 in
the originals storage (Django's storage API: a local folder by default, any store
django-storages speaks by settings). A file already stored is never stored again, and a
file is removed only when no entry links to it any more.
"""

import contextlib
import hashlib
import os
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import storages
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from archive.capture.detection import CaptureRefused, content_type_of
from archive.capture.models import OriginalFile, storage_name

CHUNK = 1024 * 1024


def originals_storage():
    return storages["originals"]


def size_limit() -> int:
    return settings.ARCHIVE_CAPTURE_MAX_BYTES


@dataclass(frozen=True)
class Received:
    """A file received into a local temporary copy, hashed and typed."""

    path: Path
    name: str  # as it came (its base name)
    sha256: str
    size: int
    content_type: str
    owned: bool = True  # the copy is ours to remove (not the upload's own temporary file)

    def discard(self):
        if self.owned:
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()


def receive(stream, name: str, *, limit: int | None = None) -> Received:
    """Copy ``stream`` to a temporary file while hashing it; refuse an empty file, one
    over the size limit (as soon as it passes it) and one whose type is not kept. The
    caller discards the copy. An upload Django already wrote to a temporary file is read
    where it is, not copied again. ``limit``: another size limit than capture's (the
    searchable PDF OCR writes, which may be larger than the scan it was made from)."""
    if hasattr(stream, "temporary_file_path"):
        return _received_in_place(Path(stream.temporary_file_path()), name)
    limit = size_limit() if limit is None else limit
    digest, size = hashlib.sha256(), 0
    handle, temporary = tempfile.mkstemp(prefix="capture-", dir=settings.FILE_UPLOAD_TEMP_DIR)
    path = Path(temporary)
    try:
        with os.fdopen(handle, "wb") as copy:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise CaptureRefused(too_large_message())
                digest.update(chunk)
                copy.write(chunk)
        if size == 0:
            raise CaptureRefused(_("the file is empty"))
        with path.open("rb") as copy:
            content_type = content_type_of(copy.read(64 * 1024), name)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return Received(path, os.path.basename(name), digest.hexdigest(), size, content_type)


def _received_in_place(path: Path, name: str) -> Received:
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as file:
        head = file.read(64 * 1024)
        file.seek(0)
        while chunk := file.read(CHUNK):
            size += len(chunk)
            if size > size_limit():
                raise CaptureRefused(too_large_message())
            digest.update(chunk)
    if size == 0:
        raise CaptureRefused(_("the file is empty"))
    content_type = content_type_of(head, name)
    return Received(path, os.path.basename(name), digest.hexdigest(), size, content_type, False)


def too_large_message() -> str:
    return _("the file is larger than the limit of %(limit)s") % {
        "limit": filesizeformat(size_limit())
    }


def store(received: Received) -> bool:
    """Put the content in the originals storage unless it is there already (complete:
    a process that died while writing leaves a shorter file, which is replaced).
    Returns whether it was stored now."""
    storage = originals_storage()
    name = storage_name(received.sha256)
    if storage.exists(name):
        if storage.size(name) == received.size:
            return False
        storage.delete(name)
    with received.path.open("rb") as source:
        saved = storage.save(name, File(source, name=received.name))
    if saved != name:  # another process stored the same content at the same moment
        storage.delete(saved)
    return True


def record(received: Received) -> OriginalFile:
    """The database's row for a stored file (in the caller's transaction)."""
    original, _created = OriginalFile.objects.get_or_create(
        sha256=received.sha256,
        defaults={"size": received.size, "content_type": received.content_type},
    )
    return original


@contextmanager
def recording(received: Received):
    """Store the content, then run the block's transaction (it records the file through
    ``record``); if it fails, content stored for it that no row records is
    removed."""
    stored_now = store(received)
    try:
        with transaction.atomic():
            yield
    except BaseException:
        if stored_now:
            unstore_if_unrecorded(received)
        raise


def unstore_if_unrecorded(received: Received):
    """After a failed transaction: remove content stored for it that no row records."""
    if not OriginalFile.objects.filter(sha256=received.sha256).exists():
        originals_storage().delete(storage_name(received.sha256))


def forget_unused(file_ids) -> int:
    """Remove the files no entry links to any more, and no OCR reading keeps as its
    searchable PDF (rows and stored content); returns how many. Called after the links
    were deleted and committed."""
    removed = 0
    for original in OriginalFile.objects.filter(
        pk__in=list(file_ids), links__isnull=True, searchable_versions__isnull=True
    ):
        name = original.storage_name
        original.delete()
        originals_storage().delete(name)
        removed += 1
    return removed


def open_original(original: OriginalFile):
    return originals_storage().open(original.storage_name, "rb")
