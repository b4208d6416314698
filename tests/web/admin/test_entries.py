"""The editors' admin: lists, forms, duplicate warnings, bulk actions, permissions."""

import datetime
import html
import re

import pytest
from django.urls import reverse
from django.utils import translation

from archive.models import Entry, Source, Status, Topic

ADD_URL = reverse("admin:archive_entry_add")
CHANGELIST_URL = reverse("admin:archive_entry_changelist")


def entry_form(**overrides):
    """A complete add-form submission, as the browser sends it."""
    data = {
        "title": "Foreign ministers meet in Moscow",
        "slug": "",
        "status": "draft",
        "date": "2019-05-10",
        "date_precision": "day",
        "date_note": "",
        "source": "",
        "document_type": "news",
        "language": "en",
        "authors": "",
        "original_url": "",
        "rights": "",
        "summary": "",
        "body": "The two ministers discussed the peace treaty.",
        "raw_capture": "",
        "identifiers-TOTAL_FORMS": "0",
        "identifiers-INITIAL_FORMS": "0",
        "identifiers-MIN_NUM_FORMS": "0",
        "identifiers-MAX_NUM_FORMS": "1000",
        "originals-TOTAL_FORMS": "0",
        "originals-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def test_changelist_shows_dates_as_their_precision_allows(superuser_client, seed):
    page = superuser_client.get(CHANGELIST_URL).content.decode()
    assert "22 November 2021" in page
    assert "21 December 2020" in page
    assert "[Russia–Japan relations: areas of bilateral cooperation]" in page
    assert "undated" in page
    assert "Ministry of Foreign Affairs of Japan" in page
    assert "English" in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status__exact=published", 3),
        ("status__exact=draft", 0),
        ("language=en", 3),
        ("document_type__exact=press_release", 1),
        ("date_precision__exact=undated", 1),
        ("date__gte=2021-01-01", 1),
        ("date__year=2020", 1),
        ("q=Motegi", 1),
        ("q=ISSN", 0),
    ],
)
def test_changelist_filters_and_search_narrow_the_list(superuser_client, seed, query, expected):
    page = superuser_client.get(f"{CHANGELIST_URL}?{query}")
    assert page.status_code == 200
    assert page.context["cl"].result_count == expected


def test_changelist_filters_by_topic_and_source(superuser_client, seed):
    topic = Topic.objects.get(slug="energy")
    source = Source.objects.get(slug="mofa-japan")
    by_topic = superuser_client.get(f"{CHANGELIST_URL}?topics__id__exact={topic.pk}")
    by_source = superuser_client.get(f"{CHANGELIST_URL}?source__id__exact={source.pk}")
    assert by_topic.context["cl"].result_count == 1
    assert by_source.context["cl"].result_count == 1


def test_editor_adds_an_entry(editor_client, source):
    response = editor_client.post(ADD_URL, entry_form(source=source.pk))
    assert response.status_code == 302
    entry = Entry.objects.get()
    assert entry.slug == "foreign-ministers-meet-in-moscow"
    assert entry.source == source
    assert entry.status == Status.DRAFT


def test_editor_changes_an_entry_and_timestamps_stay_read_only(editor_client, seed):
    entry = seed["seed-000-2a775db45f4373d4"]
    url = reverse("admin:archive_entry_change", args=[entry.pk])
    form = editor_client.get(url).context["adminform"].form
    assert "created_at" not in form.fields and "updated_at" not in form.fields
    data = entry_form(
        title=entry.title,
        slug=entry.slug,
        status="published",
        source=entry.source_id,
        date="2021-11-22",
        body=entry.body,
        summary="Revised summary.",
        created_at="2000-01-01 00:00",
    )
    response = editor_client.post(url, data)
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.summary == "Revised summary."
    assert entry.created_at.year > 2000


def test_invalid_date_combination_is_a_form_error_not_a_crash(editor_client):
    response = editor_client.post(ADD_URL, entry_form(date="2019-05-10", date_precision="undated"))
    assert response.status_code == 200
    assert "An undated entry cannot have a date" in response.content.decode()
    assert not Entry.objects.exists()


