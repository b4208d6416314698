"""A researcher's list in the benchmark: adding entries one at a time (as the button does,
with htmx), adding a search's 500 results at once, exporting a 500-entry list and sharing
it, through Django's test client and a visitor's own session."""

from django.test import Client

from archive.benchmark.measures import percentiles, timed
from archive.models import Entry, Status


class ListFailed(RuntimeError):
    """A measured request did not answer as it should: its time would mean nothing."""


def _checked(response, status: int = 200):
    if response.status_code != status:
        raise ListFailed(f"{response.request['PATH_INFO']} answered {response.status_code}")
    return response


def measure_lists(adds: int = 50) -> dict:
    client = Client()
    ids = list(
        Entry.objects.filter(status=Status.PUBLISHED)
        .order_by("?")
        .values_list("pk", flat=True)[:adds]
    )
    add_times = [
        timed(
            lambda entry_id=entry_id: _checked(
                client.post("/my-list/add/", {"entry": entry_id}, HTTP_HX_REQUEST="true")
            )
        )
        for entry_id in ids
    ]
    client.post("/my-list/clear/")
    add_all = timed(lambda: _checked(client.post("/my-list/add-all/", {"query": "?q=japan"}), 302))
    size = len(client.session.get("my_list", []))
    report = {
        "entries": size,
        "add_one_ms": percentiles(add_times),
        "add_all_ms": round(add_all, 1),
    }
    for fmt in ("bib", "csv", "jsonl"):
        report[f"export_{fmt}_ms"] = round(
            timed(lambda fmt=fmt: _checked(client.get(f"/my-list/cite.{fmt}"))), 1
        )
    report["page_ms"] = round(timed(lambda: _checked(client.get("/my-list/"))), 1)
    shared = {}

    def share():
        shared["response"] = _checked(client.post("/my-list/share/", {"title": "Bench"}), 302)

    report["share_ms"] = round(timed(share), 1)
    location = shared["response"]["Location"]
    report["shared_page_ms"] = round(timed(lambda: _checked(client.get(location))), 1)
    report["shared_export_bib_ms"] = round(
        timed(lambda: _checked(client.get(f"{location}cite.bib"))), 1
    )
    return report
