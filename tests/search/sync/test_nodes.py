"""Several app servers (gunicorn, each with its own index folder) on one database, as they
would run on several machines: saves through any node are searchable on every node; a
node killed with kill -9 while it applies the log resumes where its index stopped; a node
stopped for a while catches up; a new node builds its index and joins."""

import itertools
import json
import re
import subprocess
import sys
import time

import pytest
import requests

from scripts.harness import first_source_offered, totp_devices_code, verify_session
from tests.search.conftest import ROOT

PASSWORD = "several-nodes-editor-1"

MANY_ENTRIES = """
from django.db import transaction
from archive.models import Entry
with transaction.atomic():
    for number in range({count}):
        Entry.objects.create(title=f"Bulk {{number}}", body="bulkmarker text", status="published")
"""


class Editor:
    """An editor signed in to one node's admin."""

    def __init__(self, node):
        self.node = node
        self.session = requests.Session()
        login = node.url + "/admin/login/"
        self.session.get(login, timeout=10)
        response = self.session.post(
            login,
            data={
                "username": "chief",
                "password": PASSWORD,
                "csrfmiddlewaretoken": self.session.cookies["csrftoken"],
                "next": "/admin/",
            },
            headers={"Referer": login},
            timeout=10,
        )
        assert "/admin/login/" not in response.url, "the editor could not sign in"
        verify_session(self.session, node.url, "chief")

    def save(self, marker: str):
        add = self.node.url + "/admin/archive/entry/add/"
        self.session.get(add, timeout=30)
        response = self.session.post(
            add,
            data={
                "csrfmiddlewaretoken": self.session.cookies["csrftoken"],
                "source": first_source_offered(self.session, self.node.url),
                "title": f"Saved on node {self.node.name}",
                "status": "published",
                "date": "2024-05-01",
                "date_precision": "day",
                "document_type": "news",
                "language": "en",
                "body": f"An entry with the marker {marker}.",
                "identifiers-TOTAL_FORMS": "0",
                "identifiers-INITIAL_FORMS": "0",
                "originals-TOTAL_FORMS": "0",
                "originals-INITIAL_FORMS": "0",
                "_save": "Save",
            },
            headers={"Referer": add},
            timeout=30,
            allow_redirects=False,
        )
        assert response.status_code == 302, response.text[:2000]


def at_head(health: dict) -> bool:
    return (
        health.get("http_status") == 200
        and health.get("index_position") is not None
        and health["index_position"] == health["change_log_head"]
    )


def searchable_everywhere(nodes, marker: str, timeout: float = 30) -> dict:
    """Seconds until each node finds the marker."""
    started, found = time.monotonic(), {}
    while len(found) < len(nodes) and time.monotonic() - started < timeout:
        for node in nodes:
            if node.name not in found and node.search_total(marker) == 1:
                found[node.name] = time.monotonic() - started
        time.sleep(0.02)
    assert len(found) == len(nodes), f"{marker} found on {sorted(found)} only"
    return found


@pytest.fixture
def chief(process_site):
    process_site.manage(
        "shell",
        "-c",
        "from django.contrib.auth.models import User; "
        "from archive.models import Source; "
        f"User.objects.create_superuser('chief', password='{PASSWORD}'); "
        "Source.objects.create(name='Node Gazette', slug='node-gazette')",
    )
    process_site.manage("shell", "-c", totp_devices_code("chief"))


def test_saves_through_either_node_reach_every_node_and_a_new_node_joins(make_node, chief):
    one = make_node("one")
    # On PostgreSQL a node learns of a change by NOTIFY: with a poll this rare, only the
    # notification can bring its index to the head in time (no search asks it to).
    postgres = one.env["DATABASE_URL"].startswith(("postgres://", "postgresql://"))
    poll = {"ARCHIVE_INDEX_POLL_SECONDS": "600" if postgres else "0.5"}
    one.start(poll)
    two = make_node("two").start(poll)
    for node in (one, two):  # new nodes: each builds its index, then follows the log
        node.wait_until(at_head, "the head of the change log")
    for saving_node, other, marker in ((one, two, "markerone"), (two, one, "markertwo")):
        Editor(saving_node).save(marker)
        head = saving_node.health()["change_log_head"]
        other.wait_until(
            lambda health, head=head: (health.get("index_position") or 0) >= head,
            "the saved change, applied by the follower",
            timeout=20,
        )
        searchable_everywhere([one, two], marker)
    Editor(one).save("markerthree")
    searchable_everywhere([one, two], "markerthree")

    three = make_node("three").start()  # a node added later
    three.wait_until(at_head, "the head of the change log")
    for marker in ("markerone", "markertwo", "markerthree"):
        assert three.search_total(marker) == 1
    Editor(three).save("markerfour")
    searchable_everywhere([one, two, three], "markerfour")
    counts = {node.name: node.health()["indexed_entries"] for node in (one, two, three)}
    assert len(set(counts.values())) == 1, counts  # no drift
    for node in (one, two, three):
        assert "The index agrees with the database." in node.manage("check_index").stdout


