"""Which addresses the server may fetch for an editor: http and https only, no user name
or password in the address, and every address its host resolves to a public one (not
private, loopback, link-local, multicast, reserved or a cloud metadata address) unless
``ARCHIVE_CAPTURE_ALLOWED_NETWORKS`` lists its network (the tests' local server)."""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from archive.capture.detection import CaptureRefused


@dataclass(frozen=True)
class Target:
    url: str
    scheme: str
    host: str
    port: int
    address: str  # the checked IP address the fetch connects to


def allowed_networks() -> list:
    return [
        ipaddress.ip_network(value, strict=False)
        for value in settings.ARCHIVE_CAPTURE_ALLOWED_NETWORKS
    ]


def _public(address) -> bool:
    return address.is_global and not address.is_multicast


def checked(url: str) -> Target:
    """The address to fetch ``url`` from; CaptureRefused with the reason if it may not be."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https"):
        raise CaptureRefused(
            _("only http and https addresses are captured, not “%(scheme)s:”")
            % {"scheme": parts.scheme or "?"}
        )
    if parts.username or parts.password:
        raise CaptureRefused(_("an address with a user name or password is not captured"))
    host = parts.hostname
    if not host:
        raise CaptureRefused(_("the address has no host"))
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise CaptureRefused(_("the address's port is not a number")) from None
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise CaptureRefused(_("%(host)s cannot be found (DNS)") % {"host": host}) from None
    addresses = []
    for *_rest, sockaddr in found:
        address = ipaddress.ip_address(sockaddr[0].split("%")[0])
        if not (_public(address) or any(address in net for net in allowed_networks())):
            raise CaptureRefused(
                _(
                    "%(host)s is at %(address)s, a private, loopback, link-local or reserved "
                    "address: the server does not fetch from there"
                )
                % {"host": host, "address": address}
            )
        addresses.append(str(address))
    return Target(url.strip(), parts.scheme, host, port, addresses[0])
