"""From a file to a draft entry: originals stored once and never lost to another entry,
the admin flow, the bulk command, downloads, and every kind of bad input."""

import html
import io
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.core.handlers.wsgi import WSGIRequest
from django.core.management import CommandError, call_command
from django.urls import reverse

from archive import search
from archive.capture import originals, services
from archive.capture.models import EntryOriginal, OriginalFile
from archive.capture.said import shown
from archive.models import Entry, Status
from tests.capture.conftest import (
    FIXTURES,
    bomb_pdf,
    encrypted_pdf,
    fixture_bytes,
    image_only_pdf,
    stored_files,
)

pytestmark = pytest.mark.django_db
CAPTURE_URL = reverse("admin:archive_entry_capture")


def capture_bytes(data: bytes, name: str, **kwargs):
    return services.capture(io.BytesIO(data), name, **kwargs)


# Storage ---------------------------------------------------------------------------------


def test_a_capture_makes_a_draft_and_keeps_the_original(originals_dir):
    result = capture_bytes(fixture_bytes("exchange-en.html"), "exchange-en.html")
    entry = result.entry
    assert result.created and entry.status == Status.DRAFT
    assert entry.title == "Sapporo and Yuzhno-Sakhalinsk renew their student exchange"
    assert entry.partial_date.iso() == "2021-11-22"
    assert entry.author_list == ["Tanaka, Aiko"]  # as the form asks: "Family, Given"
    assert entry.original_url == "https://ledger.example.org/2021/11/22/student-exchange"
    assert entry.language == "en"
    link = entry.originals.get()
    assert link.filename == "exchange-en.html" and not link.public
    original = link.file
    assert original.content_type == "text/html"
    assert original.size == len(fixture_bytes("exchange-en.html"))
    (stored,) = stored_files(originals_dir)
    assert stored.name == original.sha256 and stored.read_bytes() == fixture_bytes(
        "exchange-en.html"
    )
    assert shown(link.extraction["fields"]["title"]["source"]) == "the page's meta tag og:title"


def test_the_same_file_twice_is_one_entry_and_one_stored_file(originals_dir):
    first = capture_bytes(fixture_bytes("note-en.txt"), "note-en.txt")
    again = capture_bytes(fixture_bytes("note-en.txt"), "renamed.txt")
    assert again.already == first.entry and not again.created
    assert Entry.objects.count() == 1 and OriginalFile.objects.count() == 1
    assert len(stored_files(originals_dir)) == 1