def test_a_node_killed_while_applying_the_log_resumes_where_its_index_stopped(
    make_node, process_site
):
    one = make_node("one").start()
    two = make_node("two").start(env={"ARCHIVE_INDEX_APPLY_BATCH": "2"})  # many commits
    for node in (one, two):
        start = node.wait_until(at_head, "the head of the change log")
    # 400 entries in one transaction, by a process of their own; node two is watched from
    # the moment they are being written (it may finish before the writing process exits).
    writer = process_site.shell(MANY_ENTRIES.format(count=400))
    head = start["change_log_head"] + 400
    # Watched on the node's disk (an HTTP request may wait behind the applying process).
    deadline = time.monotonic() + 60
    while not start["index_position"] < (two.position() or 0) < head:
        assert time.monotonic() < deadline, f"node two never seen applying: {two.position()}"
        time.sleep(0.002)
    two.kill()  # kill -9, master and workers, in the middle of applying
    assert start["index_position"] < two.position() < head
    _, errors = writer.communicate(timeout=120)
    assert writer.returncode == 0, errors

    killed_at = two.position()
    two.start(env={"LOG_LEVEL": "DEBUG"})  # its log names each batch of changes applied
    after = two.wait_until(at_head, "the head of the change log after the restart")
    reference = one.wait_until(at_head, "the head of the change log")
    # The batch is logged once committed: the health check may see the head first.
    deadline = time.monotonic() + 30
    while f"-{head} to the index" not in two.log():
        assert time.monotonic() < deadline, f"no batch up to {head} logged:\n{two.log()[-3000:]}"
        time.sleep(0.05)
    applied = sorted(
        (int(first), int(last))
        for first, last in re.findall(r"Applied changes (\d+)-(\d+)", two.log())
    )
    # It resumed right after the position its index had committed, and applied each
    # later change exactly once, whichever of its processes applied it.
    assert applied[0][0] == killed_at + 1
    assert all(later[0] == earlier[1] + 1 for earlier, later in itertools.pairwise(applied))
    assert applied[-1][1] == head
    assert two.search_total("bulkmarker") == 400
    # Nothing lost, nothing twice: the same documents as the node that was never killed
    # (read from its health, which a worker may answer from a searcher a commit behind).
    same = two.wait_until(
        lambda health: (
            at_head(health) and health["indexed_entries"] == reference["indexed_entries"]
        ),
        "the same documents as the node never killed",
    )
    assert same["indexed_entries"] == reference["indexed_entries"] >= after["indexed_entries"]
    assert "The index agrees with the database." in two.manage("check_index").stdout


def test_a_node_stopped_for_a_while_catches_up_when_it_starts(make_node, chief):
    one, two = make_node("one").start(), make_node("two").start()
    for node in (one, two):
        node.wait_until(at_head, "the head of the change log")
    two.stop()
    editor = Editor(one)
    for number in range(3):
        editor.save(f"whiledown{number}")
    stopped_at = two.manage("check_index", check=False).stdout
    assert "3 behind" in stopped_at  # the stopped node's index, read by the command
    two.start()
    two.wait_until(at_head, "the head of the change log")
    for number in range(3):
        assert two.search_total(f"whiledown{number}") == 1


def test_the_two_node_load_harness_runs_and_finds_no_drift(tmp_path):
    """scripts/nodes_load_test.py, briefly: it must keep working as the code changes."""
    figures = tmp_path / "nodes.json"
    result = subprocess.run(
        [sys.executable, "scripts/nodes_load_test.py", "--seconds", "4", "--searchers", "2",
         "--editors", "1", "--workers", "1", "--entries", "20", "--json", str(figures)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    summary = json.loads(figures.read_text())
    assert summary["errors"] == 0 and summary["drift"] == 0
    assert summary["entries_saved"] >= 1
    assert summary["saved_entries_missing"] == {"node-one": 0, "node-two": 0}
