"""Marking a query's terms in a whole text (an entry page reached from a search)."""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from whoosh import highlight

from archive.search.analysis import multilingual_analyzer
from archive.search.query import parse
from archive.search.schema import build_schema

_schema = None


def _terms(query_text: str) -> frozenset[str]:
    global _schema
    _schema = _schema or build_schema()
    parsed = parse(query_text, _schema)
    if parsed.browse_all:
        return frozenset()
    try:
        return frozenset(
            text.decode() if isinstance(text, bytes) else text
            for _field, text in parsed.query.all_terms(phrases=True)
        )
    except Exception:  # Queries with only prefixes or wildcards name no exact terms.
        return frozenset()


class MarkFormatter(highlight.Formatter):
    """HTML: all document text escaped, matched terms wrapped in <mark>; fragments are
    joined by an ellipsis, which also marks a cut at either end."""

    def _text(self, text):
        return escape(text)

    def format_token(self, text, token, replace=False):
        return f"<mark>{escape(highlight.get_text(text, token, replace))}</mark>"

    def format(self, fragments, replace=False):
        parts = []
        for fragment in fragments:
            html = self.format_fragment(fragment, replace).strip()
            if fragment.startchar > 0:
                html = "… " + html
            if fragment.endchar < len(fragment.text):
                html += " …"
            parts.append(html)
        return " ".join(parts).replace("… …", "…")


class _WholeTextMarks(MarkFormatter):
    """The whole text, marked: one fragment that is never cut."""

    def format(self, fragments, replace=False):
        return "".join(self.format_fragment(fragment, replace) for fragment in fragments)


def highlight_paragraphs(paragraphs: list[str], query_text: str) -> list[SafeString]:
    """Each paragraph HTML-escaped, with the query's terms in <mark>."""
    terms = _terms(query_text) if query_text else frozenset()
    marked = []
    for paragraph in paragraphs:
        html = ""
        if terms:
            html = highlight.highlight(
                paragraph,
                terms,
                multilingual_analyzer(),
                highlight.WholeFragmenter(charlimit=None),
                _WholeTextMarks(),
                top=1,
            )
        marked.append(mark_safe(html or escape(paragraph)))
    return marked
