"""Where in a page a value extracted from it stands, for the extraction report: its meta
tags (Open Graph, article:, citation_, Dublin Core, name=author, …), its JSON-LD, its
<title>, its first heading, its canonical link and its lang attribute. trafilatura
finds the values; this names their place ("date: from the page's
article:published_time")."""

import json
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext_noop
from trafilatura.utils import load_html

from archive.capture.said import Said, said

DATE_KEYS = (
    "article:published_time",
    "og:published_time",
    "citation_publication_date",
    "citation_date",
    "dc.date",
    "dc.date.issued",
    "dcterms.date",
    "dcterms.issued",
    "date",
    "pubdate",
    "publishdate",
    "datepublished",
    "article:modified_time",
)
TITLE_KEYS = ("og:title", "twitter:title", "citation_title", "dc.title", "headline")
AUTHOR_KEYS = ("author", "article:author", "citation_author", "dc.creator", "byl")
SITE_KEYS = ("og:site_name", "application-name", "citation_journal_title", "dc.publisher")
DESCRIPTION_KEYS = ("description", "og:description", "twitter:description", "dc.description")
LD_KEYS = {
    "datePublished": "date",
    "dateCreated": "date",
    "headline": "title",
    "description": "description",
    "inLanguage": "language",
}
TRAFILATURA = said(gettext_noop("trafilatura, from the page's layout and text"))
# The archive's document type a page's own markup names (schema.org types, then og:type).
LD_TYPES = {
    "NewsArticle": "news",
    "ReportageNewsArticle": "news",
    "AnalysisNewsArticle": "news",
    "BackgroundNewsArticle": "news",
    "OpinionNewsArticle": "news",
    "Article": "news",
    "ScholarlyArticle": "journal_article",
    "Report": "report",
    "Book": "book",
    "Chapter": "book",
    "SpeechPresentation": "speech",
}


def _norm(text) -> str:
    return " ".join(unicodedata.normalize("NFKC", str(text or "")).casefold().split())


@dataclass
class PageSources:
    meta: dict  # key → [content, …]
    ld: dict  # our name → [value, …] from JSON-LD
    title_tag: str
    heading: str
    canonical: str
    declared_language: str

    @classmethod
    def of(cls, raw: bytes) -> "PageSources":
        tree = load_html(raw)
        if tree is None:
            return cls({}, {}, "", "", "", "")
        meta: dict = {}
        for element in tree.iter("meta"):
            key = element.get("property") or element.get("name") or element.get("itemprop")
            key = key or element.get("http-equiv")
            if key and element.get("content"):
                meta.setdefault(key.strip().lower(), []).append(element.get("content").strip())
        ld: dict = {}
        for script in tree.iter("script"):
            if (script.get("type") or "").lower() == "application/ld+json" and script.text:
                try:
                    _collect_ld(json.loads(script.text), ld)
                except (ValueError, RecursionError):
                    continue
        title_tag = next((e.text_content().strip() for e in tree.iter("title")), "")
        heading = next((e.text_content().strip() for e in tree.iter("h1")), "")
        canonical = next(
            (
                link.get("href", "")
                for link in tree.iter("link")
                if "canonical" in (link.get("rel") or "").lower().split()
            ),
            "",
        )
        language = tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang")
        language = language or (meta.get("content-language") or [""])[0]
        return cls(meta, ld, title_tag, heading, canonical, (language or "").strip())

    def _meta_source(self, keys, matches) -> Said | None:
        for key in keys:
            if any(matches(content) for content in self.meta.get(key, ())):
                return said(gettext_noop("the page's meta tag %(key)s"), key=key)
        return None

    def _ld_source(self, name, matches) -> Said | None:
        if any(matches(value) for value in self.ld.get(name, ())):
            return said(gettext_noop("the page's JSON-LD (%(key)s)"), key=name)
        return None

    def _tagged(self, keys, ld_name: str, matches) -> Said | None:
        """The first meta tag of ``keys``, else the JSON-LD value, that ``matches``."""
        return self._meta_source(keys, matches) or self._ld_source(ld_name, matches)

    def title(self, value: str) -> Said:
        same = _same_as(value)
        return (
            self._tagged(TITLE_KEYS, "title", same)
            or (
                said(gettext_noop("the page's <title>"))
                if _norm(value) and _norm(value) in _norm(self.title_tag)
                else None
            )
            or (said(gettext_noop("the page's first heading")) if same(self.heading) else None)
            or TRAFILATURA
        )

    def date(self, value: str) -> Said:
        return self._tagged(
            DATE_KEYS, "date", lambda text: str(text).strip().startswith(value)
        ) or said(gettext_noop("htmldate (in trafilatura), from the page's text or address"))

    def author(self, value: str) -> Said:
        wanted = _norm(value)
        return self._tagged(AUTHOR_KEYS, "author", lambda text: wanted in _norm(text)) or said(
            gettext_noop("trafilatura, from the page's byline")
        )

    def site_name(self, value: str) -> Said:
        return self._tagged(SITE_KEYS, "publisher", _same_as(value)) or said(
            gettext_noop("trafilatura, from the page's address")
        )

    def url(self, value: str) -> Said:
        if self.canonical and self.canonical.rstrip("/") == value.rstrip("/"):
            return said(gettext_noop("the page's canonical link"))
        return self._meta_source(("og:url", "twitter:url"), lambda u: u == value) or TRAFILATURA

    def document_type(self) -> tuple[str, Said] | None:
        """The archive's document type the page's markup names, and where: its JSON-LD
        ``@type`` (NewsArticle → news, ScholarlyArticle → journal article, …), else a
        citation_journal_title (a journal's page) or og:type "article"."""
        for name in self.ld.get("@type", ()):
            if name in LD_TYPES:
                return LD_TYPES[name], said(
                    gettext_noop("the page's JSON-LD (@type %(type)s)"), type=name
                )
        if self.meta.get("citation_journal_title"):
            return "journal_article", said(
                gettext_noop("the page's meta tag %(key)s"), key="citation_journal_title"
            )
        if "article" in (value.lower() for value in self.meta.get("og:type", ())):
            return "news", said(gettext_noop("the page's meta tag %(key)s"), key="og:type")
        return None

    def description(self, value: str) -> Said:
        return self._tagged(DESCRIPTION_KEYS, "description", _same_as(value)) or TRAFILATURA


def _same_as(value: str):
    """A test of text against ``value``, ignoring case, width and spacing."""
    wanted = _norm(value)
    return lambda text: _norm(text) == wanted


def _collect_ld(node, found: dict, depth: int = 0):
    """The JSON-LD values the report can point to, from any depth of the graph."""
    if depth > 20:
        return
    if isinstance(node, list):
        for item in node:
            _collect_ld(item, found, depth + 1)
        return
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        if key == "@type":
            names = value if isinstance(value, list) else [value]
            found.setdefault("@type", []).extend(name for name in names if isinstance(name, str))
        if key in LD_KEYS and isinstance(value, str):
            found.setdefault(LD_KEYS[key], []).append(value)
        elif key in ("author", "publisher", "creator"):
            name = "publisher" if key == "publisher" else "author"
            for person in value if isinstance(value, list) else [value]:
                if isinstance(person, dict) and isinstance(person.get("name"), str):
                    found.setdefault(name, []).append(person["name"])
                elif isinstance(person, str):
                    found.setdefault(name, []).append(person)
        if isinstance(value, (dict, list)):
            _collect_ld(value, found, depth + 1)
