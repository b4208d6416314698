"""The data model's rules, enforced by the database and explained by validation."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from archive.dates import InvalidPartialDate, PartialDate
from archive.identifiers import validate_identifier
from archive.models import Entry, EntryIdentifier, Topic, TopicTimeline


def test_undated_entry_with_a_date_is_refused_by_the_database(db):
    entry = Entry.objects.create(title="t", body="b")
    with pytest.raises(IntegrityError), transaction.atomic():
        Entry.objects.filter(pk=entry.pk).update(date=datetime.date(2020, 1, 1))


def test_dated_entry_without_a_date_is_refused_by_the_database(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        Entry.objects.create(title="t", body="b", date=None, date_precision="day")


def test_empty_title_is_refused_by_the_database(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        Entry.objects.create(title="", body="b", title_is_devised=True)


def test_unknown_status_is_refused_by_the_database(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        Entry.objects.create(title="t", body="b", status="archived")


def test_validation_explains_date_and_title_problems(db):
    entry = Entry(title="  ", body="b", date=datetime.date(2021, 5, 5), date_precision="undated")
    with pytest.raises(ValidationError) as error:
        entry.full_clean()
    assert "devise one" in error.value.message_dict["title"][0]
    assert "undated entry cannot have a date" in error.value.message_dict["date"][0]


def test_unknown_language_code_is_a_validation_error(db):
    entry = Entry(title="t", body="b", language="xx")
    with pytest.raises(ValidationError) as error:
        entry.full_clean()
    assert "ISO 639-1" in error.value.message_dict["language"][0]


def test_month_and_year_dates_are_kept_as_their_first_day(make_entry):
    month = make_entry(date=datetime.date(2021, 11, 22), date_precision="month")
    year = make_entry(date=datetime.date(2013, 4, 9), date_precision="year")
    assert month.date == datetime.date(2021, 11, 1)
    assert month.display_date == "November 2021"
    assert year.date == datetime.date(2013, 1, 1)
    assert year.display_date == "2013"


def test_undated_entries_say_so_and_sort_last(make_entry):
    undated = make_entry()
    dated = make_entry(date=datetime.date(1990, 1, 1), date_precision="year")
    assert undated.display_date == "undated"
    assert list(Entry.objects.all()) == [dated, undated]


def test_devised_titles_are_shown_in_square_brackets(make_entry):
    entry = make_entry(title="Notes on trade", title_is_devised=True)
    assert str(entry) == "[Notes on trade]"


def test_slugs_are_unique_and_follow_the_title(make_entry):
    first = make_entry(title="Sister cities")
    second = make_entry(title="Sister cities")
    assert first.slug == "sister-cities"
    assert second.slug == "sister-cities-2"


def test_non_latin_titles_get_readable_slugs_in_latin_letters(make_entry):
    assert make_entry(title="Северные территории").slug == "severnye-territorii"
    assert make_entry(title="北方領土問題").slug == "hoppouryoudo-mondai"


def test_ids_are_never_reused_after_a_delete(make_entry):
    deleted = make_entry()
    deleted_id = deleted.pk
    deleted.delete()
    assert make_entry().pk > deleted_id


def test_a_topic_cannot_be_placed_under_its_own_descendant(db):
    parent = Topic.objects.create(name="Economy", slug="economy")
    child = Topic.objects.create(name="Energy", slug="energy", parent=parent)
    parent.parent = child
    with pytest.raises(ValidationError):
        parent.full_clean()
    assert str(child) == "Economy › Energy"


@pytest.mark.parametrize(
    ("scheme", "value", "normal"),
    [
        ("issn", "2618–7159", "2618-7159"),
        ("issn", "1050 124x", "1050-124X"),
        ("doi", "https://doi.org/10.1000/xyz123", "10.1000/xyz123"),
        ("isbn", "978-0-306-40615-7", "9780306406157"),
    ],
)
def test_identifiers_are_normalised(scheme, value, normal):
    assert validate_identifier(scheme, value) == normal


@pytest.mark.parametrize(
    ("scheme", "value"), [("issn", "2618-7158"), ("doi", "not-a-doi"), ("isbn", "12345")]
)
def test_invalid_identifiers_are_explained(scheme, value, make_entry):
    identifier = EntryIdentifier(entry=make_entry(), scheme=scheme, value=value)
    with pytest.raises(ValidationError) as error:
        identifier.full_clean()
    assert value in error.value.message_dict["value"][0]


@pytest.mark.parametrize(
    ("text", "precision", "shown"),
    [
        ("2021-11-22", "day", "22 November 2021"),
        ("2021-11", "month", "November 2021"),
        ("2013", "year", "2013"),
        (None, "undated", "undated"),
    ],
)
def test_partial_dates_show_only_what_is_known(text, precision, shown):
    date = PartialDate.parse(text)
    assert date.precision == precision
    assert date.display() == shown
    assert date.iso() == (text or "")


@pytest.mark.parametrize("text", ["2021-13", "2021-02-30", "21 Dec", "2021/12/21"])
def test_impossible_dates_are_refused(text):
    with pytest.raises(InvalidPartialDate):
        PartialDate.parse(text)


def test_the_years_of_entries_are_found_without_reading_every_row(make_entry):
    import datetime

    from archive.models import Entry

    for year in (1956, 1956, 1991, 2021):
        make_entry(date=datetime.date(year, 5, 1), date_precision="day")
    make_entry()  # undated
    years = Entry.objects.dates("date", "year")
    assert years == [datetime.date(y, 1, 1) for y in (1956, 1991, 2021)]
    assert Entry.objects.dates("date", "year", order="DESC")[0] == datetime.date(2021, 1, 1)
    # A filtered list and other kinds are Django's own answer.
    filtered = Entry.objects.filter(date__gte=datetime.date(1990, 1, 1)).dates("date", "year")
    assert list(filtered) == [datetime.date(1991, 1, 1), datetime.date(2021, 1, 1)]
    assert [d.month for d in Entry.objects.dates("date", "month")] == [5, 5, 5]


def test_the_first_and_last_dates_are_read_from_the_ends_of_the_date_index(make_entry):
    """The admin's drill-down asks every page of the unfiltered list for the first and
    last date. One MIN and MAX statement reads the whole index on SQLite (72 ms at
    1,000,000 entries, twice a page); each bound alone is one look at an end of it."""
    from django.db import connection, models
    from django.test.utils import CaptureQueriesContext

    bounds = {"first": models.Min("date"), "last": models.Max("date")}
    assert Entry.objects.aggregate(**bounds) == {"first": None, "last": None}
    make_entry()  # undated: never a bound
    for year in (1956, 1991, 2021):
        make_entry(date=datetime.date(year, 5, 1), date_precision="day")
    make_entry()
    with CaptureQueriesContext(connection) as queries:
        found = Entry.objects.aggregate(**bounds)
    assert found == {"first": datetime.date(1956, 5, 1), "last": datetime.date(2021, 5, 1)}
    with connection.cursor() as cursor:
        for query in queries.captured_queries:
            assert "LIMIT 1" in query["sql"] and "MIN(" not in query["sql"]
            if connection.vendor == "sqlite":
                cursor.execute(f"EXPLAIN QUERY PLAN {query['sql']}")
                plan = " ".join(str(row[-1]) for row in cursor.fetchall())
                assert "COVERING INDEX entry_newest_first" in plan and "TEMP B-TREE" not in plan
            else:
                # As on a large table, where reading the index's end beats any scan and
                # sort; a five-row table's costs otherwise let the planner pick either.
                cursor.execute("SET LOCAL enable_seqscan = off")
                cursor.execute("SET LOCAL enable_sort = off")
                cursor.execute(f"EXPLAIN {query['sql']}")
                plan = " ".join(row[0] for row in cursor.fetchall())
                assert "entry_newest_first" in plan and "Sort" not in plan
    # Filtered lists and other aggregates are Django's own answer.
    since = Entry.objects.filter(date__gte=datetime.date(1990, 1, 1))
    assert since.aggregate(**bounds) == {
        "first": datetime.date(1991, 5, 1),
        "last": datetime.date(2021, 5, 1),
    }
    assert Entry.objects.aggregate(models.Count("id"), last=models.Max("date")) == {
        "id__count": 5,
        "last": datetime.date(2021, 5, 1),
    }
    assert Entry.objects.aggregate(last=models.Max("id"))["last"] == Entry.objects.latest("id").id
    per_year = Entry.objects.values("date_precision").annotate(newest=models.Max("date"))
    # Grouped rows (the newest date of each precision: 2021 and none) are Django's too.
    assert per_year.aggregate(first=models.Min("newest")) == {"first": datetime.date(2021, 5, 1)}


def test_bulk_create_takes_a_generator(db):
    created = Entry.objects.bulk_create(Entry(title=f"Made {n}", body="text") for n in range(3))
    assert len(created) == 3 and Entry.objects.count() == 3


def test_a_topics_timeline_follows_every_change_of_its_entries_topics_and_dates(make_entry):
    """Each topic's timeline (its entries with their dates, what the admin counts and
    lists a topic's entries from) is the links and the entries' dates, whichever way they
    change: a save, a queryset update, topics given or taken from either side, a delete."""
    energy, fishing = Topic.objects.create(name="Energy"), Topic.objects.create(name="Fishing")

    def timeline(topic):
        return sorted(TopicTimeline.objects.filter(topic=topic).values_list("entry_id", "date"))

    def as_linked(topic):
        return sorted(topic.entries.values_list("id", "date"))

    may_1956 = {"date": datetime.date(1956, 5, 1), "date_precision": "day"}
    first, second, undated = make_entry(**may_1956), make_entry(**may_1956), make_entry()
    first.topics.set([energy, fishing])
    second.topics.add(energy)
    energy.entries.add(undated)
    assert timeline(energy) == as_linked(energy) and len(timeline(energy)) == 3
    assert timeline(fishing) == [(first.pk, datetime.date(1956, 5, 1))]

    first.date = datetime.date(1991, 12, 26)
    first.save()
    Entry.objects.filter(pk=second.pk).update(date=datetime.date(2021, 1, 1))
    assert timeline(energy) == as_linked(energy)
    assert (first.pk, datetime.date(1991, 12, 26)) in timeline(fishing)
    assert (second.pk, datetime.date(2021, 1, 1)) in timeline(energy)

    first.topics.remove(energy)
    energy.entries.remove(undated)
    assert timeline(energy) == as_linked(energy) == [(second.pk, datetime.date(2021, 1, 1))]
    fishing.entries.clear()
    second.topics.clear()
    assert timeline(fishing) == timeline(energy) == []

    energy.entries.set([first, undated])
    undated.delete()
    assert timeline(energy) == as_linked(energy) == [(first.pk, datetime.date(1991, 12, 26))]


def test_a_topics_entries_are_counted_and_bounded_from_its_timeline_alone(make_entry):
    """A topic's count, first and last dates and years are read from its timeline's
    index (a query that never joins the entries); narrowed further, Django's own answer."""
    from django.db import connection, models
    from django.test.utils import CaptureQueriesContext

    energy, other = Topic.objects.create(name="Energy"), Topic.objects.create(name="Other")
    for year in (1956, 1991, 1991, 2021):
        make_entry(date=datetime.date(year, 5, 1), date_precision="day").topics.add(energy)
    make_entry().topics.add(energy)  # undated
    make_entry(date=datetime.date(2000, 1, 1), date_precision="day").topics.add(other)
    in_energy = Entry.objects.in_topic(energy.pk)
    bounds = {"first": models.Min("date"), "last": models.Max("date")}
    with CaptureQueriesContext(connection) as queries:
        count, found, years = (
            in_energy.count(),
            in_energy.aggregate(**bounds),
            in_energy.dates("date", "year"),
        )
    assert count == 5
    assert found == {"first": datetime.date(1956, 5, 1), "last": datetime.date(2021, 5, 1)}
    assert years == [datetime.date(y, 1, 1) for y in (1956, 1991, 2021)]
    assert all('"archive_entry"' not in query["sql"] for query in queries.captured_queries)
    # The same answers as through the links.
    linked = Entry.objects.filter(topics=energy)
    assert (linked.count(), linked.aggregate(**bounds)) == (count, found)
    assert list(linked.dates("date", "year")) == years
    assert list(in_energy.newest_first()) == list(linked.order_by(*Entry._meta.ordering))
    # Narrowed further: the entries' own rows.
    since = in_energy.filter(date__gte=datetime.date(1990, 1, 1))
    assert since.count() == 3
    assert list(since.dates("date", "year")) == [
        datetime.date(1991, 1, 1),
        datetime.date(2021, 1, 1),
    ]
    assert since.aggregate(**bounds)["first"] == datetime.date(1991, 5, 1)
    # Within dates, as the admin's drill-down narrows a topic: still the timeline alone.
    in_1991 = Entry.objects.in_topic(
        energy.pk, dates=(datetime.date(1991, 1, 1), datetime.date(1992, 1, 1))
    )
    with CaptureQueriesContext(connection) as queries:
        count, months = in_1991.count(), list(in_1991.dates("date", "month"))
    assert (count, months) == (2, [datetime.date(1991, 5, 1)])
    assert all('"archive_entry"' not in query["sql"] for query in queries.captured_queries)


