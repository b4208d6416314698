"""Security: hostile content never runs, drafts never leak, logins are guarded, and the
production configuration passes Django's deployment checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from archive.models import Status
from tests.conftest import verified_login

ROOT = Path(__file__).resolve().parents[2]
HOSTILE_TITLE = '<img src=x onerror="alert(1)">Kuril <script>alert(2)</script>'
HOSTILE_BODY = (
    'Kuril islands <script>alert("body")</script> <a href="javascript:alert(3)">link</a> '
    "<svg onload=alert(4)> talks"
)
RAW_MARKUP = ("<script>alert", "<img src=x", "<svg onload", 'href="javascript:')


@pytest.fixture
def hostile(make_entry, committed, empty_index):
    with committed():
        return make_entry(title=HOSTILE_TITLE, body=HOSTILE_BODY, summary="<b>bold</b> summary")


def assert_inert(content: str):
    for markup in RAW_MARKUP:
        assert markup not in content, markup


def test_hostile_entries_are_inert_on_every_page(client, superuser_client, hostile):
    pages = [
        client.get("/", {"q": "kuril"}),
        client.get("/", {"q": "kuril"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="search-body"),
        client.get(hostile.get_absolute_url(), {"q": "kuril"}),
        client.get(reverse("archive:version", args=[hostile.pk, 1])),
        client.get("/sitemap.xml"),
        superuser_client.get(reverse("admin:archive_entry_changelist")),
        superuser_client.get(reverse("admin:archive_entry_change", args=[hostile.pk])),
    ]
    for response in pages:
        assert response.status_code == 200
        assert_inert(response.content.decode())


def test_hostile_entries_are_inert_in_the_api_and_citations(client, hostile):
    result = client.get("/api/search/", {"q": "kuril"}).json()["results"][0]
    assert_inert(result["snippet_html"])
    assert "&lt;script&gt;" in result["snippet_html"]
    assert result["title"] == HOSTILE_TITLE  # JSON carries data; pages escape it
    for fmt in ("bib", "ris", "json"):
        response = client.get(f"/entries/{hostile.pk}/cite.{fmt}")
        assert response["Content-Type"].split(";")[0] != "text/html"


def test_json_ld_cannot_close_its_script_element(client, make_entry, committed, empty_index):
    with committed():
        entry = make_entry(title="</script><script>alert(1)</script>")
    page = client.get(entry.get_absolute_url()).content.decode()
    assert "</script><script>alert(1)" not in page
    assert "\\u003C/script\\u003E" in page


def test_every_page_sends_a_content_security_policy(client, indexed_seed):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "object-src 'none'" in policy
    assert "unsafe-eval" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_forms_require_a_csrf_token(superuser_client, db):
    strict = Client(enforce_csrf_checks=True)
    verified_login(strict, User.objects.get(username="chief"))
    response = strict.post(reverse("admin:archive_topic_add"), {"name": "X", "slug": "x"})
    assert response.status_code == 403


def test_visitors_never_see_debug_pages(client, db):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "Traceback" not in response.content.decode()
    assert "URLconf" not in response.content.decode()


def test_drafts_never_leak(client, make_entry, committed, indexed_seed):
    with committed():
        draft = make_entry(
            title="Secret Habomai memorandum", body="Zhemchuzhny", status=Status.DRAFT
        )
    assert client.get("/", {"q": "Habomai"}).context["page"].total == 0
    assert client.get("/api/search/", {"q": "Zhemchuzhny"}).json()["total"] == 0
    assert client.get("/api/search/", {"q": "Zhemchuzhni"}).json()["suggestion"] is None
    counts = client.get("/api/search/").json()
    assert counts["total"] == 3
    assert sum(value["count"] for value in counts["facets"]["language"]) == 3
    assert client.get(f"/api/entries/{draft.pk}/").status_code == 404
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(f"/entries/{draft.pk}/cite.bib").status_code == 404
    assert "Habomai" not in client.get("/sitemap.xml").content.decode()
    assert client.get("/cite.bib", {"q": "Habomai"}).content.decode().strip() == ""


def test_repeated_wrong_passwords_lock_the_admin_login(client, db):
    User.objects.create_superuser("chief", password="correct horse battery")
    url = reverse("admin:login")
    statuses = [
        client.post(url, {"username": "chief", "password": "wrong"}).status_code for _ in range(5)
    ]
    assert statuses == [200, 200, 200, 200, 429]  # the fifth failure locks the account
    locked = client.post(url, {"username": "chief", "password": "correct horse battery"})
    assert locked.status_code == 429
    assert "Too many failed sign-in attempts" in locked.content.decode()


def test_health_reports_database_and_index(client, indexed_seed):
    data = client.get("/healthz").json()
    assert data == {
        "status": "ok",
        "database": "ok",
        "index": "ok",
        "indexed_entries": 3,
        "pending_index_updates": 0,
        "index_position": data["change_log_head"],  # every change applied
        "change_log_head": data["change_log_head"],
        "index_lag_seconds": 0.0,
    }


def test_health_fails_without_an_index(client, db):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["index"].startswith("unavailable")


def manage(*args, **env):
    # The browser tests' DJANGO_ALLOW_ASYNC_UNSAFE must not reach a "deployment".
    environment = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deployment_checks(tmp_path):
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        PRODUCTION="true",
        DEBUG="false",
        SECRET_KEY="k" * 20 + "-production-secret-0123456789-abcdefghij",
        ALLOWED_HOSTS="archive.example.org",
        ARCHIVE_DATA_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = manage("check", PRODUCTION="true", SECRET_KEY="", ARCHIVE_DATA_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_the_admin_address_is_configurable(tmp_path):
    code = "from django.urls import reverse; print(reverse('admin:index'))"
    result = manage(
        "shell",
        "-v0",
        "-c",
        code,
        ARCHIVE_ADMIN_URL="backstage-7f3a",
        ARCHIVE_DATA_DIR=str(tmp_path),
    )
    assert result.stdout.strip() == "/backstage-7f3a/"


def test_production_refuses_to_start_without_a_second_factor_for_staff(tmp_path):
    environment = {
        "PRODUCTION": "true",
        "DEBUG": "false",
        "SECRET_KEY": "k" * 20 + "-production-secret-0123456789-abcdefghij",
        "ALLOWED_HOSTS": "archive.example.org",
        "ARCHIVE_DATA_DIR": str(tmp_path),
    }
    relaxed = manage("check", ARCHIVE_SECOND_FACTOR="optional", **environment)
    assert relaxed.returncode != 0
    assert "ARCHIVE_SECOND_FACTOR=optional is for the development server only" in relaxed.stderr
    development = manage(
        "check", ARCHIVE_SECOND_FACTOR="optional", DEBUG="true", ARCHIVE_DATA_DIR=str(tmp_path)
    )
    assert development.returncode == 0, development.stderr
