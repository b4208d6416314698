"""The entry list's search box: the archive's own search engine, drafts included.

Editors type what readers type (words in any of the three languages, phrases, AND / OR /
NOT, fields, wildcards) and get the same stemming and thesaurus, ranked, over published
entries and drafts. Exact lookups come first: an entry number (``#123``), an external id,
a standard identifier (DOI, ISSN, ISBN in any of their written forms) or an original URL.
The list's own filters are passed to the engine where it has the same facet (so the best
matches are found among the filtered entries), and applied exactly by the database.
"""

import calendar
import contextlib
import re

from django.contrib import messages
from django.contrib.admin.views.main import ORDER_VAR, ChangeList
from django.db import connection
from django.db.models import IntegerField, Q, Value
from django.db.models.expressions import RawSQL
from django.http import QueryDict
from django.utils.translation import gettext, ngettext

from archive.identifiers import address_forms, normalise_doi, normalise_isbn, normalise_issn
from archive.models import Entry, EntryIdentifier, Source, Status, Topic
from archive.search import TOO_SLOW_NOTE, SearchRequest, editorial_search
from archive.web.searching import InvalidParameters, search_request_from

RANKED_LIMIT = 1000  # the best this many matches are listed; refine to see others
RANK = "search_rank"

_ENTRY_NUMBER = re.compile(r"^#?(\d{1,18})$")
_URL = re.compile(r"^(https?://|www\.)\S+$", re.IGNORECASE)


