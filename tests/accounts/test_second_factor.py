"""Staff accounts need a second factor: enrolment, sign-in with each factor, recovery
codes, throttling, and sessions (expiry after inactivity, ending them, a password change)."""

import re
from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from archive.accounts.middleware import IDLE_KEY
from archive.accounts.models import RecoveryCode, StaffSession
from tests.conftest import verified_login

pytestmark = pytest.mark.django_db
ADMIN = reverse("admin:index")
SETUP = reverse("accounts:setup")
VERIFY = reverse("accounts:verify")
PASSWORD = "correct horse battery"


def code_of(device: TOTPDevice) -> str:
    value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return f"{value:06d}"


def signed_in_with_password(client: Client, username: str = "editor") -> Client:
    response = client.post(reverse("admin:login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302  # the password is right
    return client


def test_a_password_alone_reaches_no_admin_page_and_is_led_to_set_up_a_second_factor(
    client, editor
):
    signed_in_with_password(client)
    response = client.get(reverse("admin:archive_entry_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(SETUP + "?next=")
    page = client.get(response["Location"]).content.decode()
    assert "<svg" in page and "Scan this code with the app" in page


def test_enrolment_confirms_the_app_with_a_code_and_shows_recovery_codes_once(client, editor):
    signed_in_with_password(client)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=editor, confirmed=False)
    wrong = client.post(SETUP, {"code": "000000"})
    assert "That code is not right" in wrong.content.decode()
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # guessing is slowed down from the first
    device.throttle_reset()  # a moment later
    response = client.post(SETUP, {"code": code_of(device), "next": ADMIN})
    page = response.content.decode()
    codes = re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", page)
    assert len(codes) == 10 and "shown only now" in page
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(ADMIN).status_code == 200  # the session is verified
    stored = "".join(RecoveryCode.objects.values_list("digest", flat=True))
    assert not any(code.replace("-", "") in stored for code in codes)  # kept hashed only


@pytest.fixture
def enrolled(editor):
    device = TOTPDevice.objects.create(user=editor, name="authenticator app", confirmed=True)
    return device


def test_sign_in_with_the_app_and_the_same_code_never_twice(client, editor, enrolled):
    signed_in_with_password(client)
    assert client.get(ADMIN)["Location"].startswith(VERIFY)
    code = code_of(enrolled)
    response = client.post(VERIFY, {"code": code, "next": ADMIN})
    assert response.status_code == 302 and response["Location"] == ADMIN
    assert client.get(ADMIN).status_code == 200
    replay = signed_in_with_password(Client())
    refused = replay.post(VERIFY, {"code": code})
    assert refused.status_code == 200 and "has been used already" in refused.content.decode()
    assert replay.get(ADMIN).status_code == 302
    (attempt,) = LogEntry.objects.filter(additional_data__refused__isnull=False)
    assert attempt.object_pk == str(editor.pk) and attempt.additional_data["refused"] == (
        "second factor: code refused"
    )


def test_a_code_for_another_account_is_refused(client, editor, enrolled):
    other = User.objects.create_user("other", password=PASSWORD, is_staff=True)
    other_device = TOTPDevice.objects.create(user=other, name="authenticator app")
    signed_in_with_password(client)
    client.post(VERIFY, {"code": code_of(other_device)})
    assert client.get(ADMIN).status_code == 302


def test_recovery_codes_work_once_each(client, editor, enrolled):
    verified_login(client, editor)
    page = client.post(reverse("accounts:recovery_codes")).content.decode()
    codes = re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", page)
    assert len(codes) == 10
    first = signed_in_with_password(Client())
    response = first.post(VERIFY, {"code": codes[0].upper(), "next": ADMIN}, follow=True)
    assert "You signed in with a recovery code: 9 left." in response.content.decode()
    again = signed_in_with_password(Client())
    again.post(VERIFY, {"code": codes[0]})
    assert again.get(ADMIN).status_code == 302


def test_guessing_is_slowed_down(client, editor, enrolled):
    signed_in_with_password(client)
    client.post(VERIFY, {"code": "123456"})
    client.post(VERIFY, {"code": code_of(enrolled)})  # right, but too soon after a guess
    assert client.get(ADMIN).status_code == 302
    enrolled.refresh_from_db()
    assert enrolled.throttling_failure_count >= 1


def test_an_unverified_staff_session_sees_the_public_site_as_a_visitor(
    client, editor, enrolled, make_entry
):
    draft = make_entry(title="Unreleased memo", status="draft")
    signed_in_with_password(client)
    assert client.get(draft.get_absolute_url()).status_code == 404
    client.post(VERIFY, {"code": code_of(enrolled)})
    assert client.get(draft.get_absolute_url()).status_code == 200


# Sessions ----------------------------------------------------------------------------------


def test_a_staff_session_ends_after_inactivity(editor_client, settings):
    assert editor_client.get(ADMIN).status_code == 200
    session = editor_client.session
    session[IDLE_KEY] -= settings.ARCHIVE_STAFF_IDLE_MINUTES * 60 + 1
    session.save()
    response = editor_client.get(ADMIN)
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]
    assert editor_client.get(ADMIN)["Location"].startswith(reverse("admin:login"))


def test_an_editor_sees_and_ends_their_other_sessions(editor, enrolled):
    laptop, phone = (
        verified_login(Client(HTTP_USER_AGENT="Laptop"), editor),
        verified_login(Client(HTTP_USER_AGENT="Phone"), editor),
    )
    assert laptop.get(ADMIN).status_code == 200 and phone.get(ADMIN).status_code == 200
    page = laptop.get(reverse("accounts:sessions")).content.decode()
    assert "Laptop" in page and "Phone" in page and "this session" in page
    phone_session = StaffSession.objects.get(user_agent="Phone")
    laptop.post(reverse("accounts:sessions"), {"end": str(phone_session.pk)})
    assert phone.get(ADMIN).status_code == 302  # signed out
    assert laptop.get(ADMIN).status_code == 200


def test_a_password_change_ends_every_other_session(editor, enrolled):
    here, elsewhere = verified_login(Client(), editor), verified_login(Client(), editor)
    assert elsewhere.get(ADMIN).status_code == 200
    response = here.post(
        reverse("admin:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a new long passphrase 42",
            "new_password2": "a new long passphrase 42",
        },
    )
    assert response.status_code == 302
    assert here.get(ADMIN).status_code == 200
    stale = elsewhere.get(ADMIN)  # its cookie is from before the change
    assert stale.status_code == 302 and reverse("admin:login") in stale["Location"]


def test_an_account_that_lost_its_second_factor_is_reset_by_a_command(editor, enrolled):
    session = verified_login(Client(), editor)
    assert session.get(ADMIN).status_code == 200
    out = StringIO()
    call_command("reset_second_factor", "editor", stdout=out)
    assert (
        "2 second-factor devices removed" in out.getvalue() or "1 second-factor" in out.getvalue()
    )
    assert session.get(ADMIN).status_code == 302  # its sessions ended
    again = signed_in_with_password(Client())
    assert again.get(ADMIN)["Location"].startswith(SETUP)


def test_the_development_server_may_relax_the_second_factor(client, editor, settings):
    settings.ARCHIVE_SECOND_FACTOR = "optional"
    signed_in_with_password(client)
    assert client.get(ADMIN).status_code == 200


def test_the_admin_never_shows_an_authenticator_key_again(superuser_client, editor, enrolled):
    url = reverse("admin:otp_totp_totpdevice_change", args=[enrolled.pk])
    page = superuser_client.get(url).content.decode()
    assert enrolled.key not in page and "qrcode" not in page.lower()
    listing = superuser_client.get(reverse("admin:otp_totp_totpdevice_changelist")).content
    assert enrolled.key.encode() not in listing
