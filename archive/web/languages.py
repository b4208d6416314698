"""The interface's languages: English unprefixed (every permalink as it always was),
Russian under /ru/, Japanese under /ja/. A first visit to an unprefixed page follows the
language the visitor chose before (the language cookie) or their browser's preference;
every page names its versions in the other languages (hreflang). The editors' admin
speaks the editor's language at its one address."""

from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import reverse, translate_url
from django.utils import translation
from django.utils.cache import patch_vary_headers

# The pages a visitor reads (not the API, citation downloads or health checks, whose
# answers do not depend on the interface's language).
PAGES = {
    "search",
    "entry",
    "entry-bare",
    "version",
    "concepts",
    "concept",
    "entity",
    "my-list",
    "shared-list",
}


def _is_admin(request) -> bool:
    match = request.resolver_match
    return bool(match) and "admin" in match.namespaces


def _is_page(request) -> bool:
    match = request.resolver_match
    return bool(match) and match.namespace == "archive" and match.url_name in PAGES


class PreferredLanguageMiddleware:
    """Sends a visitor whose language is not English from an unprefixed page to the same
    page in their language; runs after Django's LocaleMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view, args, kwargs):
        if _is_admin(request):
            # The editors' admin keeps its address; it speaks the language the editor
            # chose on the site (the cookie) or their browser's.
            language = translation.get_language_from_request(request, check_path=False)
            translation.activate(language)
            request.LANGUAGE_CODE = language
            return None
        if request.method not in ("GET", "HEAD") or not _is_page(request):
            return None
        if translation.get_language_from_path(request.path_info):
            return None  # the address names its language
        if getattr(request, "htmx", False):
            return None  # a part of the page the visitor already reads
        preferred = translation.get_language_from_request(request, check_path=False)
        if preferred == settings.LANGUAGE_CODE:
            return None
        target = translate_url(request.get_full_path(), preferred)
        if target == request.get_full_path():
            return None
        response = HttpResponseRedirect(target)
        patch_vary_headers(response, ["Accept-Language", "Cookie"])
        return response


def alternates(request) -> dict:
    """Template context: this page in each language (for the switcher and hreflang)."""
    if not _is_page(request):
        return {"language_versions": ()}
    path = request.get_full_path()
    versions = []
    for code, name in settings.LANGUAGES:
        translated = translate_url(path, code)
        versions.append(
            {
                "code": code,
                "name": name,
                "path": translated,
                "url": request.build_absolute_uri(translated),
                "current": code == translation.get_language(),
            }
        )
    return {"language_versions": tuple(versions)}


def neutral_reverse(viewname: str, args=()) -> str:
    """A path that is the same in every language (English's, unprefixed)."""
    with translation.override(settings.LANGUAGE_CODE):
        return reverse(viewname, args=args)


def permalink(item) -> str:
    """An entry's or version's permanent address: the same in every language (English's,
    unprefixed), as citations and the "Permalink" line give it."""
    return permalinks([item])[0]


def permalinks(items) -> list[str]:
    """The permalinks of many entries or versions (the language switched once, and not at
    all on an English page: each result of a search page has one)."""
    if translation.get_language() == settings.LANGUAGE_CODE:
        return [item.get_absolute_url() for item in items]
    with translation.override(settings.LANGUAGE_CODE):
        return [item.get_absolute_url() for item in items]