def test_missing_title_is_explained(editor_client):
    response = editor_client.post(ADD_URL, entry_form(title=""))
    assert response.status_code == 200
    assert "Give the document&#x27;s title, or devise one" in response.content.decode()


def test_bad_identifier_is_explained_in_the_inline(editor_client):
    data = entry_form(
        **{
            "identifiers-TOTAL_FORMS": "1",
            "identifiers-0-scheme": "issn",
            "identifiers-0-value": "2618-7158",
        }
    )
    response = editor_client.post(ADD_URL, data)
    assert response.status_code == 200
    assert "check digit should be 9" in response.content.decode()
    assert not Entry.objects.exists()


def test_duplicate_text_is_flagged_and_can_be_confirmed(editor_client, seed):
    existing = seed["seed-000-2a775db45f4373d4"]
    body = "  " + existing.body.upper() + "\n"
    warned = editor_client.post(ADD_URL, entry_form(title="Same story again", body=body))
    page = warned.content.decode()
    assert warned.status_code == 200
    assert "This looks like a duplicate" in page
    assert f"#{existing.pk} " in page
    assert 'type="checkbox" name="save_anyway"' in page
    confirmed = editor_client.post(
        ADD_URL, entry_form(title="Same story again", body=body, save_anyway="on")
    )
    assert confirmed.status_code == 302
    assert Entry.objects.filter(title="Same story again").exists()


def test_duplicate_original_url_is_flagged(editor_client, make_entry):
    make_entry(original_url="https://example.org/news/1")
    response = editor_client.post(
        ADD_URL, entry_form(original_url="https://example.org/news/1", body="Different text")
    )
    assert "This looks like a duplicate" in response.content.decode()


def test_bulk_publish_and_unpublish(superuser_client, make_entry, source):
    drafts = [make_entry(status=Status.DRAFT, source=source) for _ in range(3)]
    ids = [str(entry.pk) for entry in drafts]
    response = superuser_client.post(
        CHANGELIST_URL, {"action": "publish_selected", "_selected_action": ids}, follow=True
    )
    assert "3 entries published." in response.content.decode()
    assert Entry.objects.filter(status=Status.PUBLISHED, published_at__isnull=False).count() == 3
    superuser_client.post(
        CHANGELIST_URL, {"action": "unpublish_selected", "_selected_action": ids[:1]}
    )
    assert Entry.objects.filter(status=Status.DRAFT).count() == 1


def test_editors_cannot_delete_or_manage_users(editor_client, make_entry):
    entry = make_entry()
    delete_url = reverse("admin:archive_entry_delete", args=[entry.pk])
    assert editor_client.get(delete_url).status_code == 403
    assert editor_client.post(delete_url, {"post": "yes"}).status_code == 403
    assert Entry.objects.filter(pk=entry.pk).exists()
    assert editor_client.get(reverse("admin:auth_user_changelist")).status_code == 403
    actions = editor_client.get(CHANGELIST_URL).context["action_form"].fields["action"].choices
    assert "delete_selected" not in dict(actions)
    assert "publish_selected" in dict(actions)


def test_editors_can_add_sources_and_topics(editor_client):
    assert editor_client.get(reverse("admin:archive_source_add")).status_code == 200
    # A topic's name in each interface language, side by side (English required).
    response = editor_client.post(
        reverse("admin:archive_topic_add"),
        {"name_en": "Fisheries", "name_ru": "Рыболовство", "name_ja": "", "slug": "fisheries"},
    )
    assert response.status_code == 302
    topic = Topic.objects.get(slug="fisheries")
    assert (topic.name_en, topic.name_ru, topic.name_ja) == ("Fisheries", "Рыболовство", None)
    with translation.override("ru"):
        assert topic.name == "Рыболовство"
    with translation.override("ja"):
        assert topic.name == "Fisheries"  # English where a translation is missing


def test_source_autocomplete_finds_sources_by_name(editor_client, seed):
    response = editor_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "archive",
            "model_name": "entry",
            "field_name": "source",
            "term": "foreign",
        },
    )
    names = [result["text"] for result in response.json()["results"]]
    assert names == ["Ministry of Foreign Affairs of Japan"]


