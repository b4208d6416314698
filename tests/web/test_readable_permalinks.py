"""Permalinks of entries in any script are short and readable, in Latin letters, in
citations too; the addresses they had before keep working (#31, item 2)."""

import importlib
from urllib.parse import quote

import pytest
from django.apps import apps

from archive.models import Entry, Status

ROMANIZE = importlib.import_module("archive.migrations.0017_entry_slugs_in_latin_letters")


@pytest.fixture
def lavrov(db, make_entry):
    return make_entry(
        title="ラブロフ外相、岸田首相と会談",
        body="ラブロフ外相は岸田首相と会談した。",
        language="ja",
        status=Status.PUBLISHED,
    )


def test_a_japanese_or_russian_title_gets_a_latin_slug(lavrov, make_entry):
    assert lavrov.slug == "raburofu-gaishou-kishida-shushou-to-kaidan"
    russian = make_entry(title="Южно-Сахалинск: паром в Вакканай", language="ru")
    assert russian.slug == "yuzhno-sakhalinsk-parom-v-vakkanay"  # BGN/PCGN: й is y


@pytest.mark.parametrize("fmt", ["bib", "ris", "json"])
def test_citations_carry_a_readable_permalink(client, lavrov, fmt):
    body = client.get(f"/entries/{lavrov.pk}/cite.{fmt}").content.decode()
    assert f"/entries/{lavrov.pk}/raburofu-gaishou-kishida-shushou-to-kaidan/" in body
    assert "%E3" not in body


def test_the_entry_page_citations_are_readable(client, lavrov):
    response = client.get(lavrov.get_absolute_url())
    for citation in response.context["citations"]:
        assert "%" not in citation.text
        assert lavrov.get_absolute_url() in citation.text


def test_an_address_with_the_old_slug_redirects_permanently(client, lavrov):
    old = f"/entries/{lavrov.pk}/{quote('ラブロフ外相岸田首相と会談')}/"
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == lavrov.get_absolute_url()


def test_existing_slugs_in_other_scripts_are_romanized_by_the_migration(db, lavrov, make_entry):
    Entry.objects.filter(pk=lavrov.pk).update(slug="ラブロフ外相岸田首相と会談")
    taken = make_entry(title="Kept as it was")
    ROMANIZE.romanize_slugs(apps, None)
    lavrov.refresh_from_db()
    taken.refresh_from_db()
    assert lavrov.slug == "raburofu-gaishou-kishida-shushou-to-kaidan"
    assert taken.slug == "kept-as-it-was"
