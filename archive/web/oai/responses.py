"""The XML of OAI-PMH responses (lxml), as the protocol's schema requires them."""

import datetime
from dataclasses import dataclass

from lxml import etree

from archive import citations
from archive.entities.models import EntityKind, shown_links_of
from archive.web.oai.repository import Record, oai_identifier

OAI = "http://www.openarchives.org/OAI/2.0/"
OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC = "http://purl.org/dc/elements/1.1/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
OAI_SCHEMA = "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"
OAI_DC_SCHEMA = "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"


@dataclass(frozen=True)
class PageReads:
    """What the records of one page show beyond their entries, read for all of them at
    once (two queries a page, not two a record): archived copies and entity links."""

    archived: dict  # entry id → (path, capture day), as citations.archived_copies
    links: dict  # entry id → its shown entity links, as shown_links_of

    @classmethod
    def of(cls, records) -> "PageReads":
        ids = [record.entry_id for record in records if record.entry is not None]
        if not ids:
            return cls({}, {})
        return cls(citations.archived_copies(ids), shown_links_of(ids))


def utc(moment: datetime.datetime) -> str:
    """A datestamp at the repository's granularity (seconds, UTC)."""
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def envelope(base_url: str, arguments: dict) -> tuple[etree._Element, etree._Element]:
    """The response's root, and its request element (arguments only when valid)."""
    root = etree.Element(f"{{{OAI}}}OAI-PMH", nsmap={None: OAI, "xsi": XSI})
    root.set(f"{{{XSI}}}schemaLocation", f"{OAI} {OAI_SCHEMA}")
    etree.SubElement(root, f"{{{OAI}}}responseDate").text = utc(datetime.datetime.now(datetime.UTC))
    request = etree.SubElement(root, f"{{{OAI}}}request")
    request.text = base_url
    for name, value in arguments.items():
        request.set(name, value)
    return root, request


def sub(parent, name: str, text: str | None = None, **attributes):
    element = etree.SubElement(parent, f"{{{OAI}}}{name}", **attributes)
    if text is not None:
        element.text = text
    return element


def serialise(root) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def header(parent, record: Record):
    attributes = {"status": "deleted"} if record.deleted else {}
    element = sub(parent, "header", **attributes)
    sub(element, "identifier", oai_identifier(record.entry_id))
    sub(element, "datestamp", utc(record.datestamp))
    for spec in record.sets:
        sub(element, "setSpec", spec)
    return element


def dublin_core(parent, record: Record, permalink_url: str, page: "PageReads | None" = None):
    """oai_dc: the entry's Dublin Core, as its page's DC.* tags give it. ``page``: what
    was read for a whole page of records at once (else read here, for this one)."""
    metadata = sub(parent, "metadata")
    dc = etree.SubElement(
        metadata, f"{{{OAI_DC}}}dc", nsmap={"oai_dc": OAI_DC, "dc": DC, "xsi": XSI}
    )
    dc.set(f"{{{XSI}}}schemaLocation", f"{OAI_DC} {OAI_DC_SCHEMA}")
    if page is None:
        page = PageReads.of([record])
    citation = citations.record_for_entry(
        record.entry, permalink_url, archived=page.archived.get(record.entry_id)
    )
    for name, value in citations.dublin_core(citation):
        element = etree.SubElement(dc, f"{{{DC}}}{name.removeprefix('DC.')}")
        element.text = _xml_text(value)
    document_type = record.entry.get_document_type_display()
    etree.SubElement(dc, f"{{{DC}}}type").text = str(document_type)
    # Its people and organizations as subjects, its places as (spatial) coverage, as DCMI
    # defines the two; in English, the harvest's language.
    links = page.links.get(record.entry_id, ())
    entities = sorted((link.entity for link in links), key=_by_kind)
    for entity in entities:
        element = "coverage" if entity.kind == EntityKind.PLACE else "subject"
        etree.SubElement(dc, f"{{{DC}}}{element}").text = _xml_text(entity.label("en"))


def _by_kind(entity) -> str:
    return entity.kind


def _xml_text(value: str) -> str:
    """Text XML 1.0 can carry (control characters dropped)."""
    return "".join(
        char for char in str(value) if char in "\t\n\r" or ord(char) >= 0x20 and char != "\ufffe"
    )