def test_a_file_shared_by_two_entries_stays_until_neither_uses_it(
    originals_dir, make_entry, django_capture_on_commit_callbacks
):
    first = capture_bytes(fixture_bytes("note-en.txt"), "note-en.txt").entry
    other = make_entry(title="Another entry", status=Status.DRAFT)
    services.attach(other, io.BytesIO(fixture_bytes("note-en.txt")), "copy.txt")
    assert OriginalFile.objects.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        first.delete()  # its link goes with it; the other entry's stays
    assert OriginalFile.objects.count() == 1 and len(stored_files(originals_dir)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        other.originals.get().delete()
    assert OriginalFile.objects.count() == 0 and stored_files(originals_dir) == []


def test_a_failed_capture_leaves_no_file_behind(originals_dir, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(EntryOriginal.objects, "create", fail)
    with pytest.raises(RuntimeError):
        capture_bytes(fixture_bytes("note-en.txt"), "note-en.txt")
    assert Entry.objects.count() == 0 and OriginalFile.objects.count() == 0
    assert stored_files(originals_dir) == []


def test_a_file_left_half_written_is_replaced(originals_dir):
    data = fixture_bytes("note-en.txt")
    import hashlib

    from archive.capture.models import storage_name

    digest = hashlib.sha256(data).hexdigest()
    partial = originals_dir / storage_name(digest)
    partial.parent.mkdir(parents=True)
    partial.write_bytes(data[:10])  # what a process killed while writing leaves
    capture_bytes(data, "note-en.txt")
    assert partial.read_bytes() == data


# Bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "name", "reason"),
    [
        (lambda: b"", "empty.html", "the file is empty"),
        (lambda: fixture_bytes("exchange-en.pdf")[:5000], "cut.pdf", "damaged or incomplete"),
        (encrypted_pdf, "secret.pdf", "encrypted"),
        (image_only_pdf, "scan.pdf", "OCR found no text on any page"),
        (bomb_pdf, "bomb.pdf", "decompression bomb"),
        (lambda: fixture_bytes("exchange-en.pdf"), "page.html", "name says HTML"),
        (lambda: b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "scan.png", "image is damaged"),
        (lambda: b"PK\x03\x04" + b"\x00" * 100, "bundle.zip", "not a web page, a PDF"),
    ],
)
def test_bad_files_are_refused_with_their_name_and_reason(originals_dir, make, name, reason):
    with pytest.raises(services.CaptureFailed) as failure:
        capture_bytes(make(), name)
    assert str(failure.value).startswith(f"{name}: ")
    assert reason in failure.value.reason
    assert Entry.objects.count() == 0 and OriginalFile.objects.count() == 0
    assert stored_files(originals_dir) == []


def test_a_file_over_the_limit_is_refused_as_it_arrives(settings, originals_dir):
    settings.ARCHIVE_CAPTURE_MAX_BYTES = 100_000

    class Endless(io.RawIOBase):
        """500 MB that nobody should read to the end."""

        read_so_far = 0

        def readable(self):
            return True

        def readinto(self, buffer):
            self.read_so_far += len(buffer)
            buffer[:] = b"a" * len(buffer)
            return len(buffer)

    stream = Endless()
    with pytest.raises(services.CaptureFailed, match="larger than the limit of 97.7"):
        services.capture(io.BufferedReader(stream), "huge.txt")
    assert stream.read_so_far < 3_000_000  # stopped at the limit, not at 500 MB
    assert Entry.objects.count() == 0 and stored_files(originals_dir) == []


# The admin -------------------------------------------------------------------------------


def upload(name: str, data: bytes | None = None):
    return SimpleUploadedFile(name, data if data is not None else fixture_bytes(name))


def test_add_from_file_makes_a_draft_and_shows_what_was_found(editor_client):
    listing = editor_client.get(reverse("admin:archive_entry_changelist")).content.decode()
    assert f'href="{CAPTURE_URL}"' in listing and "Add from file" in listing
    response = editor_client.post(CAPTURE_URL, {"file": upload("kuril-ru.html")}, follow=True)
    entry = Entry.objects.get()
    assert response.redirect_chain[-1][0] == reverse("admin:archive_entry_change", args=[entry.pk])
    assert entry.status == Status.DRAFT and entry.language == "ru"
    page = response.content.decode()
    assert "A draft entry was made from “kuril-ru.html”" in page
    assert "What was found in “kuril-ru.html”" in page
    assert "the page&#x27;s meta tag og:title" in page or "the page's meta tag og:title" in page
    assert "Re-extract and compare with this entry" in page


def test_the_same_file_or_text_is_flagged(editor_client):
    editor_client.post(CAPTURE_URL, {"file": upload("note-en.txt")})
    again = editor_client.post(CAPTURE_URL, {"file": upload("note-en.txt")}, follow=True)
    assert "This file is already in the archive" in again.content.decode()
    same_text = fixture_bytes("note-en.txt") + b"\n"  # another file, the same text
    third = editor_client.post(
        CAPTURE_URL, {"file": upload("note-copy.txt", same_text)}, follow=True
    )
    assert "The same text or address is already in entry" in third.content.decode()
    assert Entry.objects.count() == 2


def test_a_bad_upload_is_explained_on_the_form(editor_client, originals_dir):
    response = editor_client.post(CAPTURE_URL, {"file": upload("secret.pdf", encrypted_pdf())})
    assert response.status_code == 200
    assert "secret.pdf: the PDF is encrypted" in response.content.decode()
    assert Entry.objects.count() == 0 and stored_files(originals_dir) == []


def test_an_upload_announced_over_the_limit_stops_at_its_file(settings):
    """A browser announces 500 MB: the form's fields before the file are read, the file
    is not (the client's test stream cannot announce more than it has, so a request is
    made by hand)."""
    settings.ARCHIVE_CAPTURE_MAX_BYTES = 50 * 1024 * 1024
    boundary = "BoUnDaRy"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n'
        f"token\r\n--{boundary}\r\n"
        'Content-Disposition: form-data; name="file"; filename="huge.html"\r\n'
        "Content-Type: text/html\r\n\r\n"
    ).encode()

    class Announced(io.RawIOBase):
        read_so_far = 0

        def readable(self):
            return True

        def readinto(self, buffer):
            start, self.read_so_far = self.read_so_far, self.read_so_far + len(buffer)
            chunk = (
                (head + b"a" * len(buffer))[start : start + len(buffer)]
                if start < len(head)
                else b"a" * len(buffer)
            )
            buffer[: len(chunk)] = chunk
            return len(chunk)

    stream = Announced()
    request = WSGIRequest(
        {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": CAPTURE_URL,
            "SERVER_NAME": "testserver",
            "SERVER_PORT": "80",
            "wsgi.url_scheme": "http",
            "CONTENT_TYPE": f"multipart/form-data; boundary={boundary}",
            "CONTENT_LENGTH": str(500 * 1024 * 1024),
            "wsgi.input": io.BufferedReader(stream),
        }
    )
    assert request.POST["csrfmiddlewaretoken"] == "token"  # the form's fields are read
    assert "file" not in request.FILES
    refused_name, reason = request.upload_refused
    assert refused_name == "huge.html" and reason.startswith("the file is larger than the limit")
    assert stream.read_so_far < 1024 * 1024  # not the 500 MB


