"""The thesaurus as SKOS (W3C Simple Knowledge Organization System), in Turtle or
JSON-LD, through rdflib: written whole by ``export_graph``, read back exactly by
``records_from``. A concept's URI is ``{ARCHIVE_BASE_URL}/concepts/{key}/``; reading,
only the key (the URI's last path segment) is kept, so a file moves between sites."""

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS

from archive.thesaurus.models import LANGUAGE_CODES, Concept, LabelKind

FORMATS = {"turtle": "ttl", "json-ld": "jsonld"}
EXTENSIONS = {"ttl": "turtle", "jsonld": "json-ld", "json": "json-ld", "rdf": "xml", "nt": "nt"}
LABEL_PROPERTIES = {
    LabelKind.PREFERRED: SKOS.prefLabel,
    LabelKind.ALTERNATIVE: SKOS.altLabel,
    LabelKind.HIDDEN: SKOS.hiddenLabel,
}


class ThesaurusFileError(ValueError):
    """A SKOS file that cannot be read as the archive's thesaurus; says where and why."""


@dataclass
class ConceptRecord:
    """One concept as a SKOS file states it."""

    key: str
    labels: list[tuple[str, str, str]] = field(default_factory=list)  # language, kind, text
    scope_note: str = ""
    note: str = ""
    broader: set[str] = field(default_factory=set)  # keys
    related: set[str] = field(default_factory=set)
    topic: str = ""  # the topic's slug


def scheme_uri() -> URIRef:
    return URIRef(f"{settings.ARCHIVE_BASE_URL.rstrip('/')}/concepts/")


def concept_uri(key: str) -> URIRef:
    return URIRef(f"{scheme_uri()}{key}/")


def export_graph() -> Graph:
    graph = Graph()
    graph.bind("skos", SKOS)
    graph.bind("dcterms", DCTERMS)
    scheme = scheme_uri()
    graph.add((scheme, RDF.type, SKOS.ConceptScheme))
    graph.add((scheme, DCTERMS.title, Literal("RJ Archive thesaurus", lang="en")))
    concepts = Concept.objects.prefetch_related("labels", "broader", "related").select_related(
        "topic"
    )
    for concept in concepts:
        uri = concept_uri(concept.key)
        graph.add((uri, RDF.type, SKOS.Concept))
        graph.add((uri, SKOS.inScheme, scheme))
        for label in concept.labels.all():
            graph.add((uri, LABEL_PROPERTIES[label.kind], Literal(label.text, lang=label.language)))
        if concept.scope_note:
            graph.add((uri, SKOS.scopeNote, Literal(concept.scope_note, lang="en")))
        if concept.note:
            graph.add((uri, SKOS.note, Literal(concept.note, lang="en")))
        broader = list(concept.broader.all())
        for parent in broader:
            graph.add((uri, SKOS.broader, concept_uri(parent.key)))
            graph.add((concept_uri(parent.key), SKOS.narrower, uri))
        if not broader:
            graph.add((uri, SKOS.topConceptOf, scheme))
            graph.add((scheme, SKOS.hasTopConcept, uri))
        for other in concept.related.all():
            graph.add((uri, SKOS.related, concept_uri(other.key)))
        if concept.topic:
            graph.add((uri, DCTERMS.subject, Literal(concept.topic.slug)))
    return graph


def serialise(format_name: str) -> str:
    return export_graph().serialize(format=format_name)


def parse(data: bytes | str, format_name: str) -> Graph:
    graph = Graph()
    try:
        graph.parse(data=data, format=format_name)
    except Exception as error:  # rdflib's parsers raise many kinds; all mean "not RDF"
        message = " ".join(str(error).split())
        raise ThesaurusFileError(f"Not valid {format_name}: {message}") from None
    return graph


def key_of(uri) -> str:
    """A concept's key: the last segment of its URI's path (or fragment)."""
    if not isinstance(uri, URIRef):
        raise ThesaurusFileError(f"A concept must have a URI, not a blank node ({uri}).")
    parts = urlsplit(str(uri))
    tail = parts.fragment or parts.path.rstrip("/").rsplit("/", 1)[-1]
    return tail


def records_from(graph: Graph) -> list[ConceptRecord]:
    """Every skos:Concept in the graph; raises ThesaurusFileError naming each concept
    and label that cannot be taken (every problem, not only the first)."""
    problems = []
    records = {}
    for uri in sorted(set(graph.subjects(RDF.type, SKOS.Concept)), key=str):
        try:
            key = key_of(uri)
        except ThesaurusFileError as error:
            problems.append(str(error))
            continue
        if not key:
            problems.append(f"<{uri}>: no key can be taken from this URI.")
            continue
        if key in records:
            problems.append(f"<{uri}>: another concept has the key “{key}”.")
            continue
        record = ConceptRecord(key=key)
        for kind, predicate in LABEL_PROPERTIES.items():
            for value in graph.objects(uri, predicate):
                language = (getattr(value, "language", None) or "").lower()
                if language not in LANGUAGE_CODES:
                    problems.append(
                        f"{key}: the label “{value}” has the language “{language or 'none'}”;"
                        f" labels must be in one of {', '.join(LANGUAGE_CODES)}."
                    )
                    continue
                record.labels.append((language, kind.value, str(value)))
        record.scope_note = _english(graph, uri, SKOS.scopeNote)
        record.note = _english(graph, uri, SKOS.note)
        record.broader = {key_of(other) for other in graph.objects(uri, SKOS.broader)}
        record.broader |= {key_of(other) for other in graph.subjects(SKOS.narrower, uri)}
        record.related = {key_of(other) for other in graph.objects(uri, SKOS.related)}
        record.related |= {key_of(other) for other in graph.subjects(SKOS.related, uri)}
        topics = [str(value) for value in graph.objects(uri, DCTERMS.subject)]
        record.topic = topics[0] if topics else ""
        records[key] = record
    if problems:
        raise ThesaurusFileError("\n".join(problems))
    return list(records.values())


def _english(graph: Graph, uri, predicate) -> str:
    values = list(graph.objects(uri, predicate))
    for value in values:
        if getattr(value, "language", None) in ("en", None):
            return str(value)
    return str(values[0]) if values else ""
