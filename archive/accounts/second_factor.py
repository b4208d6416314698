"""A second factor for staff accounts: an authenticator app (TOTP, django-otp's device:
a code is accepted once, in its 30-second window or the next, guesses slowed down by
growing delays) and ten recovery codes (``RecoveryCodeDevice``: hashed, each used once)."""

from base64 import b32encode

import segno
from django.db import transaction
from django_otp import devices_for_user, match_token, user_has_device
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from archive.accounts.models import RecoveryCodeDevice

AUTHENTICATOR = "authenticator app"


def has_second_factor(user) -> bool:
    return user_has_device(user, confirmed=True)


def start_enrolment(user) -> TOTPDevice:
    """A new authenticator device waiting for its first code (one started earlier and
    never confirmed is replaced)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=AUTHENTICATOR, confirmed=False)


def pending_enrolment(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()


def qr_code_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// address as an inline SVG QR code (segno)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=4, border=2)


def secret_for_typing(device: TOTPDevice) -> str:
    """The key in base32, in groups of four, for typing into an app by hand."""
    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def confirm_enrolment(request, device: TOTPDevice, token: str) -> list[str] | None:
    """The device confirmed by its first code: the session is verified with it, the
    account's earlier authenticator removed, and ten recovery codes made (returned once).
    None if the code is wrong."""
    if not device.verify_token(token):
        return None
    with transaction.atomic():
        TOTPDevice.objects.filter(user=device.user, confirmed=True).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        recovery, _created = RecoveryCodeDevice.objects.get_or_create(
            user=device.user, defaults={"name": "recovery codes", "confirmed": True}
        )
        codes = recovery.new_codes()
    otp_login(request, device)
    return codes


def verify(request, token: str):
    """The session verified by a code of any of the user's devices; the device, or None."""
    device = match_token(request.user, token)
    if device is not None:
        otp_login(request, device)
    return device


def new_recovery_codes(user) -> list[str]:
    device, _created = RecoveryCodeDevice.objects.get_or_create(
        user=user, defaults={"name": "recovery codes", "confirmed": True}
    )
    return device.new_codes()


def recovery_codes_left(user) -> int:
    device = RecoveryCodeDevice.objects.filter(user=user).first()
    return device.remaining if device else 0


def remove_second_factor(user) -> int:
    """Every device of the account (a superuser's recovery of a locked-out editor): the
    account must set one up again at its next sign-in. Returns how many were removed."""
    removed = 0
    for device in devices_for_user(user, confirmed=None):
        device.delete()
        removed += 1
    return removed
