"""The second factor after the password login (SYS-5): enrol a TOTP app, keep backup codes, verify.

The console guard sends a staff user whose session has not passed the second factor here; a
user without a confirmed device enrols (QR code and secret), sees ten backup codes once, and
is verified; a user with a device enters a code from the app or a backup code.
"""
from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_otp import login as otp_login

from lgwan_access.forms.second_factor import EnrolmentForm, TokenForm
from lgwan_access.guards import second_factor_passed, staff_second_factor_step
from lgwan_access.services.second_factor import (
    BACKUP_CODE_COUNT,
    second_factor_enrolled,
    second_factor_verify,
    totp_enrolment_confirm,
    totp_enrolment_device,
    totp_qr_svg,
    totp_secret_text,
)

BACKUP_CODES_SESSION_KEY = "staff_backup_codes"
NEXT_SESSION_KEY = "staff_second_factor_next"


def _next_url(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or request.session.get(NEXT_SESSION_KEY) or ""
    if candidate and url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()},
                                                     require_https=request.is_secure()):
        return candidate
    return "/staff/"


@staff_second_factor_step
def verify(request):
    if second_factor_passed(request):
        return redirect(_next_url(request))
    if not second_factor_enrolled(request.user):
        request.session[NEXT_SESSION_KEY] = _next_url(request)
        return redirect("lgwan_access:second_factor_enrol")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = second_factor_verify(request.user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            request.session.cycle_key()
            return redirect(_next_url(request))
        form.add_error("token", _("This code is not valid. Check the time on your phone, or use a backup code. "
                                  "After several wrong codes you must wait before trying again."))
    return render(request, "lgwan_access/second_factor/verify.html", {"form": form, "next": _next_url(request)})


@staff_second_factor_step
def enrol(request):
    if second_factor_passed(request):
        return redirect(_next_url(request))
    if second_factor_enrolled(request.user):
        return redirect("lgwan_access:second_factor")
    device = totp_enrolment_device(request.user)
    form = EnrolmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        confirmed = totp_enrolment_confirm(request.user, device.pk, form.cleaned_data["token"])
        if confirmed is not None:
            confirmed_device, codes = confirmed
            otp_login(request, confirmed_device)
            request.session.cycle_key()
            request.session[BACKUP_CODES_SESSION_KEY] = codes
            return redirect("lgwan_access:second_factor_backup_codes")
        form.add_error("token", _("This code is not valid. Check that the time on your phone is right and "
                                  "enter the code the app shows now."))
    return render(request, "lgwan_access/second_factor/enrol.html", {
        "form": form, "qr_svg": totp_qr_svg(device), "secret": totp_secret_text(device),
    })


@staff_second_factor_step
def backup_codes(request):
    """The backup codes, shown once: reloading the page shows them no more."""
    if not second_factor_passed(request):
        return redirect("lgwan_access:second_factor")
    codes = request.session.pop(BACKUP_CODES_SESSION_KEY, None)
    if not codes:
        messages.info(request, _("Backup codes are shown only once."))
        return redirect(_next_url(request))
    return render(request, "lgwan_access/second_factor/backup_codes.html", {
        "codes": codes, "count": BACKUP_CODE_COUNT, "next": _next_url(request),
    })
