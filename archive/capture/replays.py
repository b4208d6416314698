"""Which captured pages may be replayed, and the addresses a replay is reached by.

Replay runs on an origin of its own (``ARCHIVE_REPLAY_ORIGIN``), which holds no cookie
and serves nothing but replays, so an archived page's scripts — run by the reader's
browser inside ReplayWeb.page — can never read the archive's cookies or act in its admin.
That origin has no session, so what it may show is decided from the address alone: a
capture readers may download (its entry published, its original marked downloadable), or
any capture with a signed key the archive gave an editor (valid for
``ARCHIVE_REPLAY_KEY_HOURS``)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core import checks, signing

from archive.capture.models import EntryOriginal
from archive.selectors import visible_entries

SALT = "archive.capture.replays"


def replay_origin() -> str:
    return settings.ARCHIVE_REPLAY_ORIGIN


def replay_host() -> str:
    """The replay origin's host and port, as a request's Host header names them."""
    return urlsplit(replay_origin()).netloc.lower()


def web_archives(links) -> list[EntryOriginal]:
    """The captured pages (WACZ, WARC) among an entry's originals."""
    return [link for link in links if link.is_web_archive]


def key_for(sha256: str) -> str:
    return signing.dumps(sha256, salt=SALT, compress=True)


def key_opens(key: str, sha256: str) -> bool:
    try:
        return (
            signing.loads(key, salt=SALT, max_age=settings.ARCHIVE_REPLAY_KEY_HOURS * 3600)
            == sha256
        )
    except signing.BadSignature:
        return False


def replayable(sha256: str, key: str = "") -> EntryOriginal | None:
    """The capture a replay address may show: a public one, or any with a valid key."""
    links = (
        EntryOriginal.objects.select_related("file", "entry")
        .filter(file__sha256=sha256)
        .exclude(captured_url="")
    )
    if key and key_opens(key, sha256):
        return links.order_by("pk").first()
    return (
        links.filter(public=True, entry__in=visible_entries(AnonymousUser())).order_by("pk").first()
    )


def replay_address(link: EntryOriginal, *, keyed: bool) -> str:
    """Where the capture is replayed; ``keyed`` for an editor (a capture readers may not
    download, or a draft's)."""
    address = f"{replay_origin()}/replay/{link.file.sha256}/"
    return f"{address}?key={key_for(link.file.sha256)}" if keyed else address


@checks.register(checks.Tags.security)
def replay_origin_is_apart(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """The replay origin must not be the archive's, nor receive its cookies."""
    origin = replay_origin()
    if not origin:
        return []
    host = urlsplit(origin).hostname or ""
    problems = []
    if origin.lower() == settings.ARCHIVE_BASE_URL.lower():
        problems.append(
            checks.Error(
                "ARCHIVE_REPLAY_ORIGIN is the archive's own origin: archived pages' scripts "
                "would run beside its cookies and admin.",
                hint="Give replay a host of its own (best another registrable domain).",
                id="archive.E101",
            )
        )
    for name in ("SESSION_COOKIE_DOMAIN", "CSRF_COOKIE_DOMAIN", "LANGUAGE_COOKIE_DOMAIN"):
        domain = (getattr(settings, name, None) or "").lstrip(".").lower()
        if domain and (host == domain or host.endswith("." + domain)):
            problems.append(
                checks.Error(
                    f"{name} ({domain}) sends the archive's cookies to the replay origin.",
                    hint="Leave it unset or choose a replay host outside that domain.",
                    id="archive.E102",
                )
            )
    return problems