def exact_matches(term: str) -> list[int]:
    """Ids of entries the term names exactly, in the order: number, external id,
    identifier, original URL."""
    found: list[int] = []
    number = _ENTRY_NUMBER.match(term)
    if number:
        found += Entry.objects.filter(pk=int(number.group(1))).values_list("pk", flat=True)
    found += Entry.objects.filter(external_id=term).values_list("pk", flat=True)
    found += (
        EntryIdentifier.objects.filter(value__in=_identifier_forms(term))
        .order_by("entry_id")
        .values_list("entry_id", flat=True)
    )
    if _URL.match(term):
        found += (
            Entry.objects.filter(original_url__in=address_forms(term))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    return list(dict.fromkeys(found))


def _identifier_forms(term: str) -> set[str]:
    """The term as typed and in each scheme's normal form it validly has."""
    forms = {term}
    for normalise in (normalise_doi, normalise_issn, normalise_isbn):
        with contextlib.suppress(ValueError):
            forms.add(normalise(term))
    return forms


def engine_request(term: str, params) -> SearchRequest:
    """The search for ``term`` narrowed by the list filters the engine also has, built as
    every search is (``web/searching.py``) from the search page's own parameters. The
    narrowing only ever keeps more than the filters do: the database applies them."""
    search_params = QueryDict(mutable=True)
    search_params["q"] = term
    source = params.get("source__id__exact")
    if source and source.isdigit():
        slug = Source.objects.filter(pk=source).values_list("slug", flat=True).first()
        if slug:
            search_params["source"] = slug
    topic = params.get("topics__id__exact")
    if topic and topic.isdigit():
        slug = Topic.objects.filter(pk=topic).values_list("slug", flat=True).first()
        if slug:
            search_params["topic"] = slug
    if params.get("language"):
        search_params["language"] = params["language"]
    if params.get("document_type__exact"):
        search_params["type"] = params["document_type__exact"]
    search_params["from"], search_params["to"] = _drill_down_dates(params)
    try:
        return search_request_from(search_params, snippets=False, facets=False).request
    except InvalidParameters:  # hand-typed list filters: let the database filter alone
        return SearchRequest(query=term, snippets=False, facets=False)


def _drill_down_dates(params) -> tuple[str, str]:
    """The date hierarchy's year / month / day as the engine's date range."""
    year, month, day = (params.get(f"date__{part}", "") for part in ("year", "month", "day"))
    if not (year.isdigit() and len(year) == 4):
        return "", ""
    if not (month.isdigit() and 1 <= int(month) <= 12):
        return year, year
    if not (day.isdigit() and 1 <= int(day) <= calendar.monthrange(int(year), int(month))[1]):
        return f"{year}-{int(month):02d}", f"{year}-{int(month):02d}"
    when = f"{year}-{int(month):02d}-{int(day):02d}"
    return when, when


def statuses_wanted(params) -> tuple[bool, bool]:
    """(published, drafts): which indexes the status filter leaves worth searching."""
    status = params.get("status__exact")
    return status in (None, "", Status.PUBLISHED), status != Status.PUBLISHED


def rank_of(ids: list[int]) -> RawSQL:
    """Each entry's place in ``ids``: one simple CASE (a thousand ORM When() objects are
    slow to build)."""
    cases = " ".join("WHEN %s THEN %s" for _ in ids)
    params = [value for place, entry_id in enumerate(ids) for value in (int(entry_id), place)]
    column = f"{connection.ops.quote_name(Entry._meta.db_table)}.{connection.ops.quote_name('id')}"
    return RawSQL(f"CASE {column} {cases} END", params, output_field=IntegerField())


class RankedChangeList(ChangeList):
    def get_ordering(self, request, queryset):
        """A topic's entries in their default order read in its timeline's order (the
        same order, from an index: ``EntryQuerySet.newest_first``)."""
        in_topic = getattr(queryset, "topic", None) is not None
        if in_topic and ORDER_VAR not in self.params and not self.query.strip():
            return list(queryset.newest_first().query.order_by)
        return super().get_ordering(request, queryset)

    def get_ordering_field_columns(self):
        """No column is marked as the sort while results are listed best first."""
        if self.query.strip() and ORDER_VAR not in self.params:
            return {}
        return super().get_ordering_field_columns()


class EngineSearchMixin:
    """For an entries ModelAdmin: the search box runs the archive's search."""

    def get_changelist(self, request, **kwargs):
        return RankedChangeList

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        published, drafts = statuses_wanted(request.GET)
        results = editorial_search(
            engine_request(term, request.GET),
            published=published,
            drafts=drafts,
            limit=RANKED_LIMIT,
        )
        if results.stopped:
            messages.warning(request, TOO_SLOW_NOTE)
            return queryset.none().annotate(**{RANK: Value(0)}), False
        if not results.available:
            messages.warning(
                request,
                gettext(
                    "The search index cannot be used right now: searched titles, summaries, "
                    "texts and authors for the words as typed instead."
                ),
            )
            queryset, duplicates = super().get_search_results(request, queryset, search_term)
            return queryset.annotate(**{RANK: Value(0)}), duplicates
        ids = exact_matches(term)
        ids += [entry_id for entry_id, _ in results.ranked if entry_id not in set(ids)]
        self._tell(request, results)
        if not ids:
            return queryset.none().annotate(**{RANK: Value(0)}), False
        queryset = queryset.filter(Q(pk__in=ids)).annotate(**{RANK: rank_of(ids)})
        if ORDER_VAR not in request.GET:  # best first, unless sorted by a column
            queryset = queryset.order_by(RANK)
        return queryset, False

    @staticmethod
    def _tell(request, results):
        for note in results.notes:
            messages.info(request, note)
        if results.total > len(results.ranked):
            message = ngettext(
                "%(total)d entry matches; the best %(shown)d are listed. Add words or "
                "filters to narrow the search.",
                "%(total)d entries match; the best %(shown)d are listed. Add words or "
                "filters to narrow the search.",
                results.total,
            )
            messages.info(request, message % {"total": results.total, "shown": len(results.ranked)})
        if not results.drafts_searched:
            messages.warning(
                request,
                gettext(
                    "Drafts were not searched: the search index has no drafts yet. Run "
                    "`manage.py check_index --fix`."
                ),
            )
