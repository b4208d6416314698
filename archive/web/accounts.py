"""Editors' own account pages: setting up a second factor, verifying a session with
it, recovery codes, and their sessions. Reachable by a staff account whose session is
not yet verified (archive/accounts/middleware.py lets these through, and nothing else)."""

from django import forms
from django.contrib import messages
from django.contrib.admin import site as admin_site
from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from archive.accounts import second_factor
from archive.accounts import sessions as staff_sessions
from archive.accounts.models import StaffSession
from archive.audit import record_refusal


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
    )


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or reverse("admin:index")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return reverse("admin:index")
    return target


def _page(request, template, title, **context):
    return render(
        request,
        template,
        {**admin_site.each_context(request), "title": title, "next": _next(request), **context},
    )


@staff_member_required
def setup(request):
    """Set up an authenticator app: a QR code (and its key, to type), confirmed by the
    first code it shows; then the recovery codes, shown this once."""
    device = second_factor.pending_enrolment(request.user) or second_factor.start_enrolment(
        request.user
    )
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = second_factor.confirm_enrolment(request, device, form.cleaned_data["code"])
        if codes is not None:
            return _page(
                request,
                "accounts/recovery_codes.html",
                gettext("Your recovery codes"),
                codes=codes,
                enrolled=True,
            )
        record_refusal(request.user, "second factor set-up: wrong code", request)
        form.add_error(
            "code", gettext("That code is not right (or has been used): try the next one.")
        )
    return _page(
        request,
        "accounts/setup.html",
        gettext("Set up a second factor"),
        form=form,
        qr_code=mark_safe(second_factor.qr_code_svg(device)),  # segno's SVG of our own address
        secret=second_factor.secret_for_typing(device),
        replacing=second_factor.has_second_factor(request.user),
    )


@staff_member_required
def verify(request):
    """A code from the authenticator app, or a recovery code, verifies this session."""
    if not second_factor.has_second_factor(request.user):
        return redirect(f"{reverse('accounts:setup')}?next={_next(request)}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = second_factor.verify(request, form.cleaned_data["code"].strip())
        if device is not None:
            if device.name == "recovery codes":
                left = second_factor.recovery_codes_left(request.user)
                messages.warning(
                    request,
                    gettext("You signed in with a recovery code: %(left)d left.") % {"left": left},
                )
            return HttpResponseRedirect(_next(request))
        record_refusal(request.user, "second factor: code refused", request)
        form.add_error(
            "code",
            gettext(
                "That code is not right, has been used already, or came too soon after a "
                "wrong one: wait a moment and try the next code."
            ),
        )
    return _page(request, "accounts/verify.html", gettext("Verify it is you"), form=form)


@staff_member_required
@require_POST
def new_recovery_codes(request):
    if not request.user.is_verified():
        return redirect(reverse("accounts:verify"))
    codes = second_factor.new_recovery_codes(request.user)
    return _page(
        request, "accounts/recovery_codes.html", gettext("Your recovery codes"), codes=codes
    )


@staff_member_required
def sessions(request):
    """This account's sessions: where and when each was last used; end any other."""
    if not request.user.is_verified():
        return redirect(f"{reverse('accounts:verify')}?next={request.path}")
    if request.method == "POST":
        ending = request.POST.getlist("end")
        current = request.session.session_key
        targets = StaffSession.objects.filter(user=request.user).exclude(session_key=current)
        if "others" not in ending:
            targets = targets.filter(pk__in=[value for value in ending if value.isdigit()])
        count = staff_sessions.end(targets)
        messages.success(request, gettext("%(count)d sessions ended.") % {"count": count})
        return redirect(reverse("accounts:sessions"))
    return _page(
        request,
        "accounts/sessions.html",
        gettext("Your sessions"),
        sessions=staff_sessions.live(request.user),
        current=request.session.session_key,
        recovery_left=second_factor.recovery_codes_left(request.user),
    )
