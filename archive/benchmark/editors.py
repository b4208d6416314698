"""The editors' side of the benchmark: the admin entry list and its search (with drafts
among the entries), a sitemap file and a citation export, through Django's test client."""

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from archive.benchmark.measures import timed
from archive.models import Entry, Status

ADMIN_LIST = "/admin/archive/entry/"
DRAFTS = 1000  # drafts made for the admin search (at most 1 in 10 entries), removed after
# What editors look for: a common word, words of a title, a phrase, a pasted question,
# a Japanese word and an entry's number.
ADMIN_SEARCHES = (
    "japan",
    "fishing agreement",
    '"peace treaty"',
    "What did the ministers say about visas for the islands?",
    "北方領土",
)


class PageFailed(RuntimeError):
    """A measured page did not answer 200: its time would mean nothing."""


def first_and_again(client, url, params=None) -> dict:
    def get():
        response = client.get(url, params or {})
        if response.status_code != 200:
            raise PageFailed(f"{url} {params or ''} answered {response.status_code}")

    first = timed(get)
    again = timed(get)
    return {"first": round(first, 1), "again": round(again, 1)}


def measure_sitemap(client) -> dict:
    """The sitemap index and its first file (up to 50,000 entries) generated afresh, then
    the file again from the cache, and its last file afresh."""
    cache.clear()
    index = timed(lambda: client.get("/sitemap.xml"))
    first = timed(lambda: client.get("/sitemap-entries.xml"))
    again = timed(lambda: client.get("/sitemap-entries.xml"))
    urls = client.get("/sitemap-entries.xml").content.count(b"<loc>")
    files = client.get("/sitemap.xml").content.count(b"<sitemap>")
    # The last file: the one furthest into the entries (50,000 × (files − 1) before it).
    last = timed(lambda: client.get("/sitemap-entries.xml", {"p": files})) if files > 1 else first
    return {
        "index": round(index, 1),
        "file": round(first, 1),
        "file_cached": round(again, 1),
        "last_file": round(last, 1),
        "files": files,
        "urls": urls,
    }


def measure_export(client) -> dict:
    """A citation download of a common word's results (up to 500), first and again."""
    first = timed(lambda: client.get("/cite.bib", {"q": "japan"}))
    again = timed(lambda: client.get("/cite.bib", {"q": "japan"}))
    records = client.get("/cite.bib", {"q": "japan"}).content.decode().count("\n@") + 1
    return {"records": records, "first": round(first, 1), "again": round(again, 1)}


def measure_admin(progress=print) -> dict:
    """The entry list (plain, by topic, by year) and its search, each asked first and
    again, with ``DRAFTS`` drafts copied from published entries among the entries."""
    user, _ = get_user_model().objects.get_or_create(
        username="benchmark-editor", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(user)
    # The admin needs a session verified with a second factor: as if its code was typed.
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="benchmark", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    report = {"list": first_and_again(client, ADMIN_LIST)}
    topic_id = Entry.topics.through.objects.values_list("topic_id", flat=True).first()
    report["list_by_topic"] = first_and_again(client, ADMIN_LIST, {"topics__id__exact": topic_id})
    year = Entry.objects.filter(date__isnull=False).values_list("date", flat=True).first()
    if year:
        report["list_by_year"] = first_and_again(client, ADMIN_LIST, {"date__year": year.year})
    published = Entry.objects.filter(status=Status.PUBLISHED)
    count = published.count()
    progress(f"Admin search, with {min(DRAFTS, count // 10)} drafts…")
    drafts = _make_drafts(min(DRAFTS, count // 10))
    try:
        searches = {
            query: first_and_again(client, ADMIN_LIST, {"q": query}) for query in ADMIN_SEARCHES
        }
        middle = published.order_by("pk").values_list("pk", flat=True)[count // 2]
        searches["#number"] = first_and_again(client, ADMIN_LIST, {"q": f"#{middle}"})
        searches["japan, drafts only"] = first_and_again(
            client, ADMIN_LIST, {"q": "japan", "status__exact": Status.DRAFT}
        )
        report["search"] = searches
        report["drafts"] = Entry.objects.filter(status=Status.DRAFT).count()
    finally:
        with transaction.atomic():
            Entry.objects.filter(pk__in=drafts).delete()
    user.delete()
    return report


def _make_drafts(count: int) -> list[int]:
    """``count`` drafts copied from the newest published entries, saved in one
    transaction (so the index applies them as one batch)."""
    fields = ("title", "summary", "body", "language", "document_type", "date", "authors")
    with transaction.atomic():
        copies = [
            Entry(**values, status=Status.DRAFT, slug="")
            for values in Entry.objects.filter(status=Status.PUBLISHED)
            .order_by("-pk")
            .values(*fields)[:count]
        ]
        return [entry.pk for entry in Entry.objects.bulk_create(copies)]
