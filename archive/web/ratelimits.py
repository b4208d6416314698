"""Per-client request limits on the search page, the API and citation exports.

Counted with django-ratelimit in the shared cache (the database cache by default, so every
gunicorn worker counts together). A client is its address (behind a trusted proxy, the
address the proxy saw: the last one in X-Forwarded-For), IPv6 clients by their /64.
Searches with wildcards, the costliest kind, have a tighter limit of their own. Editors
signed in to the admin are never limited. Over a limit: 429 and Retry-After.
"""

from functools import wraps

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import ngettext
from django_ratelimit.core import get_usage

from archive.accounts.middleware import client_address as client_ip


def client_address(group, request) -> str:
    """django-ratelimit's key: the client's address, as the record of changes reads it."""
    return client_ip(request) or ""


def _answer(kind: str, request, seconds: int):
    message = ngettext(
        "Too many requests from your address: please wait %(seconds)d second and try again.",
        "Too many requests from your address: please wait %(seconds)d seconds and try again.",
        seconds,
    ) % {"seconds": seconds}
    if kind == "api":
        response = JsonResponse({"error": message}, status=429)
    elif kind == "page":
        response = render(request, "archive/too_many.html", {"message": message}, status=429)
    else:
        response = HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(seconds)
    return response


def _over(request, group: str) -> int:
    """Count this request in ``group``; the seconds to wait if the client is over its
    limit, else 0."""
    rate = settings.ARCHIVE_RATE_LIMITS.get(group)
    if not rate:
        return 0
    usage = get_usage(request, group=group, key=client_address, rate=rate, increment=True)
    if usage and usage["should_limit"]:
        return max(1, int(usage["time_left"]))
    return 0


def _has_wildcards(request) -> bool:
    return any(character in request.GET.get("q", "") for character in "*?")


def rate_limited(group: str, kind: str):
    """Limit a view to ``settings.ARCHIVE_RATE_LIMITS[group]`` ("120/m"; empty: no limit)
    per client, and its searches with wildcards (the costliest kind) also to the
    "wildcard" limit; ``kind`` ("page", "api" or "text") says how to answer a client over
    a limit."""

    def decorator(view):
        @wraps(view)
        def limited(request, *args, **kwargs):
            if not request.user.is_staff:
                wait = _over(request, group)
                if not wait and _has_wildcards(request):
                    wait = _over(request, "wildcard")
                if wait:
                    return _answer(kind, request, wait)
            return view(request, *args, **kwargs)

        return limited

    return decorator
