"""Validating search parameters from a URL: the page, the API and links share them."""

from dataclasses import dataclass

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext

from archive import search
from archive.dates import InvalidPartialDate, PartialDate
from archive.thesaurus.models import Concept

MAX_VALUES_PER_FACET = 20
DATE_PARAMETERS = ("from", "to")


@dataclass(frozen=True)
class DateProblem:
    """A date the page could not use: shown again beside its field, with why."""

    typed: str
    message: str


MAX_PAGE = 1_000_000


class ValuesField(forms.Field):
    """Every value of a repeated URL parameter (``?topic=a&topic=b``)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        values = [str(item).strip() for item in (value or []) if str(item).strip()]
        if len(values) > MAX_VALUES_PER_FACET:
            raise forms.ValidationError(
                gettext("At most %(limit)d values can be chosen.") % {"limit": MAX_VALUES_PER_FACET}
            )
        if any(len(item) > 200 for item in values):
            raise forms.ValidationError(gettext("A filter value is too long."))
        return list(dict.fromkeys(values))


class SearchForm(forms.Form):
    """The parameters of a search: ``q``, one list per facet, ``from``/``to``, ``sort``,
    ``page``. With ``strict`` (the API), unknown facet values are errors; otherwise (the
    page, where an old link may name a renamed topic) they are dropped with a note. Dates
    are read as people write them; with ``dates_aside`` (the page) one that cannot be used
    is left out and said beside its field (``date_problems``) instead of failing."""

    q = forms.CharField(required=False, max_length=search.MAX_QUERY_LENGTH, strip=True)
    sort = forms.ChoiceField(
        required=False, choices=[(sort, sort) for sort in search.SORTS], initial="relevance"
    )
    page = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE)
    per_page = forms.IntegerField(required=False, min_value=1, max_value=search.MAX_PER_PAGE)
    # "0": search only the words typed, not the other names of thesaurus concepts.
    expand = forms.ChoiceField(required=False, choices=[("0", "0"), ("1", "1")])
    concept = forms.SlugField(required=False, max_length=100)

    def __init__(self, data: QueryDict, *, strict: bool = False, dates_aside: bool = False):
        super().__init__(data)
        self.strict = strict
        self.dates_aside = dates_aside and not strict
        self.ignored: list[str] = []
        self.date_problems: dict[str, DateProblem] = {}
        for facet in search.FACETS:
            self.fields[facet.name] = ValuesField(required=False)
        self.fields["from"] = forms.CharField(required=False, max_length=40)
        # Facets whose every value the page lists (by default it lists the first few).
        self.fields["more"] = ValuesField(required=False)
        self.fields["to"] = forms.CharField(required=False, max_length=40)

    def _clean_date(self, name: str) -> str:
        """A date as typed in any usual form, as the request writes it (YYYY[-MM[-DD]])."""
        try:
            return PartialDate.read_typed(self.cleaned_data.get(name, "")).iso()
        except InvalidPartialDate as error:
            raise forms.ValidationError(str(error)) from None

    def clean_from(self):
        return self._clean_date("from")

    def clean_to(self):
        return self._clean_date("to")

    def _set_aside(self, name: str, message: str):
        """Leniently (the page): a date that cannot be used is left out of the search and
        said beside its field; the results stay."""
        self.date_problems[name] = DateProblem(str(self.data.get(name, "")), message)
        self.cleaned_data[name] = ""

    def clean(self):
        cleaned = super().clean()
        if self.dates_aside:
            for name in DATE_PARAMETERS:
                if name in self._errors:
                    self._set_aside(name, " ".join(self._errors.pop(name)))
        for facet in search.FACETS:
            values = cleaned.get(facet.name) or []
            unknown = [value for value in values if not facet.known(value)]
            if unknown and self.strict:
                message = gettext("Unknown %(facet)s: %(values)s.") % {
                    "facet": str(facet.label).lower(),
                    "values": ", ".join(unknown),
                }
                self.add_error(facet.name, message)
            elif unknown:
                self.ignored += [f"{facet.label} “{value}”" for value in unknown]
                cleaned[facet.name] = [value for value in values if value not in unknown]
        concept = cleaned.get("concept")
        if concept and not Concept.objects.filter(key=concept).exists():
            if self.strict:
                self.add_error("concept", gettext("Unknown concept: %(key)s.") % {"key": concept})
            else:
                self.ignored.append(gettext("Concept “%(key)s”") % {"key": concept})
                cleaned["concept"] = ""
        if not self.errors:
            # The request checks its own dates (one check for every caller).
            try:
                self.search_request = self._request()
            except search.InvalidSearch as error:
                if not self.dates_aside or error.field not in DATE_PARAMETERS:
                    self.add_error(error.field or None, error.reason)
                else:
                    self._set_aside(error.field, error.reason)
                    self.search_request = self._request()
        return cleaned

    def clean_more(self) -> list[str]:
        return [
            name for name in self.cleaned_data.get("more") or [] if name in search.FACETS_BY_NAME
        ]

    @property
    def expanded_facets(self) -> tuple[str, ...]:
        return tuple(self.cleaned_data.get("more") or ())

    def to_request(self) -> search.SearchRequest:
        """The search the valid form names."""
        return self.search_request

    def _request(self) -> search.SearchRequest:
        data = self.cleaned_data
        return search.SearchRequest(
            query=data.get("q") or "",
            filters=tuple(
                (facet.name, tuple(data[facet.name]))
                for facet in search.FACETS
                if data.get(facet.name)
            ),
            date_from=data.get("from") or "",
            date_to=data.get("to") or "",
            sort=data.get("sort") or "relevance",
            page=data.get("page") or 1,
            per_page=data.get("per_page") or search.DEFAULT_PER_PAGE,
            expand=data.get("expand") != "0",
            concept=data.get("concept") or "",
        )

    def error_messages(self) -> list[str]:
        labels = {
            "q": gettext("Query"),
            "from": gettext("From"),
            "to": gettext("To"),
            "per_page": gettext("Results per page"),
            "page": gettext("Page"),
            "sort": gettext("Sort"),
            "expand": gettext("Other names"),
            "concept": gettext("Concept"),
            **{facet.name: str(facet.label) for facet in search.FACETS},
        }
        return [
            gettext("%(field)s: %(message)s")
            % {"field": labels.get(name, name.replace("_", " ").capitalize()), "message": message}
            for name, messages in self.errors.items()
            for message in messages
        ]