def test_an_annotated_lists_first_and_last_dates_are_read_from_the_index_ends(make_entry):
    """The admin's list annotates each entry (a scan being read): its drill-down's first
    and last dates are still one look at each end of the date index, Django's answer."""
    from django.db import connection, models
    from django.test.utils import CaptureQueriesContext

    for year in (1956, 2021):
        make_entry(date=datetime.date(year, 5, 1), date_precision="day")
    annotated = Entry.objects.annotate(dated=models.Exists(Entry.objects.filter(pk=1)))
    bounds = {"first": models.Min("date"), "last": models.Max("date")}
    with CaptureQueriesContext(connection) as queries:
        found = annotated.aggregate(**bounds)
    assert found == {"first": datetime.date(1956, 5, 1), "last": datetime.date(2021, 5, 1)}
    assert all("LIMIT 1" in query["sql"] for query in queries.captured_queries)
    counted = Entry.objects.annotate(topic_count=models.Count("topics"))
    assert counted.aggregate(most=models.Max("topic_count")) == {"most": 0}


def test_refresh_topic_timelines_rebuilds_them_after_raw_edits(make_entry):
    """The links and dates edited behind the app's back (raw SQL, as an operator might)
    are what ``manage.py refresh_topic_timelines`` rebuilds the timelines from."""
    from io import StringIO

    from django.core.management import call_command
    from django.db import connection

    energy = Topic.objects.create(name="Energy")
    entry = make_entry(date=datetime.date(1956, 5, 1), date_precision="day")
    entry.topics.add(energy)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE archive_entry SET date = %s WHERE id = %s",
            [datetime.date(1991, 1, 1), entry.pk],
        )
    assert TopicTimeline.objects.get().date == datetime.date(1956, 5, 1)  # not seen
    output = StringIO()
    call_command("refresh_topic_timelines", stdout=output)
    assert "timelines: 1 link." in output.getvalue()
    assert list(TopicTimeline.objects.values_list("topic_id", "entry_id", "date")) == [
        (energy.pk, entry.pk, datetime.date(1991, 1, 1))
    ]
