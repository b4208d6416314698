"""The doors of staff sessions.

``SecondFactorRequired`` (after django-otp's ``OTPMiddleware``): a staff account whose
session has not been verified with a second factor reaches no admin page and no admin
action, whatever way it signed in (the admin's own login form only checks the password):
it is sent to verify its session, or to set up a second factor if it has none. Outside
the admin it is treated as a visitor (no drafts, no editors' downloads).
``ARCHIVE_SECOND_FACTOR=optional`` relaxes this for the development server only.

``StaffSessions``: a staff session ends after ``ARCHIVE_STAFF_IDLE_MINUTES`` without a
request, and each one is recorded (address, browser, last seen) so that its editor can
see and end the others.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from archive.accounts.models import StaffSession
from archive.accounts.second_factor import has_second_factor

IDLE_KEY = "staff_last_seen"
TOUCH_SECONDS = 60  # a session's "last seen" is written at most once a minute


def admin_prefix() -> str:
    return "/" + settings.ADMIN_URL.lstrip("/")


def account_prefix() -> str:
    return reverse("accounts:setup").rsplit("two-factor/", 1)[0]


def _exempt(path: str) -> bool:
    """The pages an unverified staff session may still open: signing in and out, and
    the second factor's own pages."""
    return path.startswith(account_prefix()) or path in (
        reverse("admin:login"),
        reverse("admin:logout"),
    )


class SecondFactorRequired:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and user.is_staff
            and settings.ARCHIVE_SECOND_FACTOR == "required"
            and not user.is_verified()
            and not _exempt(request.path)
        ):
            if request.path.startswith(admin_prefix()):
                target = "accounts:verify" if has_second_factor(user) else "accounts:setup"
                next_page = urlencode({"next": request.get_full_path()})
                return redirect(f"{reverse(target)}?{next_page}")
            request.user = AnonymousUser()  # the public site, as any visitor sees it
        return self.get_response(request)


def client_address(request) -> str | None:
    """The client's address: behind a trusted proxy (``ARCHIVE_BEHIND_PROXY``), the one the
    proxy saw (the last in X-Forwarded-For); otherwise the connection's. The rate limits
    and the record of changes both read it so."""
    if settings.ARCHIVE_BEHIND_PROXY:
        hops = [
            hop.strip()
            for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if hop.strip()
        ]
        if hops:
            return hops[-1]
    return request.META.get("REMOTE_ADDR") or None


class StaffSessions:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and user.is_staff:
            now = timezone.now().timestamp()
            last = request.session.get(IDLE_KEY)
            idle = settings.ARCHIVE_STAFF_IDLE_MINUTES * 60
            if last is not None and now - last > idle:
                StaffSession.objects.filter(session_key=request.session.session_key).delete()
                logout(request)
                return redirect(
                    f"{reverse('admin:login')}?{urlencode({'next': request.get_full_path()})}"
                )
            if last is None or now - last > TOUCH_SECONDS:
                request.session[IDLE_KEY] = now
                self._record(request)
        return self.get_response(request)

    def _record(self, request):
        if not request.session.session_key:
            request.session.save()
        StaffSession.objects.update_or_create(
            session_key=request.session.session_key,
            defaults={
                "user": request.user,
                "address": client_address(request),
                "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
                "last_seen_at": timezone.now(),
            },
        )
