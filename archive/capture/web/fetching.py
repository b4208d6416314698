"""Fetching for an editor, hop by hop, each hop's address checked (``guard``) and the
connection made to that very address (TLS still verifies the host's certificate), so a
DNS answer that changes between the check and the fetch cannot lead the server inward.
Redirects are followed to at most ``MAX_REDIRECTS`` checked addresses; a body is read up
to a size limit and the whole within a time limit; robots.txt is respected unless the
editor says otherwise. Each refusal says why."""

import datetime
import time
from dataclasses import dataclass, field
from urllib import robotparser
from urllib.parse import urljoin, urlsplit

import certifi
import urllib3
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from archive.capture.detection import CaptureRefused
from archive.capture.web.guard import Target, checked

MAX_REDIRECTS = 10
REDIRECTS = (301, 302, 303, 307, 308)
CHUNK = 64 * 1024


def user_agent() -> str:
    return f"RJArchiveCapture/1.0 (+{settings.ARCHIVE_BASE_URL}/)"


@dataclass
class Exchange:
    """One request and its response, as the WARC records them."""

    url: str
    target: Target
    request_headers: list[tuple[str, str]]
    status: int
    reason: str
    headers: list[tuple[str, str]]
    body: bytes
    http_version: str = "HTTP/1.1"
    fetched_at: str = field(default_factory=lambda: warc_date())

    def header(self, name: str) -> str:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return ""

    @property
    def content_type(self) -> str:
        return self.header("Content-Type").split(";")[0].strip().lower()


@dataclass
class Limits:
    max_bytes: int
    seconds: float
    started: float = field(default_factory=time.monotonic)

    def left(self) -> float:
        return self.seconds - (time.monotonic() - self.started)


def _pool(target: Target, seconds: float):
    timeout = urllib3.Timeout(connect=min(10.0, seconds), read=max(seconds, 0.1))
    if target.scheme == "https":
        return urllib3.HTTPSConnectionPool(
            target.address,
            target.port,
            timeout=timeout,
            retries=False,
            server_hostname=target.host,
            assert_hostname=target.host,
            cert_reqs="CERT_REQUIRED",
            ca_certs=certifi.where(),
        )
    return urllib3.HTTPConnectionPool(target.address, target.port, timeout=timeout, retries=False)


def exchange(url: str, limits: Limits) -> Exchange:
    """One GET of a checked address (no redirect followed)."""
    target = checked(url)
    parts = urlsplit(target.url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    default_port = 443 if target.scheme == "https" else 80
    host = target.host if target.port == default_port else f"{target.host}:{target.port}"
    headers = [
        ("Host", host),
        ("User-Agent", user_agent()),
        ("Accept", "*/*"),
        ("Accept-Encoding", "identity"),
        ("Connection", "close"),
    ]
    if limits.left() <= 0:
        raise CaptureRefused(_("the capture took longer than its time limit"))
    try:
        response = _pool(target, limits.left()).urlopen(
            "GET", path, headers=dict(headers), redirect=False, preload_content=False
        )
        body = bytearray()
        for chunk in response.stream(CHUNK, decode_content=False):
            body += chunk
            if len(body) > limits.max_bytes:
                response.release_conn()
                raise CaptureRefused(
                    _("%(url)s is larger than the limit of %(limit)s")
                    % {"url": target.url, "limit": filesizeformat(limits.max_bytes)}
                )
            if limits.left() <= 0:
                raise CaptureRefused(_("the capture took longer than its time limit"))
        response.release_conn()
    except CaptureRefused:
        raise
    except urllib3.exceptions.SSLError:
        raise CaptureRefused(
            _("%(url)s: its certificate cannot be trusted") % {"url": target.url}
        ) from None
    except (urllib3.exceptions.TimeoutError, TimeoutError):
        raise CaptureRefused(_("%(url)s did not answer in time") % {"url": target.url}) from None
    except (urllib3.exceptions.HTTPError, OSError) as error:
        raise CaptureRefused(
            _("%(url)s could not be fetched (%(reason)s)")
            % {"url": target.url, "reason": type(error).__name__}
        ) from None
    version = {10: "HTTP/1.0", 11: "HTTP/1.1"}.get(response.version, "HTTP/1.1")
    return Exchange(
        target.url,
        target,
        headers,
        response.status,
        response.reason or "",
        list(response.headers.items()),
        bytes(body),
        version,
    )


def warc_date() -> str:
    """Now, as a WARC-Date (UTC, to the second)."""
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def fetch(url: str, limits: Limits) -> list[Exchange]:
    """The exchanges that lead to ``url``'s content: each redirect, then the answer."""
    chain = []
    while True:
        answer = exchange(url, limits)
        chain.append(answer)
        location = answer.header("Location")
        if answer.status not in REDIRECTS or not location:
            return chain
        if len(chain) > MAX_REDIRECTS:
            raise CaptureRefused(
                _("%(url)s redirects more than %(count)d times")
                % {"url": chain[0].url, "count": MAX_REDIRECTS}
            )
        url = urljoin(answer.url, location)


def robots_allow(url: str, limits: Limits) -> bool:
    """Whether the site's robots.txt lets the archive's user agent fetch ``url`` (no
    robots.txt, or one that cannot be read, allows it)."""
    parts = urlsplit(url)
    try:
        chain = fetch(
            f"{parts.scheme}://{parts.netloc}/robots.txt",
            Limits(512 * 1024, min(10, limits.left())),
        )
    except CaptureRefused:
        return True
    answer = chain[-1]
    if answer.status != 200:
        return True
    parser = robotparser.RobotFileParser()
    parser.parse(answer.body.decode("utf-8", "replace").splitlines())
    return parser.can_fetch(user_agent().split("/")[0], url)
