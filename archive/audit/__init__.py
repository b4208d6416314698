"""The record of every change (django-auditlog): who, when, from which address, what
changed field by field, and its origin (the admin, the public site, an import, capture,
a command, a background reading).

django-auditlog writes a ``LogEntry`` for each save and deletion of the registered models
(``registry.py``) through their signals; this package adds what it lacks: the origin of
each change, set by the context it was made in (``origins.py``: the request's middleware,
each management command, capture, OCR readings), with the actor and the address taken
from the same context, not from a header a client could forge. Refused sign-in steps are
recorded too (``record_refusal``).

How it relates to the entry versions the archive already keeps (``EntryVersion``): a
version is a citable snapshot of a *published* entry, for readers and citations; the
record is the editors' trail of every change to anything, drafts and users included.
"""

from archive.audit.origins import (
    current_origin,
    origin,
    record_account_event,
    record_refusal,
    request_context,
)

__all__ = [
    "current_origin",
    "origin",
    "record_account_event",
    "record_refusal",
    "request_context",
]
