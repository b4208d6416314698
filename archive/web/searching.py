"""The one door from a URL's parameters to the engine, and back to an HTTP status.

Every page that searches (the search page and its partial, the API, feeds, citation
exports, the entry page's search context, the admin's search box) builds its
``SearchRequest`` with ``search_request_from`` and runs it with ``run``; a view wrapped in
``answers_search_errors`` turns parameters that make no search into a 400 and an index
that cannot answer now into a 503 with ``Retry-After``, each in the view's own format.
"""

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import wraps

from django.http import HttpResponse, JsonResponse, QueryDict

from archive import search
from archive.web.forms import SearchForm


class InvalidParameters(Exception):
    """The parameters make no search: the form says which and why."""

    def __init__(self, form: SearchForm):
        super().__init__("; ".join(form.error_messages()))
        self.form = form

    @property
    def messages(self) -> list[str]:
        return self.form.error_messages()

    @property
    def fields(self) -> dict:
        return self.form.errors.get_json_data()


class SearchUnavailable(Exception):
    """The index cannot answer now (being rebuilt, or the search ran out of time)."""

    def __init__(self, built: "BuiltRequest", page: search.SearchPage):
        super().__init__(" ".join(page.notes))
        self.built = built
        self.page = page


@dataclass(frozen=True)
class BuiltRequest:
    request: search.SearchRequest
    form: SearchForm  # the parameters as the page's form shows them again
    ignored: tuple[str, ...]  # filter values dropped (a lenient build), to be said
    date_problems: dict  # dates a lenient build left out: field name → forms.DateProblem
    expanded_facets: tuple[str, ...]  # facets whose every value the page lists


def search_request_from(
    params: QueryDict, *, strict: bool = False, dates_aside: bool = False, **overrides
) -> BuiltRequest:
    """The search the parameters name (``q``, a list per facet, ``from``/``to``, ``sort``,
    ``page``, ``per_page``, ``expand``, ``concept``), with ``overrides`` (an export's page
    size, a feed's sort). ``strict`` (machine clients) refuses unknown filter values;
    otherwise they are dropped and listed in ``ignored``; ``dates_aside`` (the page) does
    the same with dates that cannot be used. Raises InvalidParameters."""
    form = SearchForm(params, strict=strict, dates_aside=dates_aside)
    if not form.is_valid():
        raise InvalidParameters(form)
    request = form.to_request()
    if overrides:
        request = replace(request, **overrides)
    return BuiltRequest(
        request, form, tuple(form.ignored), form.date_problems, form.expanded_facets
    )


def run(built: BuiltRequest) -> search.SearchPage:
    """The engine's answer; raises SearchUnavailable when it cannot give one now."""
    page = search.search(built.request)
    if not page.available:
        raise SearchUnavailable(built, page)
    return page


Responder = Callable[..., HttpResponse]


def answers_search_errors(respond: Responder):
    """Wrap a view that searches: ``respond(request, error, status)`` makes the answer to
    an InvalidParameters (400) or a SearchUnavailable (503, with ``Retry-After``) in the
    view's format (``as_json``, ``as_text``, or a page's own)."""

    def decorate(view):
        @wraps(view)
        def answer(request, *args, **kwargs):
            try:
                return view(request, *args, **kwargs)
            except InvalidParameters as error:
                return respond(request, error, 400)
            except SearchUnavailable as error:
                response = respond(request, error, 503)
                response["Retry-After"] = str(error.page.retry_after)
                return response

        return answer

    return decorate


def as_json(request, error, status: int) -> HttpResponse:
    if isinstance(error, InvalidParameters):
        return JsonResponse(
            {"error": "Invalid search parameters.", "fields": error.fields}, status=status
        )
    return JsonResponse({"error": str(error)}, status=status)


def as_text(request, error, status: int) -> HttpResponse:
    if isinstance(error, InvalidParameters):
        message = "Invalid search parameters: " + "; ".join(error.messages)
    else:
        message = str(error)
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