def test_a_file_over_the_limit_is_named_in_the_refusal(editor_client, settings):
    settings.ARCHIVE_CAPTURE_MAX_BYTES = 100_000
    response = editor_client.post(CAPTURE_URL, {"file": upload("big.txt", b"word " * 40_000)})
    assert "big.txt: the file is larger than the limit" in response.content.decode()
    assert Entry.objects.count() == 0


def test_a_file_attached_on_the_form_is_kept_without_touching_the_text(editor_client, make_entry):
    entry = make_entry(title="Hand-typed", body="The editors' own text.", status=Status.DRAFT)
    url = reverse("admin:archive_entry_change", args=[entry.pk])
    form = editor_client.get(url).context["adminform"].form
    data = {
        key: value
        for key, value in form.initial.items()
        if value is not None and not isinstance(value, list)
    }
    data.update(
        {
            "title": entry.title,
            "body": entry.body,
            "language": "en",
            "status": "draft",
            "date_precision": "undated",
            "document_type": entry.document_type,
            "attach": upload("exchange-en.pdf"),
            "identifiers-TOTAL_FORMS": "0",
            "identifiers-INITIAL_FORMS": "0",
            "originals-TOTAL_FORMS": "0",
            "originals-INITIAL_FORMS": "0",
        }
    )
    response = editor_client.post(url, data, follow=True)
    assert "Attached “exchange-en.pdf”" in response.content.decode()
    entry.refresh_from_db()
    assert entry.body == "The editors' own text."
    assert entry.originals.get().file.content_type == "application/pdf"


def test_reextracting_changes_only_what_the_editor_accepts(editor_client):
    editor_client.post(CAPTURE_URL, {"file": upload("exchange-en.html")})
    entry = Entry.objects.get()
    link = entry.originals.get()
    url = reverse("admin:archive_entry_reextract", args=[entry.pk, link.pk])
    entry.body = entry.body.replace("\n", "\r\n")  # as a browser's form sends it back
    entry.save()
    unchanged = editor_client.get(url)
    assert unchanged.context["differences"] == []  # line ends are no difference
    entry.title = "A curated title"
    entry.body = "Curated text."
    entry.save()
    page = editor_client.get(url).content.decode()
    assert "A curated title" in page and "Sapporo and Yuzhno-Sakhalinsk renew" in page
    entry.refresh_from_db()
    assert entry.title == "A curated title"  # looking changed nothing
    editor_client.post(url, {"accept": ["title"]})
    entry.refresh_from_db()
    assert entry.title == "Sapporo and Yuzhno-Sakhalinsk renew their student exchange"
    assert entry.body == "Curated text."  # not accepted, not touched


def test_editors_may_remove_an_original_but_not_delete_entries(editor_client, editor):
    editor_client.post(CAPTURE_URL, {"file": upload("note-en.txt")})
    assert editor.has_perm("archive.delete_entryoriginal")
    assert editor.has_perm("archive.add_entryoriginal")
    assert not editor.has_perm("archive.delete_entry")


# Downloads -------------------------------------------------------------------------------