def test_change_form_links_to_the_entry_on_site(editor_client, seed):
    entry = seed["seed-002-e459417e0b57698a"]
    page = editor_client.get(reverse("admin:archive_entry_change", args=[entry.pk]))
    assert "View on site" in page.content.decode()
    assert entry.date == datetime.date(2020, 12, 21)


def test_the_entry_list_reads_neither_texts_nor_a_row_at_a_time(
    superuser_client, make_entry, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    parent = Topic.objects.create(name="Economy and trade", slug="economy")
    child = Topic.objects.create(name="Energy", slug="energy", parent=parent)
    source = Source.objects.create(name="Gazette", slug="gazette")
    for number in range(30):
        entry = make_entry(title=f"Entry {number}", body="A long text. " * 50, source=source)
        entry.topics.add(child)
    superuser_client.get(CHANGELIST_URL)  # the session's first request records it
    # Bounded by the years the entries span, never by the number of rows (one more than
    # before the second factor: the session's verified device is read each request).
    with CaptureQueriesContext(connection) as queries, django_assert_max_num_queries(13):
        response = superuser_client.get(CHANGELIST_URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Economy and trade › Energy" in page  # the topic filter, read in one query
    listing = [q["sql"] for q in queries.captured_queries if 'FROM "archive_entry"' in q["sql"]]
    assert listing and all('"archive_entry"."body"' not in sql for sql in listing)
    assert superuser_client.get(CHANGELIST_URL, {"topics__id__exact": child.pk}).status_code == 200
    filtered = superuser_client.get(CHANGELIST_URL, {"source__id__exact": source.pk})
    assert filtered.context["cl"].result_count == 30


@pytest.mark.parametrize(
    ("typed", "precision", "saved"),
    [
        ("2016", "year", datetime.date(2016, 1, 1)),
        ("2016-05", "month", datetime.date(2016, 5, 1)),
        ("May 2016", "month", datetime.date(2016, 5, 1)),
        ("22.05.2016", "day", datetime.date(2016, 5, 22)),
    ],
)
def test_a_date_is_typed_as_precisely_as_it_is_known(superuser_client, typed, precision, saved):
    response = superuser_client.post(
        ADD_URL, entry_form(date=typed, date_precision=precision), follow=True
    )
    assert response.status_code == 200
    entry = Entry.objects.get()
    assert (entry.date, entry.date_precision) == (saved, precision)
    form = superuser_client.get(reverse("admin:archive_entry_change", args=[entry.pk]))
    assert f'value="{entry.partial_date.iso()}"' in form.content.decode()


def test_a_date_less_precise_than_its_precision_is_refused(superuser_client):
    response = superuser_client.post(ADD_URL, entry_form(date="2016", date_precision="day"))
    assert response.status_code == 200
    assert "The date gives only its year, not a day." in response.content.decode()
    assert not Entry.objects.exists()


def test_the_entry_list_shows_and_filters_when_entries_were_added_and_updated(
    superuser_client, make_entry
):
    make_entry(title="Old document, added today", date=datetime.date(1956, 10, 19))
    page = superuser_client.get(CHANGELIST_URL).content.decode()
    assert "column-added_for_list" in page and "column-updated_for_list" in page
    day = datetime.date.today()
    assert f"{day.day} {day:%B} {day.year}" in page  # as days, as the list writes dates
    # The filter's own "Today" link (its bounds are aware datetimes, as the admin writes
    # them): the entry added today is listed, though it is dated 1956.
    link = re.search(r'href="(\?created_at__gte=[^"]*)"', page)
    assert link, "the filter by date added is offered"
    today = superuser_client.get(CHANGELIST_URL + html.unescape(link.group(1)))
    assert "Old document, added today" in today.content.decode()


def test_the_changelist_reads_its_first_page_from_the_newest_first_index(superuser_client, seed):
    """The list's order (newest first, undated last) is an index's order: its first page
    reads 50 index entries, never sorts every entry (at 100,000 entries that sort took
    3 s). The index is declared on the model, so SQLite's table remakes keep it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert superuser_client.get(CHANGELIST_URL).status_code == 200
    order = 'ORDER BY "archive_entry"."date" DESC NULLS LAST, "archive_entry"."id" DESC'
    page_query = next(
        query["sql"] for query in queries.captured_queries if query["sql"].endswith(order)
    )
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {page_query}")
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
            assert "USING INDEX entry_newest_first" in plan
            assert "TEMP B-TREE FOR ORDER BY" not in plan
        else:
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'entry_newest_first'")
            (definition,) = cursor.fetchone()
            assert "date DESC NULLS LAST" in definition and "id DESC" in definition


def test_a_topics_list_is_read_from_its_timeline(superuser_client, make_entry):
    """Filtered by a topic, the list shows the topic's entries newest first (undated
    last), counts them and offers the years they span, read from the topic's timeline:
    the page walks its index (at 1,000,000 entries, reading a topic's 40,000 entries'
    rows for the count, the years and the sort took 3.9 s)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    energy, fishing = Topic.objects.create(name="Energy"), Topic.objects.create(name="Fishing")
    expected = []
    for number, year in enumerate((1956, 2021, 1991, None, 1991)):
        dated = {"date": datetime.date(year, 5, 1), "date_precision": "day"} if year else {}
        entry = make_entry(title=f"Energy entry {number}", **dated)
        entry.topics.set([energy, fishing] if number % 2 else [energy])
        expected.append(entry)
    make_entry(title="Fishing alone", date=datetime.date(2005, 1, 1), date_precision="day")
    Entry.objects.get(title="Fishing alone").topics.add(fishing)
    with CaptureQueriesContext(connection) as queries:
        response = superuser_client.get(CHANGELIST_URL, {"topics__id__exact": energy.pk})
    assert response.status_code == 200
    listed = response.context["cl"]
    assert listed.result_count == 5
    newest_first = Entry.objects.filter(topics=energy).order_by(*Entry._meta.ordering)
    assert [entry.pk for entry in listed.result_list] == [entry.pk for entry in newest_first]
    assert [entry.title for entry in listed.result_list][-1] == "Energy entry 3"  # undated
    page = response.content.decode()
    for year in (1956, 1991, 2021):
        assert f"date__year={year}" in page
    assert "date__year=2005" not in page  # a year of the other topic only
    page_query = next(
        query["sql"]
        for query in queries.captured_queries
        if 'ORDER BY "archive_topictimeline"."date" DESC' in query["sql"]
    )
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {page_query}")
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
        assert "topic_timeline_newest_first" in plan and "TEMP B-TREE" not in plan
    # Drilled down to a year, and sorted by a column: the same entries as Django's way.
    with CaptureQueriesContext(connection) as queries:
        in_1991 = superuser_client.get(
            CHANGELIST_URL, {"topics__id__exact": energy.pk, "date__year": 1991}
        )
    assert in_1991.context["cl"].result_count == 2
    assert {entry.pk for entry in in_1991.context["cl"].result_list} == set(
        Entry.objects.filter(topics=energy, date__year=1991).values_list("pk", flat=True)
    )
    assert "date__month=5" in in_1991.content.decode()  # the months of the year's entries
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"]]
    assert counts and all('"archive_entry"' not in sql for sql in counts)
    in_may = superuser_client.get(
        CHANGELIST_URL,
        {"topics__id__exact": energy.pk, "date__year": 1991, "date__month": 5, "date__day": 1},
    )
    assert in_may.context["cl"].result_count == 2
    not_a_day = {"topics__id__exact": energy.pk, "date__year": 1991, "date__month": 13}
    assert superuser_client.get(CHANGELIST_URL, not_a_day).status_code == 302
    by_title = superuser_client.get(CHANGELIST_URL, {"topics__id__exact": energy.pk, "o": "1"})
    titles = [entry.title for entry in by_title.context["cl"].result_list]
    assert titles == sorted(titles) and len(titles) == 5
    # An id typed wrong is the admin's "invalid filter" (it was a 500).
    Source.objects.create(name="Test Gazette", slug="test-gazette", kind="news_outlet")
    for name in ("topics__id__exact", "source__id__exact"):
        wrong = superuser_client.get(CHANGELIST_URL, {name: "x"})
        assert wrong.status_code == 302 and wrong["Location"].endswith("?e=1")
