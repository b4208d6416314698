"""Per-client request limits on the search page, the API and citation exports.

Counted with django-ratelimit in the shared cache (the database cache by default, so every
gunicorn worker counts together). A client is its address (behind a trusted proxy, the
address the proxy saw: the last one in X-Forwarded-For), IPv6 clients by their /64.
Editors signed in to the admin are never limited. Over the limit: 429 and Retry-After.
"""

from functools import wraps

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django_ratelimit.core import get_usage


def client_address(group, request) -> str:
    if settings.ARCHIVE_BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return request.META.get("REMOTE_ADDR", "")


def _answer(kind: str, request, seconds: int):
    message = f"Too many requests from your address: please wait {seconds} seconds and try again."
    if kind == "api":
        response = JsonResponse({"error": message}, status=429)
    elif kind == "page":
        response = render(request, "archive/too_many.html", {"message": message}, status=429)
    else:
        response = HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(seconds)
    return response


def rate_limited(group: str, kind: str):
    """Limit a view to ``settings.ARCHIVE_RATE_LIMITS[group]`` ("120/m"; empty: no limit)
    per client; ``kind`` ("page", "api" or "text") says how to answer a client over it."""

    def decorator(view):
        @wraps(view)
        def limited(request, *args, **kwargs):
            rate = settings.ARCHIVE_RATE_LIMITS.get(group)
            if rate and not request.user.is_staff:
                usage = get_usage(
                    request, group=group, key=client_address, rate=rate, increment=True
                )
                if usage and usage["should_limit"]:
                    return _answer(kind, request, max(1, int(usage["time_left"])))
            return view(request, *args, **kwargs)

        return limited

    return decorator
