"""An editor working in the admin through a real browser."""

import pytest
from django.contrib.auth.models import User
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from archive.models import Entry

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "correct horse battery"


@pytest.fixture
def editor_account(seed):
    # The live server's tests flush the database, migration-made groups included, so the
    # browser signs in as a superuser; the Editors group is covered in
    # tests/web/admin/test_entries.py.
    user = User.objects.create_superuser("editor", password=PASSWORD)
    TOTPDevice.objects.create(user=user, name="authenticator app", confirmed=True)
    return user


def log_in(page, live_server):
    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    # The second factor: the code the editor's authenticator app shows now.
    device = TOTPDevice.objects.get(user__username="editor")
    page.get_by_label("Code").fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url(f"{live_server.url}/admin/")


def test_editor_logs_in_and_sees_the_entries_with_their_dates(
    page, live_server, editor_account, screenshot
):
    log_in(page, live_server)
    page.goto(f"{live_server.url}/admin/archive/entry/")
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 3
    table = page.locator("#result_list").inner_text()
    assert "22 November 2021" in table and "undated" in table
    assert "[Russia–Japan relations: areas of bilateral cooperation]" in table
    screenshot("admin-entry-changelist")


def test_editor_adds_an_entry_with_source_autocomplete(
    page, live_server, editor_account, screenshot
):
    log_in(page, live_server)
    page.goto(f"{live_server.url}/admin/archive/entry/add/")
    page.get_by_label("Title:").fill("Fisheries talks conclude")
    page.get_by_label("Date:", exact=True).fill("2018-03-02")
    page.get_by_label("Date precision:").select_option("day")
    page.locator("#id_body").fill("Negotiators agreed on salmon quotas for the season.")
    # The select2 autocomplete for the source: type, then pick the suggestion.
    page.locator("#id_source + .select2 .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill("Foreign")
    page.get_by_role("option", name="Ministry of Foreign Affairs of Japan").click()
    screenshot("admin-entry-form")
    page.locator("input[name=_save]").first.click()
    page.wait_for_selector(".messagelist")
    assert "was added successfully" in page.locator(".messagelist").inner_text()
    entry = Entry.objects.get(title="Fisheries talks conclude")
    assert entry.source.name == "Ministry of Foreign Affairs of Japan"
    assert entry.slug == "fisheries-talks-conclude"
