"""What the index derives from an entry's document: its title as it sorts
(``sort_keys.py``) and its names' keys (``names/``).

Derived where a document is written (a rebuild's worker processes, in parallel; the
follower for a changed entry), not where the archive's documents are read, which is a
rebuild's one serial step. Never part of the fingerprint: it follows from fields that
are; ``DERIVATION`` is, so that an index whose derived fields were made another way is
found stale by ``check_index`` (and mended by ``--fix`` or a rebuild).
"""

from archive.search.names import document_name_fields
from archive.search.sort_keys import title_sort_key

DERIVATION = "names-3"  # change when what is derived changes


def with_derived(document: dict) -> dict:
    """The document with its derived fields (a new dict; the document is not changed)."""
    return {
        **document,
        "sort_title": title_sort_key(document["title"]),
        **document_name_fields(document["title"], document["summary"], document["body"]),
    }
