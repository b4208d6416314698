"""COinS (ContextObjects in Spans, OpenURL 1.0 KEV): a span per result that Zotero's
connectors and other reference managers read, so a result list is saved at once."""

from urllib.parse import urlencode

JOURNAL = "info:ofi/fmt:kev:mtx:journal"
DUBLIN_CORE = "info:ofi/fmt:kev:mtx:dc"


def coins(entry, url: str) -> str:
    """The span's title: the entry's metadata as an OpenURL ContextObject."""
    pairs = [("ctx_ver", "Z39.88-2004")]
    date = entry.partial_date.iso() if entry.date else ""
    source = entry.source.name if entry.source else ""
    if entry.document_type == "journal_article":
        pairs += [("rft_val_fmt", JOURNAL), ("rft.genre", "article")]
        pairs += [("rft.atitle", entry.display_title), ("rft.jtitle", source)]
        pairs += [("rft.au", name) for name in entry.author_list]
        pairs += [("rft.date", date)] if date else []
    else:
        pairs += [("rft_val_fmt", DUBLIN_CORE), ("rft.title", entry.display_title)]
        pairs += [("rft.creator", name) for name in entry.author_list]
        pairs += [("rft.publisher", source)] if source else []
        pairs += [("rft.date", date)] if date else []
        pairs += [("rft.type", entry.get_document_type_display())]
        pairs += [("rft.language", entry.language)] if entry.language else []
    pairs.append(("rft_id", url))
    return urlencode([(key, str(value)) for key, value in pairs if value])