def test_an_original_is_offered_only_when_marked_downloadable(editor_client):
    from django.test import Client

    client = Client()  # a reader, not signed in
    editor_client.post(CAPTURE_URL, {"file": upload("exchange-en.html")})
    entry = Entry.objects.get()
    entry.status = Status.PUBLISHED
    entry.save()
    link = entry.originals.get()
    url = reverse("archive:original", args=[entry.pk, link.file.sha256])
    assert client.get(url).status_code == 404
    assert "The original document" not in client.get(entry.get_absolute_url()).content.decode()
    link.public = True
    link.save()
    assert url in client.get(entry.get_absolute_url()).content.decode()
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="exchange-en.html"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("sandbox")
    assert b"".join(response.streaming_content) == fixture_bytes("exchange-en.html")


def test_editors_download_any_original_from_the_admin(editor_client):
    editor_client.post(CAPTURE_URL, {"file": upload("note-en.txt")})
    entry = Entry.objects.get()
    link = entry.originals.get()
    url = reverse("admin:archive_entry_original_download", args=[entry.pk, link.pk])
    response = editor_client.get(url)
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]


def test_captured_pdf_text_is_searchable_once_published(empty_index, committed):
    with committed():
        entry = capture_bytes(fixture_bytes("kuril-ru.pdf"), "kuril-ru.pdf").entry
    assert search.search(search.SearchRequest(query="безвизовых")).total == 0  # a draft
    with committed():
        entry.status = Status.PUBLISHED
        entry.save()
    assert search.search(search.SearchRequest(query="безвизовых")).total == 1


# The bulk command ------------------------------------------------------------------------


@pytest.fixture
def folder(tmp_path):
    target = tmp_path / "captures"
    target.mkdir()
    for name in ("exchange-en.html", "kuril-ru.pdf", "note-en.txt"):
        (target / name).write_bytes(fixture_bytes(name))
    return target


