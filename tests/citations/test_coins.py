"""Result lists carry COinS that reference managers read as a list of items."""

import datetime
from urllib.parse import parse_qs

import pytest
from lxml import html

from archive.models import Source

pytestmark = pytest.mark.django_db


def test_each_result_carries_its_openurl_context_object(client, empty_index, make_entry, committed):
    journal = Source.objects.create(name="Journal of Northern Studies", slug="jns")
    with committed():
        article = make_entry(
            title="Fisheries and the islands",
            body="Salmon fisheries.",
            authors="Ito, Ken\nPetrova, Anna",
            document_type="journal_article",
            source=journal,
            date=datetime.date(2019, 5, 1),
            date_precision="month",
        )
        make_entry(title="Salmon press release", body="Salmon.", document_type="press_release")
    page = html.fromstring(client.get("/", {"q": "salmon"}).content)
    spans = page.xpath("//li[contains(@class, 'result')]//span[@class='Z3988']")
    assert len(spans) == 2  # one per result, as Zotero's COinS translator lists them
    by_title = {}
    for span in spans:
        fields = parse_qs(span.get("title"))
        assert fields["ctx_ver"] == ["Z39.88-2004"]
        title = (fields.get("rft.atitle") or fields.get("rft.title"))[0]
        by_title[title] = fields
    journal_fields = by_title["Fisheries and the islands"]
    assert journal_fields["rft_val_fmt"] == ["info:ofi/fmt:kev:mtx:journal"]
    assert journal_fields["rft.jtitle"] == ["Journal of Northern Studies"]
    assert journal_fields["rft.au"] == ["Ito, Ken", "Petrova, Anna"]
    assert journal_fields["rft.date"] == ["2019-05"]
    assert journal_fields["rft_id"] == [f"http://testserver{article.get_absolute_url()}"]
    release = by_title["Salmon press release"]
    assert release["rft_val_fmt"] == ["info:ofi/fmt:kev:mtx:dc"]
    assert release["rft.type"] == ["Press release"]
