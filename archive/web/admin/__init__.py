"""The editors' admin: entries, sources and topics (``entries``), the entry list's
search box (``search``), and the thesaurus's and capture's admin registered beside them."""

from archive.entities import admin as entities_admin  # noqa: F401  (its own package)
from archive.thesaurus import admin as thesaurus_admin  # noqa: F401  (its own package)
from archive.web.admin import (
    entries,  # noqa: F401  (registers the archive's models)
    records,  # noqa: F401  (the record of changes, users, groups)
)
