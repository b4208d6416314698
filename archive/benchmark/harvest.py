"""OAI-PMH at every depth of a full harvest: a ListRecords page where a harvest starts,
a quarter, half and three quarters of the way through, and at its end, each reached as a
harvester resuming there would be (a selective harvest ``from`` the datestamp at that
depth), then the page its resumption token leads to."""

import datetime
import re

from archive.benchmark.measures import timed
from archive.models import Entry, Status

OAI = "/oai"
DEPTHS = (0.0, 0.25, 0.5, 0.75, 1.0)
TOKEN = re.compile(rb"<resumptionToken[^>]*>([^<]+)</resumptionToken>")


class HarvestFailed(RuntimeError):
    """An OAI-PMH page was not a page of records: its time would mean nothing."""


def measure_harvest(client) -> dict:
    published = Entry.objects.filter(status=Status.PUBLISHED)
    count = published.count()
    datestamps = published.order_by("updated_at", "pk").values_list("updated_at", flat=True)
    pages = {}
    for depth in DEPTHS:
        position = min(count - 1, int(depth * count))
        arguments = {"verb": "ListRecords", "metadataPrefix": "oai_dc"}
        if depth and count:
            arguments["from"] = _second(datestamps[position])
        first, token = _page(client, arguments)
        following = None
        if token:
            following, _ = _page(client, {"verb": "ListRecords", "resumptionToken": token})
        pages[f"{round(depth * 100)}%"] = {"page": first, "next_page": following}
    slowest = max(time for row in pages.values() for time in row.values() if time is not None)
    return {"records": count, "pages": pages, "slowest": slowest}


def _second(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _page(client, arguments: dict) -> tuple[float, str | None]:
    answers = []
    elapsed = timed(lambda: answers.append(client.get(OAI, arguments)))
    response = answers[0]
    if response.status_code != 200 or b"<error" in response.content:
        raise HarvestFailed(f"{OAI} {arguments} answered {response.content[:300]!r}")
    found = TOKEN.search(response.content)
    return round(elapsed, 1), found.group(1).decode() if found else None
