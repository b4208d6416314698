"""What a capture's report says, kept in no one language.

A report is written when a file is captured and read later by editors of any interface
language, so each note and each "where it came from" is kept as its English message and
its parameters (``as_data``) and said in the reader's language when shown (``shown``).
Messages are marked with ``gettext_noop`` where they are written, so that the catalogues
carry them.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext


@dataclass(frozen=True)
class Said:
    message: str  # the English message, translated when shown
    params: Mapping[str, object] = field(default_factory=dict)  # text, or Said

    def __str__(self) -> str:
        text = gettext(self.message)
        if not self.params:
            return text
        return text % {name: str(value) for name, value in self.params.items()}

    def as_data(self) -> dict:
        return {"said": self.message, "params": {k: as_data(v) for k, v in self.params.items()}}


def said(message: str, **params) -> Said:
    return Said(message, params)


def as_data(value):
    """A message, or plain text (a name such as "trafilatura"), as a report keeps it."""
    return value.as_data() if isinstance(value, Said) else value


def from_data(data):
    if isinstance(data, dict) and "said" in data:
        params = {name: from_data(value) for name, value in (data.get("params") or {}).items()}
        return Said(str(data["said"]), params)
    return data


def shown(data) -> str:
    """A kept message in the reader's language. Reports kept before messages were kept
    this way hold text, shown as it was written."""
    return str(from_data(data) if data is not None else "")