def run_capture(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("capture", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_capture_makes_drafts_from_a_folder_and_is_idempotent(folder):
    out, _ = run_capture(str(folder))
    assert "Made 3, already captured 0, failed 0." in out
    assert Entry.objects.filter(status=Status.DRAFT).count() == 3
    out, _ = run_capture(str(folder))
    assert "Made 0, already captured 3, failed 0." in out
    assert "already captured as entry #" in out
    assert Entry.objects.count() == 3


def test_capture_dry_run_changes_nothing(folder, originals_dir):
    out, _ = run_capture("--dry-run", str(folder))
    assert "Would make 3, already captured 0, failed 0." in out
    assert "would make a draft “Sapporo and Yuzhno-Sakhalinsk renew" in out
    assert Entry.objects.count() == 0 and stored_files(originals_dir) == []


def test_capture_reports_each_failure_and_captures_the_rest(folder):
    (folder / "empty.html").write_bytes(b"")
    (folder / "scan.pdf").write_bytes(image_only_pdf())
    with pytest.raises(CommandError, match="2 files could not be captured"):
        run_capture(str(folder))
    assert Entry.objects.count() == 3


def test_capture_names_a_missing_path():
    with pytest.raises(CommandError, match="no-such-folder: no such file or folder"):
        run_capture(str(FIXTURES / "no-such-folder"))


def test_originals_go_to_an_s3_compatible_store_by_settings_alone(settings):
    from storages.backends.s3 import S3Storage

    from archive.capture.originals import originals_storage

    settings.STORAGES = {
        **settings.STORAGES,
        "originals": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {"bucket_name": "rj-originals", "endpoint_url": "http://127.0.0.1:9"},
        },
    }
    storage = originals_storage()
    assert isinstance(storage, S3Storage) and storage.bucket_name == "rj-originals"


def test_accepting_a_reextraction_reads_the_file_once(editor_client, monkeypatch):
    editor_client.post(CAPTURE_URL, {"file": upload("exchange-en.html")})
    entry = Entry.objects.get()
    link = entry.originals.get()
    entry.title = "A curated title"
    entry.save()
    extracted = []
    real_extract = services.extract

    def counted(path, content_type):
        extracted.append(path)
        return real_extract(path, content_type)

    monkeypatch.setattr(services, "extract", counted)
    url = reverse("admin:archive_entry_reextract", args=[entry.pk, link.pk])
    assert "A curated title" in editor_client.get(url).content.decode()
    editor_client.post(url, {"accept": ["title"]})
    entry.refresh_from_db()
    assert entry.title == "Sapporo and Yuzhno-Sakhalinsk renew their student exchange"
    assert len(extracted) == 1  # the page's extraction was kept for its form


def test_an_attached_upload_is_received_once_where_django_wrote_it(tmp_path, settings):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    upload = TemporaryUploadedFile("note.txt", "text/plain", 0, "utf-8")
    upload.write(fixture_bytes("note-en.txt"))
    upload.flush()
    received = originals.receive(upload, "note.txt")
    assert received.path == Path(upload.temporary_file_path())  # hashed in place, no copy
    assert sorted(tmp_path.iterdir()) == [received.path]
    received.discard()
    assert received.path.exists()  # Django removes its own file at the request's end
    upload.close()


def test_the_capture_reports_date_is_written_as_the_interface_writes_dates(db):
    from django.utils import translation

    link = EntryOriginal(
        extraction={"fields": {"date": {"value": ["2021-11-22", "day"], "source": "x"}}}
    )
    with translation.override("ja"):
        [(label, shown, _source)] = link.report_rows()
    assert shown == "2021年11月22日"  # never "(日)", which reads as "Sunday"
    with translation.override("en"):
        assert link.report_rows()[0][1] == "22 November 2021"


def test_several_files_dropped_at_once_make_a_draft_each(editor_client, originals_dir):
    files = [upload("note-en.txt"), upload("exchange-en.html"), upload("secret.pdf", b"%PDF-")]
    response = editor_client.post(CAPTURE_URL, {"file": files}, follow=True)
    page = response.content.decode()
    assert response.status_code == 200
    assert Entry.objects.filter(status="draft").count() == 2  # the broken PDF made none
    assert "2 draft entries were made" in page
    assert "secret.pdf: the pdf is damaged" in page.lower()  # its failure is named
    assert response.redirect_chain[-1][0].endswith("?status__exact=draft")


def test_the_capture_form_takes_several_files(editor_client):
    page = editor_client.get(CAPTURE_URL).content.decode()
    assert 'type="file"' in page and "multiple" in page


def test_the_source_plus_opens_a_form_filled_in_with_the_site_capture_found(editor_client):
    editor_client.post(CAPTURE_URL, {"file": upload("exchange-en.html")})
    entry = Entry.objects.get()
    assert entry.source is None
    form = editor_client.get(reverse("admin:archive_entry_change", args=[entry.pk]))
    add = re.search(
        r'id="add_id_source"\s+data-popup="yes"\s+href="([^"]+)"', form.content.decode()
    )
    href = html.unescape(add.group(1))
    assert "name_en=Northern+Ledger" in href and "_popup=1" in href
    assert "url=https%3A%2F%2Fledger.example.org%2F" in href
    page = editor_client.get(href).content.decode()
    assert 'value="Northern Ledger"' in page and 'value="https://ledger.example.org/"' in page


def test_a_capture_that_finds_no_date_or_type_leaves_them_for_the_editor_to_state(
    editor_client,
):
    """Nothing found is not "undated" or "Other" stated: publishing will ask (#31, 4)."""
    editor_client.post(
        CAPTURE_URL, {"file": upload("note.txt", b"A few words about a ferry to Sakhalin.")}
    )
    entry = Entry.objects.get()
    assert (entry.date_precision, entry.document_type) == ("", "")
    assert entry.publication_problems() == [
        "no source",
        "no document type chosen",
        "no date, and “Undated” not chosen",
    ]


def test_the_report_speaks_the_readers_language_not_the_capturers(editor_client):
    """#31, 15: captured by an editor reading English, read by one reading Russian."""
    from django.utils import translation

    editor_client.post(
        CAPTURE_URL,
        {"file": upload("note.txt", "Заметка о пароме\nТекст заметки о пароме.".encode("cp1251"))},
    )
    link = EntryOriginal.objects.get()
    with translation.override("en"):
        assert ("title", "Заметка о пароме", "the text's first line") in link.report_rows()
        assert link.report_notes() == ["Read as cp1251 (detected by charset-normalizer)."]
    with translation.override("ru"):
        assert ("заглавие", "Заметка о пароме", "первая строка текста") in link.report_rows()
        assert link.report_notes() == ["Прочитан как cp1251 (определено charset-normalizer)."]
    url = reverse("admin:archive_entry_change", args=[link.entry_id])
    page = editor_client.get(url, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "первая строка текста" in page


def test_a_report_kept_before_reports_spoke_every_language_is_shown_as_written(db):
    link = EntryOriginal(
        extraction={
            "fields": {"title": {"value": "Kept", "source": "the text's first line"}},
            "notes": ["An old note."],
        }
    )
    assert link.report_rows() == [("title", "Kept", "the text's first line")]
    assert link.report_notes() == ["An old note."]
