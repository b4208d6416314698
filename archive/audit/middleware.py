"""Each request's changes are recorded with its user, its address (as the rate limits
read it: behind a trusted proxy, the address the proxy saw) and its origin: the admin
or the public site."""

from archive.accounts.middleware import admin_prefix, client_address
from archive.audit.origins import request_context


class AuditContext:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        name = "admin" if request.path.startswith(admin_prefix()) else "site"
        with request_context(
            request, name, getattr(request, "user", None), client_address(request)
        ):
            return self.get_response(request)
