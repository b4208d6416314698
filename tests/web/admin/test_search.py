"""The entry list's search box runs the archive's search engine over published entries
and drafts: the public syntax and stemming, ranked, with exact lookups first; drafts
reach editors and never the public."""

import pytest
from django.urls import reverse

from archive import search
from archive.models import EntryIdentifier, Source, Status
from archive.search import SearchRequest
from archive.search.sync import storage
from archive.web.admin import search as admin_search

CHANGELIST_URL = reverse("admin:archive_entry_changelist")


def listed(client, **params) -> list[str]:
    response = client.get(CHANGELIST_URL, params)
    assert response.status_code == 200
    return [entry.title for entry in response.context["cl"].result_list]


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def archive_with_drafts(empty_index, make_entry, committed):
    with committed():
        entries = {
            "exchange": make_entry(
                title="Youth exchange programme resumes",
                body="The student exchange between Sapporo and Yuzhno-Sakhalinsk resumes.",
            ),
            "treaty": make_entry(
                title="Peace treaty talks",
                body="Talks on a peace treaty; exchanges of views on fishing.",
            ),
            "draft": make_entry(
                title="Draft: fishing quota exchanges",
                body="Unpublished notes on fishing quota exchanges near Shikotan.",
                status=Status.DRAFT,
            ),
            "russian": make_entry(
                title="Переговоры о мирном договоре",
                body="Россия и Япония обсудили мирный договор.",
                language="ru",
                status=Status.DRAFT,
            ),
        }
    return entries


def test_drafts_and_published_entries_are_found_with_the_public_stemming(
    superuser_client, archive_with_drafts
):
    # "exchanged" is stemmed as the public search stems it: exchange, exchanges.
    titles = listed(superuser_client, q="exchanged")
    assert set(titles) == {
        "Youth exchange programme resumes",
        "Peace treaty talks",
        "Draft: fishing quota exchanges",
    }


def test_the_best_match_comes_first(superuser_client, archive_with_drafts):
    titles = listed(superuser_client, q="fishing quota")
    assert titles[0] == "Draft: fishing quota exchanges"


def test_phrases_and_not_read_as_in_the_public_search(superuser_client, archive_with_drafts):
    assert listed(superuser_client, q='"student exchange"') == ["Youth exchange programme resumes"]
    assert set(listed(superuser_client, q="exchange NOT fishing")) == {
        "Youth exchange programme resumes"
    }
    assert listed(superuser_client, q="title:treaty") == ["Peace treaty talks"]


def test_russian_words_are_stemmed_in_drafts(superuser_client, archive_with_drafts):
    assert listed(superuser_client, q="договора") == ["Переговоры о мирном договоре"]


def test_editors_see_drafts_the_public_never_does(editor_client, client, archive_with_drafts):
    assert listed(editor_client, q="Shikotan") == ["Draft: fishing quota exchanges"]
    public = search.search(SearchRequest(query="Shikotan"))
    assert public.total == 0
    assert public.suggestion is None  # a draft's words are never suggested either
    page = client.get(reverse("archive:search"), {"q": "Shikotan"}).content.decode()
    assert "fishing quota" not in page


def test_the_status_filter_chooses_what_is_searched(superuser_client, archive_with_drafts):
    assert listed(superuser_client, q="exchanges", status__exact="draft") == [
        "Draft: fishing quota exchanges"
    ]
    assert set(listed(superuser_client, q="exchanges", status__exact="published")) == {
        "Youth exchange programme resumes",
        "Peace treaty talks",
    }


def test_list_filters_narrow_the_search(superuser_client, archive_with_drafts, committed):
    gazette = Source.objects.create(name="Gazette", slug="gazette")
    with committed():
        entry = archive_with_drafts["treaty"]
        entry.source = gazette
        entry.save()
    assert listed(superuser_client, q="exchanges", source__id__exact=gazette.pk) == [
        "Peace treaty talks"
    ]
    assert listed(superuser_client, q="exchanges", date__year="1999") == []


def test_publishing_a_draft_moves_it_to_the_public_search(
    superuser_client, archive_with_drafts, committed
):
    draft = archive_with_drafts["draft"]
    with committed():
        draft.status = Status.PUBLISHED
        draft.save()
    assert search.search(SearchRequest(query="Shikotan")).total == 1
    assert listed(superuser_client, q="Shikotan") == ["Draft: fishing quota exchanges"]
    assert search.compare().in_agreement


def test_exact_lookups_come_first(superuser_client, archive_with_drafts, committed):
    draft = archive_with_drafts["draft"]
    treaty = archive_with_drafts["treaty"]
    with committed():
        draft.original_url = "https://example.org/notes/fishing/"
        draft.external_id = "notes-2024-07"
        draft.save()
        EntryIdentifier.objects.create(entry=treaty, scheme="doi", value="10.1234/peace.5")
    assert listed(superuser_client, q=f"#{treaty.pk}")[0] == "Peace treaty talks"
    assert listed(superuser_client, q="notes-2024-07") == ["Draft: fishing quota exchanges"]
    assert listed(superuser_client, q="https://doi.org/10.1234/peace.5") == ["Peace treaty talks"]
    # The address as copied from a browser bar: another scheme, no final slash.
    assert listed(superuser_client, q="http://example.org/notes/fishing") == [
        "Draft: fishing quota exchanges"
    ]


def test_sorting_by_a_column_replaces_the_ranking(superuser_client, archive_with_drafts):
    ranked = superuser_client.get(CHANGELIST_URL, {"q": "exchanges"})
    assert " sorted " not in ranked.content.decode()  # no column claims the order
    by_title = listed(superuser_client, q="exchanges", o="1")
    assert by_title == sorted(by_title)
    sorted_page = superuser_client.get(CHANGELIST_URL, {"q": "exchanges", "o": "1"})
    assert "column-title_for_list sorted ascending" in sorted_page.content.decode()


def test_a_query_finding_nothing_lists_nothing(superuser_client, archive_with_drafts):
    assert listed(superuser_client, q="zzyzx") == []
    response = superuser_client.get(CHANGELIST_URL, {"q": '"unclosed (phrase'})
    assert response.status_code == 200


def test_beyond_the_ranked_limit_the_editor_is_told(
    superuser_client, archive_with_drafts, monkeypatch
):
    monkeypatch.setattr(admin_search, "RANKED_LIMIT", 1)
    response = superuser_client.get(CHANGELIST_URL, {"q": "exchanges"})
    assert response.context["cl"].result_count == 1
    assert any("3 entries match; the best 1 are listed" in m for m in messages_of(response))


def test_without_an_index_the_words_are_matched_in_the_database(superuser_client, make_entry):
    make_entry(title="Fishing notes", status=Status.DRAFT)
    response = superuser_client.get(CHANGELIST_URL, {"q": "Fishing"})
    assert [entry.title for entry in response.context["cl"].result_list] == ["Fishing notes"]
    assert any("cannot be used right now" in m for m in messages_of(response))


def test_a_generation_without_drafts_gets_them_from_check_index(
    superuser_client, archive_with_drafts
):
    from django.core.management import call_command

    generation = storage.current_generation()
    for toc in generation.glob(f"_{storage.DRAFTS}_*.toc"):
        toc.unlink()
    storage.draft_searchers.clear()
    response = superuser_client.get(CHANGELIST_URL, {"q": "Shikotan"})
    assert any("Drafts were not searched" in m for m in messages_of(response))
    assert not search.compare().in_agreement
    call_command("check_index", "--fix")
    assert listed(superuser_client, q="Shikotan") == ["Draft: fishing quota exchanges"]
