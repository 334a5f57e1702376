"""The citizen site's front door: the start page, logging in with the notice, logging out."""
from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from booking.errors import ClientRefusedError, LoginFailedError, NoticeLockedError, NoticeNumberFormatError
from booking.selectors.eligibility import citizen_booking
from booking.selectors.lookups import active_places_for_pages
from booking.services.citizen_login import citizen_authenticate
from booking.web.forms import CitizenLoginForm
from booking.web.session import citizen_log_in, citizen_log_out, citizen_logged_in
from booking.web.waiting import leave_line
from kernel.network import client_address
from tenants.models import Municipality


def _places(language: str) -> list[dict]:
    return [
        {"name": place.localized_name(language), "address": place.localized_address(), "phone": place.phone,
         "guidance": place.guidance_in(language)}
        for place in active_places_for_pages()
    ]


def _login_form(request, data=None) -> CitizenLoginForm:
    return CitizenLoginForm(data, asks_month=request.tenant.login_secret == Municipality.LoginSecret.MONTH_DAY)


@never_cache
def home(request, form=None, status=200):
    language = translation.get_language()
    return render(request, "booking/web/home.html", {
        "form": form or _login_form(request),
        "places": _places(language),
        "logged_in": citizen_logged_in(request),
    }, status=status)


@require_POST
@never_cache
def log_in(request):
    form = _login_form(request, request.POST)
    if not form.is_valid():
        return home(request, form=form)
    try:
        notice = citizen_authenticate(
            number=form.cleaned_data["notice_number"], day=form.cleaned_data["birth_day"],
            month=form.cleaned_data.get("birth_month"), client=client_address(request),
        )
    except NoticeNumberFormatError as error:
        form.add_error("notice_number", error.message)
        return home(request, form=form)
    except ClientRefusedError as error:
        form.add_error(None, error.message)
        response = home(request, form=form, status=429)
        response["Retry-After"] = str(error.retry_after)
        return response
    except (NoticeLockedError, LoginFailedError) as error:
        form.add_error(None, error.message)
        return home(request, form=form, status=error.status_code if error.status_code != 400 else 200)
    resume_at = citizen_log_in(request, notice)  # back where the last login of this notice ran out
    return redirect(resume_at or _first_page(notice))


def _first_page(notice) -> str:
    """Straight to the calendar when there is a booking to make at one place (fewer pages to load)."""
    booking = citizen_booking(notice)
    if booking.reservation is None and booking.bookable:
        if booking.start_place is not None:
            return reverse("citizen:month", args=[booking.start_place.code])
        return reverse("citizen:places")
    return reverse("citizen:booking")


@require_POST
def log_out(request):
    citizen_log_out(request)
    leave_line(request)
    messages.info(request, _("You have logged out."))
    return redirect("citizen:home")
