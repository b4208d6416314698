"""Every door of the admin, tried: each registered admin URL (not a sample) refuses an
anonymous request, a staff session without a verified second factor, and a POST without a
CSRF token; an editor without a permission is refused; the account pages likewise."""

import re

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import verified_login

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery"


def _walk(patterns, prefix=""):
    for pattern in patterns:
        route = str(pattern.pattern)
        if "(?P" in route:  # a regular expression: the app index, the catch-all
            route = route.strip("^$").replace("(?P<url>.*)", "no-such-page/")
            route = re.sub(r"\(\?P<\w+>([\w]+)[^)]*\)", r"\1", route)
        route = re.sub(r"<[^>]+>", "1", route)
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + route)
        elif isinstance(pattern, URLPattern):
            yield "/" + prefix + route


def admin_urls() -> list[str]:
    admin_root = next(
        pattern
        for pattern in get_resolver().url_patterns
        if str(pattern.pattern) == settings.ADMIN_URL
    )
    return sorted(set(_walk(admin_root.url_patterns, settings.ADMIN_URL)))


ADMIN_URLS = admin_urls()
SIGNING_IN = {reverse("admin:login"), reverse("admin:logout")}
ACCOUNT = reverse("accounts:setup").rsplit("two-factor/", 1)[0]


def test_the_doors_are_all_found():
    assert len(ADMIN_URLS) > 90
    assert not any("(" in url or "<" in url for url in ADMIN_URLS)
    assert reverse("admin:archive_entry_changelist") in ADMIN_URLS
    assert "/admin/archive/entry/1/originals/1/ocr/again/" in ADMIN_URLS


@pytest.fixture
def password_only(db):
    """A superuser signed in with the right password and no second factor."""
    User.objects.create_superuser("chief", password=PASSWORD)
    client = Client()
    assert (
        client.post(reverse("admin:login"), {"username": "chief", "password": PASSWORD}).status_code
        == 302
    )
    return client


def test_no_admin_url_answers_an_anonymous_request(client):
    for url in ADMIN_URLS:
        if url in SIGNING_IN:
            continue
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code in (302, 404, 405), (url, response.status_code)
            if response.status_code == 302:
                assert reverse("admin:login") in response["Location"], url


def test_no_admin_url_answers_a_session_without_a_second_factor(password_only):
    for url in ADMIN_URLS:
        if url in SIGNING_IN:
            continue
        for method in (password_only.get, password_only.post):
            response = method(url)
            assert response.status_code == 302, (url, response.status_code)
            assert response["Location"].startswith(ACCOUNT + "two-factor/"), url


def test_no_admin_url_takes_a_post_without_a_csrf_token(db):
    strict = Client(enforce_csrf_checks=True)
    verified_login(strict, User.objects.create_superuser("chief", password=PASSWORD))
    for url in ADMIN_URLS:
        assert strict.post(url).status_code == 403, url


def test_the_account_pages_need_a_staff_session_and_a_csrf_token(client, editor):
    pages = [reverse(name) for name in ("accounts:setup", "accounts:verify", "accounts:sessions")]
    for url in pages + [reverse("accounts:recovery_codes")]:
        response = client.post(url)
        assert response.status_code == 302 and reverse("admin:login") in response["Location"]
    strict = Client(enforce_csrf_checks=True)
    verified_login(strict, editor)
    for url in pages + [reverse("accounts:recovery_codes")]:
        assert strict.post(url, {"code": "123456"}).status_code == 403, url


@pytest.mark.parametrize(
    "name",
    [
        "admin:auth_user_changelist",
        "admin:auth_user_add",
        "admin:auth_group_changelist",
        "admin:archive_entry_delete",
        "admin:auditlog_logentry_delete",
        "admin:auditlog_logentry_change",
        "admin:auditlog_logentry_add",
    ],
)
def test_an_editor_without_the_permission_is_refused(editor_client, make_entry, name):
    entry = make_entry()
    args = [] if name.endswith(("_changelist", "_add")) else [entry.pk]
    response = editor_client.post(reverse(name, args=args))
    assert response.status_code in (403, 404), response.status_code
    if name != "admin:auditlog_logentry_change":  # editors read the record (never change it)
        assert editor_client.get(reverse(name, args=args)).status_code in (403, 404)


KIND = re.compile(r"^/admin/(\w+)/(\w+)/(?:(1)/)?(?:(add|change|delete|history|auditlog)/)?$")
NEEDS = {"add": "add", "delete": "delete", "change": "change", None: "change"}
APP_LABELS = {config.label for config in apps.get_app_configs()}


def test_every_admin_url_refuses_an_editor_without_its_permission(editor_client, editor):
    """Each model's pages: a POST needs the permission to add, change or delete (a GET
    of a list or an object, at least to view); the editor lacks several (users, groups,
    deleting anything, changing the record)."""
    refused = 0
    for url in ADMIN_URLS:
        found = KIND.match(url)
        if not found:
            continue
        app, model, _object, kind = found.groups()
        if kind in ("history", "auditlog") or app not in APP_LABELS:
            continue
        needed = f"{app}.{NEEDS[kind]}_{model}"
        viewing = {f"{app}.view_{model}", f"{app}.change_{model}"}
        if kind is not None and not editor.has_perm(needed):  # a list's POST is its actions
            assert editor_client.post(url).status_code in (403, 404), url
            refused += 1
        if kind != "add" and not any(editor.has_perm(name) for name in viewing):
            response = editor_client.get(url)
            if _object and kind is None:  # an object's bare address redirects to its page
                assert response.status_code == 302 and response["Location"] == url + "change/"
            else:
                assert response.status_code in (403, 404), url
    assert refused > 20
