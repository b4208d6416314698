"""Recovery codes (hashed, single use) and staff sessions."""

import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin

RECOVERY_CODES = 10
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read aloud and typed


def _digest(salt: str, code: str) -> str:
    normalised = code.replace("-", "").replace(" ", "").lower()
    return hashlib.sha256(f"{salt}:{normalised}".encode()).hexdigest()


class RecoveryCodeDevice(ThrottlingMixin, Device):
    """An account's recovery codes: each used once, kept as a salted SHA-256 (a code has
    50 bits of randomness, so a fast hash is enough and checking ten is instant).
    Guessing is throttled as TOTP is (django-otp's growing delays)."""

    class Meta:
        verbose_name = _("recovery codes")
        verbose_name_plural = _("recovery codes")

    def new_codes(self) -> list[str]:
        """Ten new codes (the old ones end), returned once: only their digests are kept."""
        codes = [
            "-".join("".join(secrets.choice(_ALPHABET) for _ in range(5)) for _ in range(2))
            for _ in range(RECOVERY_CODES)
        ]
        with transaction.atomic():
            self.codes.all().delete()
            RecoveryCode.objects.bulk_create(
                RecoveryCode(
                    device=self, salt=(salt := secrets.token_hex(8)), digest=_digest(salt, code)
                )
                for code in codes
            )
        return codes

    def verify_token(self, token) -> bool:
        allowed, _data = self.verify_is_allowed()
        if not allowed:
            return False
        token = str(token or "")
        with transaction.atomic():
            for code in self.codes.select_for_update().filter(used_at__isnull=True):
                if hmac.compare_digest(code.digest, _digest(code.salt, token)):
                    code.used_at = timezone.now()
                    code.save(update_fields=["used_at"])
                    self.throttle_reset()
                    return True
        self.throttle_increment()
        return False

    def get_throttle_factor(self):
        return settings.OTP_TOTP_THROTTLE_FACTOR

    @property
    def remaining(self) -> int:
        return self.codes.filter(used_at__isnull=True).count()


class RecoveryCode(models.Model):
    device = models.ForeignKey(RecoveryCodeDevice, on_delete=models.CASCADE, related_name="codes")
    salt = models.CharField(max_length=32)
    digest = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("recovery code")
        verbose_name_plural = _("recovery codes")

    def __str__(self):
        return f"{self.device.user} ({'used' if self.used_at else 'unused'})"


class StaffSession(models.Model):
    """A staff account's session: where it signed in, and when it was last seen. Ending
    it deletes the session from the store."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_sessions"
    )
    session_key = models.CharField(max_length=40, unique=True)
    address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("staff session")
        verbose_name_plural = _("staff sessions")
        ordering = ["-last_seen_at"]

    def __str__(self):
        return f"{self.user} @ {self.address or '?'}"
